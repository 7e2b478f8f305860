"""``dlcourse collect``: import submissions from a folder or an LMS zip into ``submitted/``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from graders.errors import UsageError

HELP = "import submissions (folder or zip) into submitted/<student>/<chapter>/"

EPILOG = """\
File names: STUDENT_CHAPTER.ipynb (e.g. jdoe_02_logistic.ipynb, no '_' in the id) or
STUDENT/CHAPTER.ipynb, at any depth. --pattern replaces both with a regular expression
with groups (?P<student>...) and (?P<chapter>...), searched in the '/'-separated path.
A file's time is its modification time (zip: entry time); an older file never replaces
a newer submission. Files not imported are listed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("path", type=Path, help="a folder or a zip of notebooks")
    parser.add_argument("--pattern", default=None, help="regex naming student and chapter")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.collect import collect

    if not args.path.exists():
        raise UsageError(f"{args.path}: no such folder, zip or notebook")
    if args.pattern is not None:
        _check_pattern(args.pattern)
    result = collect(args.dir, args.path, pattern=args.pattern)
    print(f"imported {len(result.imported)} submission(s)")
    for student, chapter, origin in result.imported:
        print(f"  {student:<16} {chapter:<16} <- {origin}")
    if result.older:
        print(f"kept the newer submission for {len(result.older)} file(s):")
        for origin, reason in result.older:
            print(f"  {origin}: {reason}")
    if result.unrecognised:
        print(f"not imported, unrecognised: {len(result.unrecognised)} file(s):")
        for origin, reason in result.unrecognised:
            print(f"  {origin}: {reason}")
    return 0


def _check_pattern(pattern: str) -> None:
    try:
        groups = re.compile(pattern).groupindex
    except re.error as exc:
        raise UsageError(f"--pattern {pattern!r} is not a regular expression: {exc}") from None
    missing = [g for g in ("student", "chapter") if g not in groups]
    if missing:
        raise UsageError(f"--pattern {pattern!r} has no group "
                         f"{' or '.join(f'(?P<{g}>...)' for g in missing)}")
