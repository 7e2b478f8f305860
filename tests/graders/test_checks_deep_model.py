"""The check of ``deep_model`` (chapter 4's training loop): its cases, its boundaries and
the loop mistakes it names (the catalogue's entries are run by test_checks_catalogue)."""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest
from check_messages import failure_message

from dlnotes import deep
from graders.checks.deep import DEEP_MODEL, check_deep_model


def _settings(hidden: bool) -> list[tuple[int, int]]:
    return [case.args[4:] for case in DEEP_MODEL.cases(hidden=hidden) if case.hidden == hidden]


def test_cases_reach_the_boundaries_of_record_every():
    visible, hidden = _settings(False), _settings(True)
    both = visible + hidden
    assert (1, 100) in visible, "one iteration: one cost, one update"
    assert any(every == 1 for _, every in visible), "a cost at every iteration"
    assert any(n % every == 1 % every and every > 1 for n, every in both), "n = k every + 1"
    assert any(n % every == 0 and every > 1 for n, every in hidden), "n a multiple of every"
    cases = DEEP_MODEL.cases(hidden=True)
    shapes = {tuple(c.args[2]["W1"].shape) for c in cases}
    assert len(shapes) == len(cases), "hidden cases have other sizes than the visible ones"
    assert any(c.m == 1 for c in cases if c.hidden)


def test_costs_are_of_iterations_0_every_2every():
    for case in DEEP_MODEL.cases(hidden=True):
        X, Y, start, rate, n, every = case.args
        parameters, costs = deep.deep_model(X, Y, start, rate, n, every)
        assert len(costs) == math.ceil(n / every)
        assert costs[0] == deep.compute_cost(deep.deep_forward(X, start)[0], Y)
        assert not np.array_equal(parameters["W1"], start["W1"]), "it trains"


def _loop(stale=False, record=None, start_again=False):
    """A learner's loop with one mistake, written out (not the check's own model)."""

    def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
        given, costs = parameters, []
        grads = {"d" + k: np.zeros_like(v) for k, v in parameters.items()}
        for i in range(num_iterations):
            if start_again:
                parameters = {k: v * 1.1 for k, v in given.items()}
            AL, caches = deep.deep_forward(X, parameters)
            if (record or (lambda i, e: i % e == 0))(i, record_every):
                costs.append(deep.compute_cost(AL, Y))
            new = deep.deep_backward(AL, Y, caches)
            parameters = deep.update_parameters(parameters, grads if stale else new, learning_rate)
            grads = new
        return parameters, costs

    return deep_model


@pytest.mark.parametrize(
    ("fn", "pattern"),
    [
        (_loop(stale=True), r"gradients of the previous iteration"),
        (_loop(record=lambda i, e: i % e == e - 1), r"record_every - 1"),
        (_loop(record=lambda i, e: i % e == 0 and i > 0), r"costs has \d+ entries"),
        (_loop(start_again=True), r"costs\[0\] is not the cost of the parameters passed in"),
    ],
)
def test_loop_mistakes_are_named_and_rerunnable(fn, pattern):
    message = failure_message(check_deep_model, fn)
    assert re.search(pattern, message), message
    assert "check_deep_model(deep_model, case='L = " in message


def test_the_reference_passes_and_the_check_is_fast(capfd):
    start = time.process_time()
    check_deep_model(deep.deep_model, hidden=True)
    assert time.process_time() - start < 0.5
    assert capfd.readouterr().out.startswith("✓ deep_model: 7 cases")


def test_a_learner_model_built_on_a_wrong_update_is_told_where_to_look():
    def update(parameters, grads, learning_rate):
        return {k: v - learning_rate * grads["d" + k] * 0.7 for k, v in parameters.items()}

    def deep_model(X, Y, parameters, learning_rate, num_iterations, record_every=100):
        costs = []
        for i in range(num_iterations):
            AL, caches = deep.deep_forward(X, parameters)
            if i % record_every == 0:
                costs.append(deep.compute_cost(AL, Y))
            parameters = update(parameters, deep.deep_backward(AL, Y, caches), learning_rate)
        return parameters, costs

    message = failure_message(check_deep_model, deep_model)
    assert "although costs[0] (the start) agrees" in message, message
    assert "update_parameters pass their checks" in message
