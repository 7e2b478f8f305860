"""The project's expected errors: one family, caught once by the command line.

Anything that can go wrong because of the user's input or machine (no sandbox, not a
course directory, an unreadable notebook, an unreachable database, bad arguments) raises
a :class:`DlcourseError` whose message is one line saying what went wrong and what to do.
``graders.cli`` prints it as ``dlcourse <command>: <message>`` and exits with
``exit_code``. Anything else is a bug and keeps its traceback.

This module imports nothing outside the standard library: ``scripts/quickstart.sh`` runs
it with the system's Python, before any venv exists.
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


class DatabaseError(DlcourseError):
    """The course's gradebook database cannot be opened (bad URL, server down, no driver)."""


def sandbox_instruction(problem: str) -> str:
    """One line: why there is no sandbox, how to install it, and the weaker opt-in.

    ``problem`` is what ``graders.trusted.sandbox.bwrap_problem()`` says, e.g.
    ``"bwrap is not installed (Debian package bubblewrap)"``.
    """
    problem = " ".join(problem.split())
    return (f"grading other people's code needs the bubblewrap sandbox, and {problem}. "
            "Install it: `sudo apt-get install bubblewrap` (as root: `apt-get install "
            "bubblewrap`; other systems: their bubblewrap package), or run with "
            "DLCOURSE_ALLOW_WEAK_SANDBOX=1 to grade in a weaker sandbox (learner code can then "
            "read your files; every result says so)")
