"""A class roster exported by an LMS (CSV): who the course's student ids are in the LMS.

A course id is the name ``collect`` gave a student's folder (``submitted/<id>/``). An LMS
knows each student by its own identifiers (Canvas: ``ID``, ``SIS User ID``, ``SIS Login
ID``; Moodle: ``username``, ``idnumber``, ``email``). A roster is any CSV with a header
row, e.g. Canvas's gradebook export or Moodle's participants download, in which one
column (the *key*) holds the course ids:

>>> roster = read_roster("roster.csv", course_ids=["jdoe", "asmith"])
>>> roster.key                       # the column that holds the course ids
'SIS Login ID'
>>> roster.get("jdoe")["ID"]         # that student's row, every column as text
'98765'
>>> roster.value("jdoe", "email")    # a column by name, case and spacing ignored
'jdoe@example.edu'

The key is named by the caller, or else it is the column holding the most course ids.
Only the roster is believed: an id it does not list has no LMS identity (``get`` returns
None) and the caller must say so, never guess one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graders.errors import DlcourseError

MAX_BYTES = 20_000_000  # a roster of a large university course is well below a megabyte
_NOT_STUDENTS = {"pointspossible", "muted"}  # first cells of Canvas's rows under the header


class RosterError(DlcourseError):
    """The roster file cannot be read, or does not say who the course's students are."""


def _fold(name: str) -> str:
    return "".join(name.split()).lower()


@dataclass(frozen=True)
class Roster:
    """The rows of a roster, by the course id in their ``key`` column.

    Attributes
    ----------
    path : Path
    columns : list of str
        The header, as written in the file.
    key : str
        The column whose values are course ids.
    rows : dict
        ``course id -> {column: value}``, in file order.
    """

    path: Path
    columns: list[str]
    key: str
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, student: str) -> dict[str, str] | None:
        """The roster row of a course id, or None when the roster does not list it."""
        return self.rows.get(student)

    def column(self, *names: str) -> str | None:
        """The first column called one of ``names`` (case and spaces ignored), if any."""
        folded = {_fold(c): c for c in self.columns}
        return next((folded[_fold(n)] for n in names if _fold(n) in folded), None)

    def value(self, student: str, *names: str) -> str:
        """A student's value in the first column called one of ``names`` ('' if none)."""
        row, name = self.get(student), self.column(*names)
        return (row or {}).get(name, "") if name else ""


def read_roster(
    path: str | Path, *, key: str | None = None, course_ids: Iterable[str] = ()
) -> Roster:
    """Read a roster CSV (UTF-8, with or without a BOM; comma, semicolon or tab separated).

    Parameters
    ----------
    path : path
    key : str, optional
        The column holding course ids (case and spaces ignored). Default: the column
        that holds the most of ``course_ids``.
    course_ids : iterable of str
        The course's student ids, to find the key column.

    Raises
    ------
    RosterError
        Unreadable file, no header, an unknown ``key``, no column holding any course id,
        or a course id listed twice.
    """
    path = Path(path)
    header, records = _records(path)
    key_column = _key_column(path, header, records, key, set(course_ids))
    index = header.index(key_column)
    rows: dict[str, dict[str, str]] = {}
    for record in records:
        student = record[index].strip() if index < len(record) else ""
        if not student or _fold(record[0]) in _NOT_STUDENTS:
            continue
        if student in rows:
            raise RosterError(f"roster {path} lists {student!r} twice in column {key_column!r}")
        rows[student] = {c: (record[i].strip() if i < len(record) else "")
                         for i, c in enumerate(header)}
    return Roster(path, header, key_column, rows)


def _records(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RosterError(f"roster {path} is {size} bytes; a roster is at most {MAX_BYTES}")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RosterError(f"roster {path} is not UTF-8 text; export it as CSV (UTF-8)") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    records = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(r)]
    if not records:
        raise RosterError(f"roster {path} is empty; it needs a header row and one row per student")
    header = [c.strip() for c in records[0]]
    return header, records[1:]


def _key_column(
    path: Path, header: list[str], records: list[list[str]], key: str | None, ids: set[str]
) -> str:
    if key is not None:
        folded = {_fold(c): c for c in header}
        if _fold(key) not in folded:
            raise RosterError(f"roster {path} has no column {key!r}; it has {', '.join(header)}")
        return folded[_fold(key)]
    hits = [
        sum(1 for r in records if i < len(r) and r[i].strip() in ids) for i in range(len(header))
    ]
    best = max(range(len(header)), key=lambda i: hits[i]) if header else 0
    if not header or hits[best] == 0:
        raise RosterError(
            f"no column of roster {path} holds any of the course's student ids; "
            f"name the column that does with --roster-key (columns: {', '.join(header)})"
        )
    return header[best]
