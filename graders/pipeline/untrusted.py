"""Untrusted text (student ids, diagnoses, learner code) made safe for where it goes.

Pages use ``html.escape``; these helpers cover the other places: a terminal, and a
spreadsheet cell (a CSV opened in Excel, LibreOffice or an LMS). A cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by
spreadsheets (CSV injection, OWASP), so it is prefixed with ``'``, which they show as text.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_NEWLINE = re.compile(_CONTROL.pattern[:-1] + r"\n]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: object, *, newlines: bool = False) -> str:
    """``text`` without control characters (and without newlines unless ``newlines``).

    Bidirectional overrides go too: they make a terminal or a page show text in another
    order than it is stored.
    """
    pattern = _CONTROL if newlines else _CONTROL_OR_NEWLINE
    return pattern.sub("", str(text))


def spreadsheet_cell(text: object) -> str:
    """A value for one CSV cell: printable, one line, never read as a formula."""
    value = str(text)
    if value.startswith(_FORMULA_START):  # before stripping: a leading tab or CR counts
        value = "'" + value
    return printable(value)
