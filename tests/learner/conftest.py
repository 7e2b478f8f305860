"""Fixtures for the learner's side: a toy course and helpers to run ``dlcourse``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from toycourse import write_toy_chapter  # noqa: E402


@pytest.fixture
def toy_notebooks(tmp_path: Path) -> Path:
    """A source course with one toy chapter, ``02_logistic`` (exercise ``double``)."""
    notebooks = tmp_path / "notebooks"
    write_toy_chapter(notebooks)
    return notebooks


def dlcourse(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``dlcourse`` command line in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "graders.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600, check=False)
