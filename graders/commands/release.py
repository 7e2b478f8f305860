"""``dlcourse release``: student versions of the chapters (nbgrader) and a zip per chapter."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "generate the student notebooks (nbgrader generate_assignment) and hand-out zips"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER", help="default: all chapters")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.release import release

    zips = release(args.dir, args.chapters)
    for path in zips:
        print(f"released {path.stem}: {path}")
    return 0
