"""The batch safeguards: the canary (``graders.pipeline.canary``) and the snapshot
(``graders.pipeline.gradebook``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from security_course import CHAPTER, SOURCE, solution_source

from graders.exercises import max_score
from graders.pipeline import canary
from graders.pipeline.gradebook import snapshot_gradebook
from graders.trusted import Grader


@dataclass
class FakeCourse:
    """The two attributes of ``graders.pipeline.course.Course`` these functions use."""

    root: Path
    db_url: str

    def source_notebook(self, chapter: str) -> Path:
        return SOURCE


def test_canary_scores_zero_with_the_real_grader(tmp_path):
    with Grader() as grader:
        assert canary.canary_problems(FakeCourse(tmp_path, ""), [CHAPTER], grader) == []


def test_a_canary_that_gets_points_flags_the_batch(tmp_path, monkeypatch):
    """If the 'known-wrong' answers were right (or grading were broken), it is caught."""
    monkeypatch.setattr(canary, "wrong_source", lambda module, name: solution_source(name))
    with Grader() as grader:
        problems = canary.canary_problems(FakeCourse(tmp_path, ""), [CHAPTER], grader)
    full = f"{max_score(CHAPTER):g}"
    assert len(problems) == 1 and f"{full}/{full}" in problems[0]


def test_snapshot_is_a_faithful_copy_of_a_sqlite_gradebook(tmp_path):
    gradebook = tmp_path / "gradebook.db"
    with sqlite3.connect(gradebook) as db:
        db.execute("CREATE TABLE grade (student TEXT, points REAL)")
        db.executemany("INSERT INTO grade VALUES (?, ?)", [("alice", 7.0), ("bob", 2.0)])
    db.close()
    copy = snapshot_gradebook(FakeCourse(tmp_path, f"sqlite:///{gradebook}"))
    assert copy.parent == tmp_path / "snapshots"
    with sqlite3.connect(copy) as db:
        rows = db.execute("SELECT student, points FROM grade ORDER BY student").fetchall()
    db.close()
    assert rows == [("alice", 7.0), ("bob", 2.0)]


def test_snapshot_of_another_database_is_a_json_dump(tmp_path, postgres_url):
    import json

    import sqlalchemy as sa

    url = postgres_url.replace("postgresql://", "postgresql+psycopg2://")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS snapshot_probe (name TEXT)"))
        conn.execute(sa.text("DELETE FROM snapshot_probe"))
        conn.execute(sa.text("INSERT INTO snapshot_probe VALUES ('canary')"))
    engine.dispose()
    copy = snapshot_gradebook(FakeCourse(tmp_path, url))
    assert json.loads(copy.read_text())["snapshot_probe"] == [["canary"]]
