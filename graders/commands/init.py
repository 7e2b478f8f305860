"""``dlcourse init``: create an nbgrader course directory with the chapters as its source."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.errors import UsageError

HELP = "create an nbgrader course directory (config, chapter notebooks, gradebook)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory (created if missing)")
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="gradebook as any SQLAlchemy URL, e.g. postgresql://user:pw@host/db "
             "(default: SQLite DIR/gradebook.db)")
    parser.add_argument("--course-id", default="dlnotes", help="nbgrader course id")
    parser.add_argument(
        "--cell-timeout", type=int, default=None, metavar="SECONDS",
        help="seconds one notebook cell may run at autograde (default 60)")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.course import DEFAULT_CELL_TIMEOUT, init_course

    if args.cell_timeout is not None and args.cell_timeout < 1:
        raise UsageError(f"--cell-timeout must be at least 1 second, not {args.cell_timeout}")
    course = init_course(
        args.dir, db_url=args.db, course_id=args.course_id,
        cell_timeout=args.cell_timeout or DEFAULT_CELL_TIMEOUT,
    )
    print(f"course {course.course_id!r} ready in {course.root}")
    print(f"chapters: {', '.join(course.chapters)}")
    print(f"gradebook: {course.db_url.split('@')[-1]}")
    print(f"next: dlcourse release {args.dir}")
    return 0
