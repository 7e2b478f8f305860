"""``dlcourse export``: grades as CSV, in dlcourse's own layout or one an LMS imports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graders.commands._checks import output_file

HELP = (
    "export grades: csv (row per student and chapter, with status), canvas or moodle "
    "(gradebook imports; blank, never 0, where there is no score)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("--format", choices=["csv", "canvas", "moodle"], default="csv",
                        help="csv: dlcourse's table (default); canvas: Canvas's gradebook "
                        "import; moodle: Moodle's CSV grade import")
    parser.add_argument("--out", type=Path, metavar="FILE", help="the file to write")
    parser.add_argument("--csv", type=Path, metavar="FILE",
                        help="same as --format csv --out FILE (kept for older scripts)")
    parser.add_argument("--roster", type=Path, metavar="FILE",
                        help="the LMS's roster CSV (Canvas gradebook export, Moodle "
                        "participants): maps course ids to the LMS's identifiers")
    parser.add_argument("--roster-key", metavar="COLUMN",
                        help="the roster column holding course ids (default: the column "
                        "holding the most of them)")
    parser.add_argument("--moodle-id", choices=["username", "idnumber", "email"],
                        default="username",
                        help="moodle: the identifier column, matched to that user field "
                        "(default username)")
    parser.add_argument("--assignment", action="append", default=[], metavar="CHAPTER=ID",
                        help="canvas: the Canvas assignment id of a chapter (repeatable; "
                        "default: from a Canvas roster's headers)")


def run(args: argparse.Namespace) -> int:
    from graders.errors import UsageError
    from graders.pipeline.export import export_grades
    from graders.pipeline.untrusted import printable

    if args.csv is not None:
        if args.out is not None or args.format != "csv":
            raise UsageError("--csv FILE means --format csv --out FILE; give one or the other")
        args.out = args.csv
    if args.out is None:
        raise UsageError("name the file to write with --out FILE")
    output_file(args.out, "--out" if args.csv is None else "--csv")
    ids = {}
    for item in args.assignment:
        chapter, sep, number = item.partition("=")
        if not sep or not number.strip().isdigit():
            raise UsageError(f"--assignment {item!r}: write CHAPTER=ID, e.g. 02_logistic=4521")
        ids[chapter.strip()] = number.strip()
    done = export_grades(
        args.dir, args.out, args.format, roster=args.roster, roster_key=args.roster_key,
        moodle_id=args.moodle_id, assignment_ids=ids,
    )
    print(f"wrote {done.rows} row(s) to {done.path}")
    for note in done.notes:
        print(f"note: {note}")
    if done.not_in_roster:
        names = ", ".join(printable(s) for s in done.not_in_roster)
        print(f"dlcourse export: {len(done.not_in_roster)} student(s) of the course are not "
              f"in the roster, so they are not in {done.path}: {names}", file=sys.stderr)
        return 1
    return 0
