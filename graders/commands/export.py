"""``dlcourse export``: grades as CSV, one row per student and chapter, with a status column."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands._checks import output_file

HELP = "export grades as CSV (row per student and chapter, column per exercise, status)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("--csv", type=Path, required=True, metavar="FILE", help="output file")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.export import export_csv

    output_file(args.csv, "--csv")
    rows = export_csv(args.dir, args.csv)
    print(f"wrote {rows} row(s) to {args.csv}")
    return 0
