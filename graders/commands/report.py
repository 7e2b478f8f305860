"""``dlcourse report``: one HTML page on what the class got right and wrong."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.commands._checks import output_file

HELP = "write the class report (score distributions, pass rates, frequent mistakes)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("--output", "-o", type=Path, default=None,
                        help="HTML file (default DIR/report.html)")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.report import write_report

    if args.output is not None:
        output_file(args.output, "--output")
    path = write_report(args.dir, args.output)
    print(f"wrote {path}")
    return 0
