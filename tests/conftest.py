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


# The longest tests (minutes each: real nbgrader over a chapter's catalogue, the nbgrader
# agreement run, the end-to-end pipeline, the cluster) are scheduled first, in this order,
# so that the two xdist workers of `-n 2` end together rather than one of them running
# them alone at the end (longest first). The sort is stable: the rest keeps its order.
LONGEST_FIRST = (
    "tests/notebooks/test_notebooks_grading.py::test_autograde_release_source_and_catalogue",
    "tests/pipeline/test_nbgrader_agreement.py",
    "tests/pipeline/test_pipeline_end_to_end.py",
    "tests/cluster/",
)


def _rank(item) -> int:
    return next((i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)),
                len(LONGEST_FIRST))


def pytest_collection_modifyitems(items):
    items.sort(key=_rank)
