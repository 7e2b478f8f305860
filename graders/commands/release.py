"""``dlcourse release``: student versions of the chapters (nbgrader) and a zip per chapter."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "generate the student notebooks (nbgrader generate_assignment) and hand-out zips"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER", help="default: all chapters")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.course import CourseError
    from graders.pipeline.release import ReleaseError, release

    try:
        zips = release(args.dir, args.chapters)
    except CourseError as exc:
        print(f"dlcourse release: {exc}", file=sys.stderr)
        return 2
    except ReleaseError as exc:
        print(f"dlcourse release: {exc}", file=sys.stderr)
        return 1
    for path in zips:
        print(f"released {path.stem}: {path}")
    return 0
