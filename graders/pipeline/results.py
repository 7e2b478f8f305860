"""Grading results: small dataclasses, kept in a ``dlcourse_result`` table of the gradebook.

nbgrader's gradebook stores points per cell but not *why* a cell failed, nor that a
submission could not be graded at all (it then shows 0). ``dlcourse`` keeps one row per
(student, chapter) beside nbgrader's tables, in the same database (SQLite or any
SQLAlchemy URL): the status (``graded`` or ``failed``), the reason for a failure, and
each exercise's points and diagnosis. Feedback, export and report read from here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from graders.pipeline.course import database_errors
from graders.results import ExerciseResult

GRADED = "graded"
FAILED = "failed"

_metadata = sa.MetaData()
result_table = sa.Table(
    "dlcourse_result",
    _metadata,
    sa.Column("student_id", sa.String(128), primary_key=True),
    sa.Column("chapter", sa.String(128), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("exercises", sa.Text, nullable=False),  # JSON list of ExerciseResult
    sa.Column("seconds", sa.Float, nullable=False),
    sa.Column("graded_at", sa.String(32), nullable=False),
)


@dataclass
class SubmissionResult:
    """The outcome of grading one student's notebook for one chapter.

    ``status`` is ``"graded"`` (``exercises`` holds the scores) or ``"failed"`` (the
    submission could not be graded; ``reason`` says why and there is no score, not 0).
    """

    student: str
    chapter: str
    status: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    reason: str | None = None
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds in the sandbox (not stored: for this run's summary)

    @property
    def graded(self) -> bool:
        return self.status == GRADED

    @property
    def score(self) -> float | None:
        """Total points, or None for a submission that could not be graded."""
        return sum(e.points for e in self.exercises) if self.graded else None

    @property
    def max_score(self) -> float:
        return sum(e.max_points for e in self.exercises)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SubmissionResult:
        data = json.loads(text)
        data["exercises"] = [ExerciseResult(**e) for e in data["exercises"]]
        return cls(**data)


def _engine(db_url: str) -> sa.Engine:
    with database_errors(db_url):
        engine = sa.create_engine(db_url)
        _metadata.create_all(engine)
    return engine


def open_results(db_url: str) -> None:
    """Create the results table if missing: a :class:`~graders.errors.DatabaseError` now,
    before any slow step, when the database cannot be reached."""
    _engine(db_url).dispose()


def results_engine(db_url: str) -> sa.Engine:
    """An engine for many :func:`save_results` calls (a batch); dispose of it after."""
    return _engine(db_url)


def save_results(db_url: str, results: list[SubmissionResult], *,
                 engine: sa.Engine | None = None) -> None:
    """Insert or replace the rows of these submissions (re-grading replaces old rows).

    ``engine`` (from :func:`results_engine`) is reused and left open; without it a new one
    is made and disposed of.
    """
    if not results:
        return
    own = engine is None
    engine = _engine(db_url) if own else engine
    now = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with engine.begin() as conn:
            for r in results:
                c = result_table.c
                key = (c.student_id == r.student) & (c.chapter == r.chapter)
                conn.execute(result_table.delete().where(key))
                conn.execute(
                    result_table.insert().values(
                        student_id=r.student,
                        chapter=r.chapter,
                        status=r.status,
                        reason=r.reason,
                        exercises=json.dumps([asdict(e) for e in r.exercises]),
                        seconds=float(r.seconds),
                        graded_at=now,
                    )
                )
    finally:
        if own:
            engine.dispose()  # no pooled connection may outlive the call into a fork


def load_results(db_url: str) -> list[SubmissionResult]:
    """Every stored result, sorted by chapter then student."""
    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(result_table).order_by(result_table.c.chapter, result_table.c.student_id)
            ).all()
    finally:
        engine.dispose()
    return [
        SubmissionResult(
            student=row.student_id,
            chapter=row.chapter,
            status=row.status,
            reason=row.reason,
            exercises=[ExerciseResult(**e) for e in json.loads(row.exercises)],
            seconds=row.seconds,
        )
        for row in rows
    ]
