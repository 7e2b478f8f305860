"""Attacks graded through ``dlcourse autograde``: trusted scores count, the rest of the
class is untouched, and tampering (a test cell printing a pass that grading did not give)
is reported.

One real course (the repository's chapter-2 notebook, released with nbgrader) per
database backend: alice is graded first; then a batch of hostile submissions is graded,
and alice's grades, the gradebook's stored test cells and the source notebook must be
exactly as before. PostgreSQL runs the same test against a real server on loopback.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from security_course import (
    CHAPTER,
    MAX_SCORE,
    POINTS,
    WRONG,
    deserved,
    points,
    processes_with,
    solution_source,
)

ALL = tuple(POINTS)

VENV_BIN = Path(sys.executable).parent

# Code the hostile notebooks run in the sandboxed child.
SPOIL_GRADEBOOK = """
import glob, os, sqlite3
for url in ("@DB@",):
    try:
        if url.startswith("sqlite:///"):
            db = sqlite3.connect(url[len("sqlite:///"):], timeout=1)
            db.execute("UPDATE grade SET manual_score = 25, extra_credit = 5")
            db.execute("UPDATE source_cell SET source = 'pass', checksum = NULL")
            db.commit()
        else:
            import sqlalchemy as sa
            with sa.create_engine(url).begin() as conn:
                conn.execute(sa.text("UPDATE grade SET manual_score = 25, extra_credit = 5"))
                conn.execute(sa.text("UPDATE source_cell SET source = 'pass'"))
    except Exception as error:
        print("could not spoil the gradebook:", type(error).__name__)
for path in glob.glob("@ROOT@/source/*/*.ipynb") + glob.glob("@ROOT@/submitted/alice/*/*"):
    try:
        open(path, "a").write(" ")
    except OSError:
        pass
"""

HOLD_LOCK = """
import sqlite3
try:
    held = sqlite3.connect("@DBFILE@", timeout=0, isolation_level=None)
    held.execute("BEGIN EXCLUSIVE")
except Exception:
    pass
"""

PATCH_NUMPY = """
import numpy, graders.checks._spec as core, graders.checks._diagnose as diagnose
numpy.allclose = lambda *a, **k: True
core.close = diagnose.close = lambda *a, **k: True
core.Spec.verify = lambda self, flat, case: (0.0, None)
core.integrity_problem = lambda: None
"""

LEAVE_PROCESS = """
import subprocess
subprocess.Popen(["sleep", "@MARKER@"], start_new_session=True)
"""

NOISY = """
import sys, warnings
def forward(w, b, X):
    print("debugging to stderr", file=sys.stderr)
    warnings.warn("a warning from correct code")
    np.log(np.zeros(1))
    return sigmoid(np.dot(w.T, X) + b)
"""

FAKE_CHECK = """
def check_forward(fn, hidden=False):
    print("✓ forward: 5 cases (max rel. diff 0)")
