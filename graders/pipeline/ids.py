"""Student ids: the one validation every id passes before it names a folder or a row.

A course's student id becomes a folder (``submitted/<id>/``), part of a log file's name
(``logs/autograde/<chapter>--<id>.log``) and a key in the gradebook: nbgrader's
``student.id`` and ``submitted_assignment.student_id`` and dlcourse's
``dlcourse_result.student_id`` are all ``VARCHAR(128)``. SQLite ignores that length,
PostgreSQL refuses a longer value, so the limit is checked here, for every backend alike.

An id is ASCII letters, digits, ``.``, ``_`` and ``-``, starts with a letter or a digit,
and is at most :data:`MAX_ID_LENGTH` characters; the whole string must match (a trailing
newline does not pass). :func:`escaped` shows any untrusted name (an id that failed, a
file name from a zip) safely on a terminal.
"""

from __future__ import annotations

import re
import unicodedata

MAX_ID_LENGTH = 128  # the gradebook's student id columns: nbgrader's and dlcourse_result's
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
SHOWN_LENGTH = 160  # characters of one untrusted name shown in a listing or a message


def id_problem(student: object) -> str | None:
    """Why ``student`` cannot be a student id, in a few words (None when it can).

    >>> id_problem("jdoe") is None
    True
    >>> id_problem("jdoe\\n")
    "the student id 'jdoe\\\\x0a' holds a control or invisible character"
    """
    if not isinstance(student, str) or not student:
        return "the student id is empty"
    if any(_unsafe(ch) for ch in student):
        return f"the student id '{escaped(student)}' holds a control or invisible character"
    if len(student) > MAX_ID_LENGTH:
        return (f"the student id is {len(student)} characters long, more than the "
                f"{MAX_ID_LENGTH} the gradebook holds")
    if not _ID.fullmatch(student):
        return (f"unusable student id '{escaped(student)}' (letters, digits, '.', '_' and '-', "
                "starting with a letter or a digit)")
    return None


def is_student_id(student: object) -> bool:
    """``student`` passes :func:`id_problem`."""
    return id_problem(student) is None


def escaped(text: object, limit: int = SHOWN_LENGTH) -> str:
    r"""``text`` fit for a terminal line: control and invisible characters escaped.

    Control characters (``\x1b`` of terminal escape sequences, ``\n``, ``\r``), format
    characters (bidirectional overrides, zero-width spaces), line separators and bytes a
    file name could not decode (``os.fsdecode``'s surrogates) are written as ``\xNN``,
    ``\uNNNN`` or ``\UNNNNNNNN``; a backslash is doubled, so what is shown is unambiguous.
    Text longer than ``limit`` keeps its start and end around a count of what was left out.
    """
    out = []
    for ch in str(text):
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        elif _unsafe(ch):
            out.append(f"\\x{code:02x}" if code < 0x100
                       else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    shown = "".join(out)
    if len(shown) > limit:
        half = max(limit // 2, 1)
        shown = f"{shown[:half]}...[{len(shown) - 2 * half} more]...{shown[-half:]}"
    return shown


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES
