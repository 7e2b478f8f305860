"""Process-environment helpers shared by the learner's commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def env_with_venv_on_path(env: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default ``os.environ``) whose ``PATH`` starts with our venv's bin.

    nbgrader runs ``alembic`` and Jupyter finds its helpers by ``PATH``; a learner who
    calls ``.venv/bin/dlcourse`` without activating the venv must not lose them.
    """
    env = dict(os.environ if env is None else env)
    bindir = str(Path(sys.executable).parent)
    parts = env.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        env["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p]])
    return env


def ensure_venv_on_path() -> None:
    """Put our venv's bin first on this process's ``PATH`` (for nbgrader in-process)."""
    os.environ["PATH"] = env_with_venv_on_path()["PATH"]
