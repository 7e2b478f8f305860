"""Grades as CSV: one row per student and chapter, a column per exercise, and a status.

``status`` is ``graded``, ``failed`` (the notebook could not be graded: ``score`` is
empty, never 0, and ``reason`` says why), ``not graded`` (submitted, not autograded yet)
or ``missing`` (no submission). Exercise columns are named by function; a row fills only
its own chapter's exercises (``compute_cost`` of ``02_logistic`` and of ``04_deep`` share
a column, told apart by the row's chapter).
"""

from __future__ import annotations

import csv
from pathlib import Path

from graders.exercises import chapter_exercises
from graders.pipeline.course import load_course
from graders.pipeline.results import load_results

FIXED_COLUMNS = ["student_id", "chapter", "status", "score", "max_score", "reason"]


def export_csv(course_dir: str | Path, csv_path: str | Path) -> int:
    """Write the grade table to ``csv_path``; return the number of rows."""
    course = load_course(course_dir)
    results = {(r.student, r.chapter): r for r in load_results(course.db_url)}
    students = sorted({s for s, _ in results} | _submitted_students(course.root))
    functions = list(
        dict.fromkeys(
            [e.function for c in course.chapters for e in chapter_exercises(c)]
            + [e.function for r in results.values() for e in r.exercises]
        )
    )
    rows = []
    for student in students:
        for chapter in course.chapters:
            row = {"student_id": student, "chapter": chapter}
            result = results.get((student, chapter))
            if result is None:
                submitted = course.submitted_dir(student, chapter) / f"{chapter}.ipynb"
                row["status"] = "not graded" if submitted.is_file() else "missing"
            else:
                row["status"] = result.status
                row["reason"] = result.reason or ""
                row["max_score"] = f"{result.max_score:g}"
                if result.graded:
                    row["score"] = f"{result.score:g}"
                    row.update({e.function: f"{e.points:g}" for e in result.exercises})
            rows.append(row)
    with open(csv_path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIXED_COLUMNS + functions, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _submitted_students(root: Path) -> set[str]:
    folder = root / "submitted"
    return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
