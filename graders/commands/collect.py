"""``dlcourse collect``: import submissions from a folder or an LMS zip into ``submitted/``."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "import submissions (folder or zip) into submitted/<student>/<chapter>/"

EPILOG = """\
Whose file: a notebook at the top of the inbox is STUDENT_CHAPTER.ipynb (e.g.
jdoe_02_logistic.ipynb); a notebook in a folder belongs to the student whose folder it
is: without --roster the top-level folder is the student id and holds CHAPTER.ipynb (or
STUDENT_CHAPTER.ipynb) directly; with --roster, the outermost folder the roster knows
(an LMS's per-student folder), at any depth. A name that claims another student than its
folder, two sources claiming one student, an id that is not letters, digits, '.', '_'
and '-' (at most 128), links, devices, FIFOs and files larger than the notebook limit are
refused and listed. --pattern replaces the file-name rule with a regular expression with
a group (?P<chapter>...) and optionally (?P<student>...), searched in the '/'-separated
path. --roster FILE: a CSV whose --roster-key column holds course ids and whose other
columns hold the LMS's names or ids for each student.
A file's time is its modification time (zip: entry time), clamped to the collect time
when it is in the future; an older file never replaces a newer submission. nbformat 3
notebooks are converted to nbformat 4. Written beside each notebook: timestamp.txt
(submission time), collected_at.txt (collect time), claimed_timestamp.txt (only for a
clamped time). Every decision, with details, goes to the course's logs/collect.log.
Exit code 1 when a file was refused."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("path", type=Path, help="a folder, a zip or one notebook")
    parser.add_argument("--pattern", default=None, help="regex naming chapter (and student)")
    parser.add_argument("--roster", type=Path, default=None, metavar="FILE",
                        help="CSV mapping the LMS's names or ids to course ids")
    parser.add_argument("--roster-key", default=None, metavar="COLUMN",
                        help="the roster's column of course ids (default: the one holding "
                             "the most known ids)")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.collect import collect

    result = collect(args.dir, args.path, pattern=args.pattern, roster=args.roster,
                     roster_key=args.roster_key)
    print(listing(result))
    return 1 if result.refused else 0


def listing(result) -> str:
    """The collect's report for a terminal: every name escaped, one line per file."""
    from graders.pipeline.ids import escaped

    lines = [f"imported {len(result.imported)} submission(s)"]
    lines += [f"  {s:<16} {c:<16} <- {escaped(o)}" for s, c, o in result.imported]
    for title, rows in [
        ("flagged, imported with a note: {} file(s):", result.flagged),
        ("kept the newer submission for {} file(s):", result.older),
        ("refused, not imported: {} file(s):", result.refused),
        ("not imported, unrecognised: {} file(s):", result.unrecognised),
    ]:
        if rows:
            lines.append(title.format(len(rows)))
            lines += [f"  {escaped(origin)}: {reason}" for origin, reason in rows]
    if result.log is not None:
        lines.append(f"details: {escaped(result.log, 1000)}")
    return "\n".join(lines)
