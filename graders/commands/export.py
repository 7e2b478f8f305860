"""``dlcourse export``: grades as CSV, one row per student and chapter, with a status column."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "export grades as CSV (row per student and chapter, column per exercise, status)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("--csv", type=Path, required=True, metavar="FILE", help="output file")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.course import CourseError
    from graders.pipeline.export import export_csv

    try:
        rows = export_csv(args.dir, args.csv)
    except CourseError as exc:
        print(f"dlcourse export: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {rows} row(s) to {args.csv}")
    return 0
