"""``dlcourse feedback``: an HTML page per student with each exercise's score and diagnosis."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "write HTML feedback per student (scores and diagnoses, never hidden tests)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.feedback import write_feedback

    written = write_feedback(args.dir)
    students = {p.parent.name for p in written if p.name == "index.html"}
    print(f"wrote {len(written)} feedback page(s) for {len(students)} student(s) "
          f"in {Path(args.dir) / 'feedback'}")
    return 0