"""

# student -> (solution cells, functions whose points are deserved, tampering expected)
BATCH = {
    "correct": ({"forward": LEAVE_PROCESS + NOISY}, ALL, False),
    "wrong": (dict(WRONG), deserved(*WRONG), False),
    "gradebook": ({"forward": SPOIL_GRADEBOOK + HOLD_LOCK + WRONG["forward"]},
                  deserved("forward"), False),
    "patcher": ({"forward": PATCH_NUMPY + WRONG["forward"]}, deserved("forward"), False),
    "blanker": ({"forward": "get_ipython().input_transformers_post.append(lambda lines: [])\n"
                            + WRONG["forward"]}, deserved("forward"), False),
    # a fake check prints the kernel's success line: no points, and the batch is told
    "liar": ({"forward": WRONG["forward"] + FAKE_CHECK}, deserved("forward"), True),
    # the process ends in backward's cell: that cell and its callers' are lost
    "exiter": ({"backward": solution_source("backward") + "\nimport os\nos._exit(0)\n"},
               deserved("backward"), False),
}
# PostgreSQL: the attacks on the database server itself, and the tampering report.
BATCHES = {"sqlite": BATCH, "postgresql": {k: BATCH[k] for k in ("gradebook", "liar")}}


def dlcourse(*args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLNOTES_", "VIRTUAL_ENV"))}
    env["PATH"] = "/usr/bin:/bin"
    return subprocess.run([str(VENV_BIN / "dlcourse"), *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=900)


def ok(run: subprocess.CompletedProcess, code: int = 0) -> str:
    assert run.returncode == code, run.stdout + run.stderr
    return run.stdout


def submit(root: Path, student: str, cells: dict[str, str], values: dict[str, str]) -> None:
    notebook = json.loads((root / "release" / CHAPTER / f"{CHAPTER}.ipynb").read_text())
    answers = {f: solution_source(f) for f in POINTS}
    answers.update(cells)
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            source = answers[grade_id]
            for key, value in values.items():
                source = source.replace(key, value)
            cell["source"] = source
    path = root / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook))


def gradebook_state(db_url: str, course_id: str = "dlnotes") -> dict:
    """alice's grades and every stored test cell's source, as nbgrader sees them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gb:
        notebook = gb.find_submission_notebook(CHAPTER, CHAPTER, "alice")
        grades = {g.name: (g.auto_score, g.manual_score, g.extra_credit) for g in notebook.grades}
        cells = {c.name: c.source for c in gb.find_notebook(CHAPTER, CHAPTER).source_cells}
    return {"alice": grades, "cells": cells}


def fingerprint(root: Path) -> dict[str, str]:
    files = [*sorted((root / "source").rglob("*.ipynb")), *sorted((root / "submitted" / "alice")
                                                                  .rglob("*.ipynb"))]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(params=list(BATCHES))
def course_root(request, tmp_path: Path) -> tuple[Path, str, dict]:
    root = tmp_path / "course"
    db = []
    if request.param == "postgresql":
        db = ["--db", request.getfixturevalue("postgres_url")]
    ok(dlcourse("init", root, *db))
    ok(dlcourse("release", root, CHAPTER))
    from graders.pipeline.course import load_course

    return root, load_course(root).db_url, BATCHES[request.param]


def test_hostile_batch_scores_and_leaves_the_class_alone(course_root, marker):
    root, db_url, batch = course_root
    from graders.pipeline.results import load_results

    submit(root, "alice", {}, {})
    ok(dlcourse("autograde", root, CHAPTER, "--no-progress"))
    before, files_before = gradebook_state(db_url), fingerprint(root)
    assert sum(a for a, _, _ in before["alice"].values() if a is not None) >= MAX_SCORE

    values = {"@DB@": db_url, "@ROOT@": str(root), "@MARKER@": marker,
              "@DBFILE@": str(root / "gradebook.db")}
    for student, (cells, _, _) in batch.items():
        submit(root, student, cells, values)
    out = ok(dlcourse("autograde", root, CHAPTER, "--student", "[!a]*", "--jobs", "2",
                      "--no-progress"))
    assert f"{len(batch)} submission(s): {len(batch)} graded, 0 failed" in out

    results = {r.student: r for r in load_results(db_url) if r.chapter == CHAPTER}
    for student, (_, passing, tampering) in batch.items():
        result = results[student]
        assert result.score == points(*passing), (student, result.exercises)
        assert (result.reason is not None and "possible tampering" in result.reason) == tampering
        assert "BATCH FLAGGED" not in (result.reason or "")
    if "exiter" in batch:
        lost = next(e for e in results["exiter"].exercises if e.function == "backward")
        assert "ended the grading process" in lost.diagnosis, lost
    assert gradebook_state(db_url) == before  # alice and the stored test cells untouched
    assert fingerprint(root) == files_before
    assert processes_with(f"sleep {marker}") == []
    snapshots = list((root / "snapshots").iterdir())
    assert len(snapshots) == 2  # one per batch

    # nbgrader's own export agrees with the trusted scores
    export = subprocess.run([str(VENV_BIN / "nbgrader"), "export", "--to", "nb.csv"], cwd=root,
                            capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stderr
    import csv

    with open(root / "nb.csv") as file:
        rows = {r["student_id"]: r for r in csv.DictReader(file)}
    for student, (_, passing, _) in batch.items():
        assert float(rows[student]["score"]) == points(*passing), student
