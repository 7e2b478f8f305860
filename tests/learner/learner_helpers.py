"""Helpers for the learner tests (a module of its own: ``conftest`` names collide)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def dlcourse(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``dlcourse`` command line in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "graders.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600, check=False)
