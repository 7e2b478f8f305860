"""Comparing and diagnosing non-finite learner arrays must not warn (stderr zeroes a cell)."""

import importlib
import warnings

import numpy as np
import pytest

from graders.checks import get_spec
from graders.exercises import EXERCISES


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: f"{e.module}.{e.function}")
@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan, 1e308])
def test_verify_fails_silently_on_non_finite_outputs(exercise, bad):
    spec = get_spec(exercise.module, exercise.function)
    case = spec.cases(0, False)[0]
    reference = getattr(importlib.import_module(f"dlnotes.{exercise.module}"), exercise.function)
    right = spec.flatten(spec.call(reference, case))
    spec.verify(right, case)  # the reference's own output passes
    flat = {key: np.full_like(value, bad) for key, value in right.items()}
    if all(value.size == 0 for value in flat.values()):
        pytest.fail("a case with no output values cannot test anything")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="warn"):
            with pytest.raises(Exception) as failure:
                spec.verify(flat, case)
    assert type(failure.value).__name__ == "CheckFailure"
