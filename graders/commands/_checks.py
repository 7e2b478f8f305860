"""Checks the commands make before any slow step; each raises a one-line DlcourseError."""

from __future__ import annotations

import os
from pathlib import Path

from graders.errors import SandboxUnavailableError, UsageError, sandbox_instruction


def require_sandbox() -> None:
    """Refuse when bwrap cannot run and the weak mode is not allowed (demo, autograde).

    Raises
    ------
    SandboxUnavailableError
        With the one-line instruction of :func:`graders.errors.sandbox_instruction`.
    """
    from graders.trusted.sandbox import bwrap_problem, weak_sandbox_allowed

    if weak_sandbox_allowed():
        return
    problem = bwrap_problem()
    if problem:
        raise SandboxUnavailableError(sandbox_instruction(problem))


def check_jobs(jobs: int | None) -> None:
    """``--jobs``, when given, is at least 1."""
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")


def output_file(path: Path, option: str) -> None:
    """``path`` (given as ``option``) can be written: a file name in an existing folder."""
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder; name the file to write")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: there is no folder {folder}; create it first")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable")


def output_folder(path: Path, option: str) -> None:
    """Create the folder ``path`` (given as ``option``) if needed."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot create this folder ({exc.strerror})") from None
