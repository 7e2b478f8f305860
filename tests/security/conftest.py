"""Fixtures: a course folder with what attacks target, and a marker for their processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from security_course import Course, make_course, new_marker


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return make_course(tmp_path)


@pytest.fixture
def marker() -> str:
    """A unique number to find processes an attack started (``sleep <marker>``)."""
    return new_marker()
