"""Fixtures: a course folder with what attacks target, and a marker for their processes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from security_course import Course, make_course, new_marker


def _pipeline_conftest():
    """The pipeline tests' fixtures (a real PostgreSQL server), shared rather than copied."""
    folder = Path(__file__).resolve().parents[1] / "pipeline"
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
    spec = importlib.util.spec_from_file_location("pipeline_conftest", folder / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


postgres_url = _pipeline_conftest().postgres_url


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return make_course(tmp_path)


@pytest.fixture
def marker() -> str:
    """A unique number to find processes an attack started (``sleep <marker>``)."""
    return new_marker()
