"""Fixtures for the notebook tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib
import pytest

# Build matplotlib's font cache once here, so that no kernel started by these tests writes
# "Matplotlib is building the font cache" to stderr on a fresh machine.
matplotlib.use("Agg")
import matplotlib.font_manager  # noqa: E402, F401


@pytest.fixture(autouse=True)
def grading_environment(monkeypatch):
    """The environment of the kernels and nbgrader processes these tests start.

    nbgrader runs ``alembic`` from PATH: this interpreter's bin directory comes first.
    OpenBLAS gets one thread per process: with two pytest workers on two cores, its
    spinning threads made a 4-layer training step 40 times slower (measured).
    """
    bindir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bindir + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
