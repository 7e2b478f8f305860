"""Grades as CSV: dlcourse's own table, or a file an LMS gradebook imports (Canvas, Moodle).

``csv`` (``export_csv``): one row per student and chapter, a column per exercise, and a
status. ``status`` is ``graded``, ``failed`` (the notebook could not be graded: ``score``
is empty, never 0, and ``reason`` says why), ``not graded`` (submitted, not autograded
yet) or ``missing`` (no submission). Exercise columns are named by function; a row fills
only its own chapter's exercises (``compute_cost`` of ``02_logistic`` and of ``04_deep``
share a column, told apart by the row's chapter).

``canvas``: the layout of Canvas's gradebook import: ``Student, ID, SIS User ID, SIS
Login ID, Section``, then one ``<title> (<assignment id>)`` column per chapter, a ``Points
Possible`` row, then one row per student. ``moodle``: one identifier column (``username``,
``idnumber`` or ``email``, the user field Moodle's CSV import maps it to) and one grade
column per chapter. In both, a chapter without a score (no submission, not graded yet,
could not be graded) is a blank cell, never 0: an LMS leaves a blank grade unchanged.

With a roster (``graders.pipeline.roster``) the LMS identifiers come from it and every
roster student gets a row; a course student the roster does not list cannot be written
and is returned in ``Export.not_in_roster``. Every cell is guarded for spreadsheets
(``graders.pipeline.untrusted.spreadsheet_cell``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from graders.errors import UsageError
from graders.exercises import chapter_exercises
from graders.exercises import max_score as table_max_score
from graders.pipeline.course import Course, load_course
from graders.pipeline.results import SubmissionResult, load_results
from graders.pipeline.roster import Roster, read_roster
from graders.pipeline.untrusted import spreadsheet_cell

FORMATS = ("csv", "canvas", "moodle")
FIXED_COLUMNS = ["student_id", "chapter", "status", "score", "max_score", "reason"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "Points Possible"
# Moodle's user fields a grade import can match, with the headers its exports use for them
MOODLE_IDENTIFIERS = {
    "username": ("username", "user name"),
    "idnumber": ("idnumber", "id number"),
    "email": ("email", "email address"),
}


@dataclass
class Export:
    """What an export wrote: the file, its student rows, and who could not be written."""

    path: Path
    rows: int
    not_in_roster: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Gradebook:
    """The course's students and their stored results, as every format needs them."""

    course: Course
    students: list[str]
    results: dict[tuple[str, str], SubmissionResult]

    def score(self, student: str, chapter: str) -> str:
        """The chapter's points as text, or '' for no score (never 0 for ungradable)."""
        result = self.results.get((student, chapter))
        return f"{result.score:g}" if result is not None and result.graded else ""

    def points_possible(self, chapter: str) -> float:
        """The chapter's maximum, as graded (else as the course's table of exercises says)."""
        graded = [r.max_score for (_, c), r in self.results.items() if c == chapter and r.graded]
        return max(graded) if graded else float(table_max_score(chapter))


def read_gradebook(course_dir: str | Path) -> Gradebook:
    course = load_course(course_dir)
    results = {(r.student, r.chapter): r for r in load_results(course.db_url)}
    students = sorted({s for s, _ in results} | _submitted_students(course.root))
    return Gradebook(course, students, results)


def export_grades(
    course_dir: str | Path,
    out: str | Path,
    fmt: str = "csv",
    *,
    roster: str | Path | None = None,
    roster_key: str | None = None,
    moodle_id: str = "username",
    assignment_ids: dict[str, str] | None = None,
) -> Export:
    """Write the course's grades to ``out`` in format ``fmt`` (see the module docstring).

    Parameters
    ----------
    course_dir, out : path
    fmt : {"csv", "canvas", "moodle"}
    roster : path, optional
        The LMS's roster CSV (Canvas gradebook export, Moodle participants, ...).
    roster_key : str, optional
        The roster column holding course ids (default: the one holding the most).
    moodle_id : {"username", "idnumber", "email"}
        The identifier column of a Moodle file.
    assignment_ids : dict, optional
        ``chapter -> Canvas assignment id``; by default read from a Canvas roster's header
        (``<chapter> (<id>)``). A chapter without one is titled by its name alone, which
        Canvas imports as a new assignment.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}")
    if moodle_id not in MOODLE_IDENTIFIERS:
        raise UsageError(f"unknown Moodle identifier {moodle_id!r}; use "
                         f"{', '.join(MOODLE_IDENTIFIERS)}")
    book = read_gradebook(course_dir)
    if fmt == "csv":
        if roster is not None:
            raise UsageError("--roster is for the canvas and moodle formats; csv uses course ids")
        return Export(Path(out), _write(out, *course_table(book)))
    lms_roster = read_roster(roster, key=roster_key, course_ids=book.students) if roster else None
    if fmt == "canvas":
        header, rows, notes = canvas_table(book, lms_roster, assignment_ids or {})
    else:
        header, rows, notes = moodle_table(book, lms_roster, moodle_id)
    data_rows = [r for r in rows if r[0] != CANVAS_POINTS_ROW]
    missing = [s for s in book.students if lms_roster and lms_roster.get(s) is None]
    _write(out, header, rows)
    return Export(Path(out), len(data_rows), missing, notes)


def export_csv(course_dir: str | Path, csv_path: str | Path) -> int:
    """Write dlcourse's own grade table to ``csv_path``; return the number of rows."""
    return export_grades(course_dir, csv_path, "csv").rows


