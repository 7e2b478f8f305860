"""Submissions that attack grading, and what must stay untouched while they are graded.

Every submission is built from the real chapter-2 source notebook: its solution cells
hold the instructor's (correct) answers, and a test replaces or extends some of them.
A small course folder in ``tmp_path`` holds what a hostile submission would like to
reach: the instructor's source notebook, a SQLite gradebook and another student's work.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from graders.exercises import chapter_exercises
from graders.paths import NOTEBOOKS_DIR
from graders.trusted.notebook import calls_among

CHAPTER = "02_logistic"
SOURCE = NOTEBOOKS_DIR / CHAPTER / f"{CHAPTER}.ipynb"
POINTS = {e.function: e.points for e in chapter_exercises(CHAPTER)}
MAX_SCORE = sum(POINTS.values())

# Wrong answers written for these tests (each differs from the reference on every case).
WRONG = {
    "forward": "def forward(w, b, X):\n    return np.dot(w.T, X) + b\n",
    "compute_cost": "def compute_cost(A, Y):\n    return float(-np.sum(Y * np.log(A)))\n",
    "backward": (
        "def backward(X, A, Y):\n    dZ = A - Y\n"
        "    return {'dw': np.dot(X, dZ.T), 'db': float(np.sum(dZ))}\n"
    ),
}


def points(*functions: str) -> int:
    """The points of the exercises expected to pass."""
    return sum(POINTS[f] for f in functions)


def calls(function: str) -> set[str]:
    """The chapter's exercises that the instructor's answer for ``function`` calls,
    directly or through another exercise (read from the source notebook's solutions)."""
    return set(calls_among({f: solution_source(f) for f in POINTS})[function])


def deserved(*broken: str) -> tuple[str, ...]:
    """The exercises that deserve their points when the learner's ``broken`` functions are
    wrong: every other exercise but those that call a broken one (as under nbgrader, where
    ``optimize`` runs the learner's own ``forward``)."""
    return tuple(f for f in POINTS if f not in broken and not calls(f) & set(broken))


def grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_source(function: str) -> str:
    """The instructor's answer for ``function``, from the source notebook."""
    for cell in json.loads(SOURCE.read_text())["cells"]:
        if grade_id(cell) == function:
            return "".join(cell["source"])
    raise LookupError(function)


@dataclass
class Course:
    """A course folder with the files an attack targets, and their fingerprints."""

    root: Path
    source: Path
    gradebook: Path
    other: Path

    def fingerprint(self) -> dict[str, str]:
        files = [self.source, self.gradebook, self.other, SOURCE]
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    def submit(self, cells: dict[str, str] | None = None, *, student: str = "mallory",
               edit=None, raw: bytes | None = None) -> Path:
        """Write a submission: ``cells`` replaces solution cells' source by ``grade_id``;
        ``edit(notebook_dict)`` changes anything else; ``raw`` is written as is."""
        path = self.root / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_bytes(raw)
            return path
        notebook = json.loads(SOURCE.read_text())
        for cell in notebook["cells"]:
            if grade_id(cell) in (cells or {}):
                cell["source"] = cells[grade_id(cell)]
        if edit is not None:
            edit(notebook)
        path.write_text(json.dumps(notebook))
        return path


def make_course(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    source = root / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    source.parent.mkdir(parents=True)
    source.write_bytes(SOURCE.read_bytes())
    gradebook = root / "gradebook.db"
    with sqlite3.connect(gradebook) as db:
        db.execute("CREATE TABLE grade (student TEXT, points REAL)")
        db.execute("INSERT INTO grade VALUES ('alice', 7)")
    db.close()
    other = root / "submitted" / "alice" / CHAPTER / f"{CHAPTER}.ipynb"
    other.parent.mkdir(parents=True)
    other.write_bytes(SOURCE.read_bytes())
    return Course(root, source, gradebook, other)


def new_marker() -> str:
    """A unique number to find processes an attack started (``sleep <marker>``)."""
    return str(10_000_000 + uuid.uuid4().int % 80_000_000)


def processes_with(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
