"""``dlcourse collect``: import submissions from a folder or an LMS zip into ``submitted/``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    import re

    from graders.pipeline.collect import collect
    from graders.pipeline.course import CourseError

    try:
        result = collect(args.dir, args.path, pattern=args.pattern)
    except (CourseError, FileNotFoundError, re.error) as exc:
        print(f"dlcourse collect: {exc}", file=sys.stderr)
        return 2
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
