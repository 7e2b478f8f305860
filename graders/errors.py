"""The project's expected errors: one family, caught once by the command line.

Anything that can go wrong because of the user's input or machine (no sandbox, not a
course directory, an unreadable notebook, an unreachable database, bad arguments) raises
a :class:`DlcourseError` whose message is one line saying what went wrong and what to do.
``graders.cli`` prints it as ``dlcourse <command>: <message>`` and exits with
``exit_code``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class DlcourseError(Exception):
    """An expected failure: a one-line message for the user, and the exit code to use.

    ``exit_code`` is 2 (bad usage or input) unless a subclass says otherwise; 1 means the
    command ran but something could not be done (e.g. a submission could not be graded).
    """

    exit_code = 2


class UsageError(DlcourseError):
    """Arguments that do not make sense together, or out of range."""


class SandboxUnavailableError(DlcourseError):
    """bubblewrap cannot run here, and grading other people's code needs it."""
