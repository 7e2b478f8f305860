"""Chapter 2's training checks (``initialize_with_zeros``, ``optimize``, ``predict``,
``model``): the boundaries their instructions name are in every tier, and the loop
mistakes are named on the hidden cases too, not only on the visible ones the catalogue
test runs."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from exercise_params import free_names

from graders.catalogue import WRONG, Implementation, load
from graders.checks import CheckFailure, get_spec
from graders.exercises import exercise

LOOP_MISTAKES = ("update before the gradient", "cost recorded after the update",
                 "cost every iteration", "cost every 100 iterations, always",
                 "cost at the end of each block", "learning rate applied twice",
                 "parameters not carried over", "one iteration too many",
                 "re-initialised inside")  # fmt: skip


def _hidden_message(key: str, impl) -> str:
    """The failure message of ``impl`` on the first hidden case that fails it."""
    spec = get_spec(*key.split("."))
    fn = load(impl, free_names(exercise(key)))
    for case in spec.cases(seed=99, hidden=True):
        if not case.hidden:
            continue
        try:
            spec.verify(spec.flatten(spec.call(fn, case)), case)
        except CheckFailure as failure:
            return str(failure)
    raise AssertionError(f"{impl.name} passed every hidden case")


@pytest.mark.parametrize("name", LOOP_MISTAKES)
def test_loop_mistakes_are_named_on_hidden_cases(name):
    (impl,) = [i for i in WRONG["logistic.optimize"] if i.name == name]
    message = _hidden_message("logistic.optimize", impl)
    assert re.search(impl.diagnosis, message, re.IGNORECASE), message


@pytest.mark.parametrize("key", ["logistic.predict", "logistic.model",
                                 "logistic.initialize_with_zeros"])
def test_other_training_mistakes_are_named_on_hidden_cases(key):
    skip = ("loops over the examples",)  # the vectorization check is not per case
    for impl in WRONG[key]:
        if impl.name not in skip:
            message = _hidden_message(key, impl)
            assert re.search(impl.diagnosis, message, re.IGNORECASE), (impl.name, message)


@pytest.mark.parametrize("hidden", [False, True])
def test_every_tier_has_a_prediction_of_exactly_one_half(hidden):
    spec = get_spec("logistic", "predict")
    cases = [c for c in spec.cases(seed=5, hidden=hidden) if c.hidden == hidden]
    halves = [c for c in cases if np.any((c.args[0].T @ c.args[2] + c.args[1]) == 0.0)]
    assert len(halves) == 1
    (impl,) = [i for i in WRONG["logistic.predict"] if i.name == ">= 0.5"]
    wrong = load(impl, free_names(exercise("logistic.predict")))
    with pytest.raises(CheckFailure, match="exactly 0.5"):
        spec.verify(spec.flatten(spec.call(wrong, halves[0])), halves[0])


def test_optimize_cases_tell_the_loop_mistakes_apart():
    """Learning rates whose square, double, inverse and 1 all differ from them; a
    record_every of 1 and one that does not divide num_iterations; a start that is not
    zero; every tier."""
    spec = get_spec("logistic", "optimize")
    for hidden in (False, True):
        cases = [c for c in spec.cases(seed=3, hidden=hidden) if c.hidden == hidden]
        for case in cases:
            w, b, _, _, n, lr, every = case.args
            assert len({lr, lr * lr, 2 * lr, 1.0, 1 / lr, -lr}) == 6
            assert np.all(w != 0) and b != 0 and n > 1
        assert any(c.args[6] == 1 for c in cases)
        assert any(c.args[4] % c.args[6] != 0 for c in cases)


def test_a_model_that_writes_to_stderr_passes_and_writes_nothing(capfd):
    from graders.catalogue import RIGHT

    source = RIGHT["logistic.model"][0].source.replace(
        "    return {", "    print('training done', file=sys.stderr)\n    return {")
    impl = Implementation("model", "prints to stderr", source, None, "logistic")
    fn = load(impl, {**free_names(exercise("logistic.model")), "sys": sys})
    exercise("logistic.model").check()(fn, hidden=True)
    out, err = capfd.readouterr()
    assert "✓ model" in out and err == ""
