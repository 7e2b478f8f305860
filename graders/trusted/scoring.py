"""Trusted grading inside ``dlcourse autograde``: the trusted result is the grade of record.

``graders.pipeline.autograde.score_submission`` runs nbgrader (the learner's own test
cells, in a kernel) and then calls :func:`trusted_scores`, which

- grades the same submission with :func:`graders.trusted.grade_notebook`;
- keeps nbgrader's kernel-side result only as information: where the notebook's own test
  passed but the trusted re-run failed, the exercise's diagnosis and the submission's
  ``reason`` say "possible tampering"; where both failed, the diagnosis is the one the
  learner's own test cell gave (the same check library, so the same words);
- writes the trusted points into nbgrader's gradebook itself (this grading process, never
  the learner's code), so that ``nbgrader export`` and the formgrader agree.

Around each batch, ``autograde`` calls :func:`snapshot_gradebook` before and
:func:`canary_problems` after: a known-wrong submission must score 0, else the batch is
flagged. Set ``DLCOURSE_ALLOW_WEAK_SANDBOX=1`` to grade where bwrap cannot run (every
result then says so).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from graders.exercises import chapter_exercises
from graders.trusted.grade import grade_notebook
from graders.trusted.results import TrustedResult

WEAK_ENV = "DLCOURSE_ALLOW_WEAK_SANDBOX"
TAMPERING = "possible tampering"


class UngradableError(Exception):
    """The trusted grader could not grade the submission (the message says why)."""


def weak_sandbox_allowed() -> bool:
    return os.environ.get(WEAK_ENV, "") not in ("", "0")


def trusted_scores(course, chapter: str, student: str, kernel: list) -> tuple[list, str | None]:
    """The exercises of record and a note for the submission, from the trusted grader.

    Parameters
    ----------
    course : graders.pipeline.course.Course
    chapter, student : str
    kernel : list of graders.pipeline.results.ExerciseResult
        What nbgrader's kernel-side run gave (information only).

    Returns
    -------
    exercises : list of graders.pipeline.results.ExerciseResult
        The trusted points and diagnoses.
    note : str or None
        "possible tampering ..." and/or the weak-sandbox warning, for ``reason``.

    Raises
    ------
    UngradableError
        The notebook cannot be graded (unreadable, another chapter's notebook).
    """
    from graders.pipeline.results import ExerciseResult

    notebook = course.submitted_dir(student, chapter) / f"{chapter}.ipynb"
    result = grade_notebook(notebook, chapter, source_notebook=course.source_notebook(chapter),
                            allow_weak_sandbox=weak_sandbox_allowed())
    if result.status != "graded":
        raise UngradableError(result.message)
    said = {e.function: e for e in kernel}
    exercises, suspicious = [], []
    for e in result.exercises:
        own = said.get(e.function)
        diagnosis = e.diagnosis or None
        if not e.passed and own is not None and own.passed:
            suspicious.append(e.function)
            diagnosis = (f"{TAMPERING}: the notebook's own test passed, the trusted re-run "
                         f"failed: {e.diagnosis}")
        elif not e.passed and own is not None and own.diagnosis:
            diagnosis = own.diagnosis  # both failed: what the learner's own test cell said
        exercises.append(ExerciseResult(e.function, float(e.points), float(e.max_points),
                                        diagnosis))
    write_trusted_grades(course, chapter, student, result)
    return exercises, _note(result, suspicious)


def _note(result: TrustedResult, suspicious: list[str]) -> str | None:
    notes = []
    if suspicious:
        notes.append(f"{TAMPERING}: kernel-side tests passed but trusted grading failed for "
                     f"{', '.join(suspicious)} (seed {result.seed})")
    if result.sandbox != "bwrap":
        notes.append(f"graded in the WEAK sandbox: {result.message}")
    return "; ".join(notes) or None


def write_trusted_grades(course, chapter: str, student: str, result: TrustedResult) -> None:
    """Store the trusted points as the test cells' scores in nbgrader's gradebook.

    Manual scores and extra credit that the learner's code may have written during
    nbgrader's run are cleared: only the grading process decides.
    """
    from nbgrader.api import Gradebook, MissingEntry

    points = {e.grade_id: float(e.points) for e in result.exercises}
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            notebook = gb.find_submission_notebook(chapter, chapter, student)
        except MissingEntry:  # nbgrader's own run failed before recording the submission
            gb.update_or_create_submission(chapter, student)
            notebook = gb.find_submission_notebook(chapter, chapter, student)
        for grade in notebook.grades:
            if grade.name in points:
                grade.auto_score = points[grade.name]
                grade.manual_score = None
                grade.extra_credit = None
                grade.needs_manual_grade = False
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


def canary_problems(course, chapters: list[str]) -> list[str]:
    """Grade a known-wrong submission of each chapter; any point it gets is a problem.

    The canary answers every exercise with a plausible wrong formula from
    ``graders.catalogue`` (or a function returning None where the catalogue has none).
    """
    problems = []
    with tempfile.TemporaryDirectory(prefix="dlcourse-canary-") as tmp:
        for chapter in chapters:
            path = Path(tmp) / f"{chapter}.ipynb"
            path.write_text(json.dumps(canary_notebook(course.source_notebook(chapter), chapter)))
            result = grade_notebook(path, chapter, source_notebook=course.source_notebook(chapter),
                                    allow_weak_sandbox=weak_sandbox_allowed())
            if result.status != "graded" or result.score != 0:
                problems.append(f"the known-wrong canary of {chapter} was {result.status} with "
                                f"{result.score}/{result.max_score} points (expected 0)")
    return problems


def canary_notebook(source: Path, chapter: str) -> dict:
    """The source notebook with every solution cell replaced by a wrong answer."""
    notebook = json.loads(source.read_text())
    wrong = {e.function: _wrong_source(e.module, e.function) for e in chapter_exercises(chapter)}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in wrong:
            cell["source"] = wrong[grade_id]
    return notebook


def _wrong_source(module: str, function: str) -> str:
    try:
        from graders.catalogue import WRONG

        return WRONG[f"{module}.{function}"][0].source
    except (ImportError, KeyError, IndexError):
        return f"def {function}(*args, **kwargs):\n    return None\n"
