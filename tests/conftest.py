"""Fixtures shared by the reference tests."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def global_rng_untouched():
    """Fails the test if it changed numpy's global random state."""
    before = np.random.get_state()
    yield
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:], "numpy's global random state was changed"