def course_table(book: Gradebook) -> tuple[list[str], list[list[str]]]:
    """dlcourse's layout: a row per student and chapter, with status and exercise columns."""
    course, results = book.course, book.results
    functions = list(
        dict.fromkeys(
            [e.function for c in course.chapters for e in chapter_exercises(c)]
            + [e.function for r in results.values() for e in r.exercises]
        )
    )
    header = FIXED_COLUMNS + functions
    rows = []
    for student in book.students:
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
            rows.append([row.get(column, "") for column in header])
    return header, rows


def canvas_table(
    book: Gradebook, roster: Roster | None, assignment_ids: dict[str, str]
) -> tuple[list[str], list[list[str]], list[str]]:
    """Canvas's gradebook import layout: identity columns, assignments, Points Possible."""
    chapters = book.course.chapters
    ids = {**(canvas_assignment_ids(roster, chapters) if roster else {}), **assignment_ids}
    header = CANVAS_COLUMNS + [f"{c} ({ids[c]})" if c in ids else c for c in chapters]
    notes = []
    if roster is None:
        notes.append("no --roster: each course id is written as Student and SIS Login ID")
    untitled = [c for c in chapters if c not in ids]
    if untitled:
        notes.append(f"no Canvas assignment id for {', '.join(untitled)}: Canvas imports "
                     "such a column as a new assignment (--assignment CHAPTER=ID to name one)")
    points = [CANVAS_POINTS_ROW, "", "", "", ""]
    rows = [points + [f"{book.points_possible(c):g}" for c in chapters]]
    for student in _lms_students(book, roster):
        if roster is None:
            identity = [student, "", "", student, ""]
        else:
            identity = [roster.value(student, column) for column in CANVAS_COLUMNS]
        rows.append(identity + [book.score(student, c) for c in chapters])
    return header, rows, notes


def canvas_assignment_ids(roster: Roster, chapters: tuple[str, ...]) -> dict[str, str]:
    """``chapter -> assignment id`` from a Canvas export's ``<title> (<id>)`` headers."""
    found = {}
    for column in roster.columns:
        match = re.fullmatch(r"(.*\S)\s*\((\d+)\)", column)
        if match and match[1] in chapters:
            found[match[1]] = match[2]
    return found


def moodle_table(
    book: Gradebook, roster: Roster | None, moodle_id: str
) -> tuple[list[str], list[list[str]], list[str]]:
    """Moodle's grade import layout: one identifier column, one grade column per chapter."""
    chapters = book.course.chapters
    header = [moodle_id, *chapters]
    notes = []
    if roster is None:
        notes.append(f"no --roster: each course id is written as the Moodle {moodle_id}")
    elif roster.column(*MOODLE_IDENTIFIERS[moodle_id]) is None:
        raise UsageError(f"roster {roster.path} has no {moodle_id} column "
                         f"(columns: {', '.join(roster.columns)})")
    rows = []
    for student in _lms_students(book, roster):
        identifier = student if roster is None else roster.value(
            student, *MOODLE_IDENTIFIERS[moodle_id])
        rows.append([identifier] + [book.score(student, c) for c in chapters])
    return header, rows, notes


def _lms_students(book: Gradebook, roster: Roster | None) -> list[str]:
    """Every roster student in roster order, or every course student without a roster."""
    return list(roster.rows) if roster is not None else book.students


def _write(path: str | Path, header: list[str], rows: list[list[str]]) -> int:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in [header, *rows]:
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    return len(rows)


def _submitted_students(root: Path) -> set[str]:
    folder = root / "submitted"
    return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
