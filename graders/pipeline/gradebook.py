"""nbgrader's gradebook, written by the grading parent alone.

``dlcourse autograde`` never lets nbgrader run a notebook; it fills nbgrader's tables
itself, so that ``nbgrader export``, the formgrader and ``nbgrader generate_feedback``
keep working:

- :func:`prepare_submissions`: the student and submission rows of a whole batch, made
  before any grading starts (no two workers race to create a student);
- :func:`write_grades`: a graded submission's test-cell scores (the trusted points;
  manual scores and extra credit cleared: only the grader decides);
- :func:`mark_ungradable`: a submission that could not be graded gets "needs manual
  grade" instead of a silent 0, and is flagged;
- :func:`snapshot_gradebook`: a copy of the gradebook before each batch.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from graders.pipeline.course import Course


@contextlib.contextmanager
def gradebook(course: Course) -> Iterator:
    """nbgrader's ``Gradebook`` for the course, with its harmless SQLAlchemy warning silenced."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)
        with Gradebook(course.db_url, course.course_id) as gb:
            yield gb


def submission_time(course: Course, chapter: str, student: str) -> datetime | None:
    """The time ``collect`` wrote beside the submission (``timestamp.txt``), if readable."""
    from nbgrader.utils import parse_utc

    path = course.submitted_dir(student, chapter) / "timestamp.txt"
    try:
        if path.is_symlink() or path.stat().st_size > 100:
            return None
        return parse_utc(path.read_text().strip())
    except (OSError, ValueError, TypeError, OverflowError):
        return None


def prepare_submissions(course: Course, todo: list[tuple[str, str]]) -> dict:
    """Create the student and submission rows of ``(chapter, student)`` pairs.

    Returns ``{(chapter, student): reason}`` for the pairs whose rows could not be made
    (their grading is then reported as failed with that reason); the others are ready.
    """
    from sqlalchemy.exc import SQLAlchemyError

    problems = {}
    with gradebook(course) as gb:
        for chapter, student in todo:
            try:
                gb.update_or_create_student(student)
                gb.update_or_create_submission(
                    chapter, student, timestamp=submission_time(course, chapter, student))
            except (SQLAlchemyError, ValueError) as error:
                gb.db.rollback()
                problems[(chapter, student)] = ("the gradebook could not record the submission "
                                                f"({type(error).__name__})")
    return problems


def write_grades(gb, chapter: str, student: str, points: dict[str, float],
                 *, flagged: bool = False) -> None:
    """Store ``{test grade_id: points}`` as the autograded scores of one submission."""
    notebook = gb.find_submission_notebook(chapter, chapter, student)
    for grade in notebook.grades:
        if grade.name in points:
            grade.auto_score = points[grade.name]
            grade.manual_score = None
            grade.extra_credit = None
            grade.needs_manual_grade = False
    notebook.flagged = flagged
    gb.db.commit()


def mark_ungradable(gb, chapter: str, student: str) -> None:
    """Clear a submission's grades to "needs manual grade" and flag its notebook."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        notebook = gb.find_submission_notebook(chapter, chapter, student)
    except MissingEntry:
        gb.update_or_create_submission(chapter, student)
        notebook = gb.find_submission_notebook(chapter, chapter, student)
    for grade in notebook.grades:
        grade.auto_score = None
        grade.needs_manual_grade = True
    notebook.flagged = True
    gb.db.commit()


def snapshot_gradebook(course) -> Path:
    """Copy the gradebook to ``<course>/snapshots/`` before a batch; returns the copy.

    SQLite gradebooks are copied with SQLite's backup API; other databases are dumped
    table by table to JSON.
    """
    folder = course.root / "snapshots"
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    match = re.fullmatch(r"sqlite:///(.+)", course.db_url)
    if match:
        target = folder / f"gradebook-{stamp}.db"
        source = sqlite3.connect(f"file:{match.group(1)}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return target
    return _dump_tables(course.db_url, folder / f"gradebook-{stamp}.json")


def _dump_tables(db_url: str, target: Path) -> Path:
    import sqlalchemy as sa

    engine = sa.create_engine(db_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            dump = {name: [[str(v) for v in row] for row in conn.execute(sa.select(table))]
                    for name, table in meta.tables.items()}
    finally:
        engine.dispose()
    target.write_text(json.dumps(dump))
    return target
