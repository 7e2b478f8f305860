"""``dlcourse init``: create an nbgrader course directory with the chapters as its source."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    from sqlalchemy.exc import SQLAlchemyError

    from graders.pipeline.course import DEFAULT_CELL_TIMEOUT, CourseError, init_course

    try:
        course = init_course(
            args.dir, db_url=args.db, course_id=args.course_id,
            cell_timeout=args.cell_timeout or DEFAULT_CELL_TIMEOUT,
        )
    except CourseError as exc:
        print(f"dlcourse init: {exc}", file=sys.stderr)
        return 2
    except (ImportError, SQLAlchemyError) as exc:
        print(f"dlcourse init: cannot open the gradebook {args.db}: {exc}", file=sys.stderr)
        return 2
    print(f"course {course.course_id!r} ready in {course.root}")
    print(f"chapters: {', '.join(course.chapters)}")
    print(f"gradebook: {course.db_url.split('@')[-1]}")
    print(f"next: dlcourse release {args.dir}")
    return 0
