"""``dlcourse report``: one HTML page on what the class got right and wrong."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "write the class report (score distributions, pass rates, frequent mistakes)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("--output", "-o", type=Path, default=None,
                        help="HTML file (default DIR/report.html)")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.course import CourseError
    from graders.pipeline.report import write_report

    try:
        path = write_report(args.dir, args.output)
    except CourseError as exc:
        print(f"dlcourse report: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0
