"""Fixtures for the learner's side: a toy course."""

from __future__ import annotations

from pathlib import Path

import pytest
from toycourse import write_toy_chapter


@pytest.fixture
def toy_notebooks(tmp_path: Path) -> Path:
    """A source course with one toy chapter, ``02_logistic`` (exercise ``double``)."""
    notebooks = tmp_path / "notebooks"
    write_toy_chapter(notebooks)
    return notebooks
