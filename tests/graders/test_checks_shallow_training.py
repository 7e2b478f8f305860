"""Chapter 3's training checks (``initialize_parameters``, ``update_parameters``,
``nn_model``, ``predict``): what their cases contain, that a right answer written another
way passes, the shared initializer pieces, and a mutation score for ``nn_model`` (checked by
properties, so ``test_checks_mutation.py`` leaves it out)."""

from __future__ import annotations

import automutants
import numpy as np
import pytest
from check_messages import failure_message
from exercise_params import free_names

from dlnotes import shallow
from graders.catalogue import RIGHT, WRONG, Implementation, load
from graders.checks import get_spec
from graders.checks import shallow as checks
from graders.checks._training import initializer_properties
from graders.exercises import exercise

NN_MODEL = exercise("shallow.nn_model")


def _entry(key: str, name: str) -> Implementation:
    return next(i for i in RIGHT[key] + WRONG[key] if i.name == name)


def test_shared_initializer_properties_give_the_deep_checks_messages():
    """graders.checks._training generalises the deep initializer's properties: on every
    wrong and right deep initializer they say what the deep check says."""
    spec = get_spec("deep", "initialize_parameters_deep")
    shared = initializer_properties(lambda case: case.args[0])
    deep = exercise("deep.initialize_parameters_deep")
    for impl in WRONG[deep.key] + RIGHT[deep.key]:
        fn = load(impl, free_names(deep))
        for case in spec.cases(hidden=True):
            try:
                flat = spec.flatten(spec.call(fn, case))
            except AssertionError:
                continue  # raised or returned no dict: properties are never reached
            assert shared(flat, case) == spec.properties(flat, case), impl.name


def test_initializer_messages_name_chapter_3s_sizes():
    fn = load(_entry("shallow.initialize_parameters", "transposed_W1"), {})
    message = failure_message(checks.check_initialize_parameters, fn)
    assert "= (n_h, n_x): it is transposed" in message
    assert "check_initialize_parameters(initialize_parameters, case='n_x = 2, n_h = 4')" in message


def test_initializer_cases_have_enough_weights_for_the_scale_check():
    for hidden in (False, True):
        cases = get_spec("shallow", "initialize_parameters").cases(hidden=hidden)
        assert any(n_h * n_x + n_y * n_h >= 30 for n_x, n_h, n_y, _ in (c.args for c in cases))


def test_nn_model_trains_from_the_learners_own_start():
    """A right initializer that draws W2 first gives another start than the reference's;
    the textbook loop on top of it still passes, and the reference's start would not do."""
    names = free_names(NN_MODEL)
    names["initialize_parameters"] = load(
        _entry("shallow.initialize_parameters", "W2_first_normal"), {}
    )
    fn = load(_entry("shallow.nn_model", "textbook"), names)
    checks.check_nn_model(fn, hidden=True)
    case = get_spec("shallow", "nn_model").cases()[0]
    X, Y, n_h, n, lr, every, seed = case.args
    ours, _ = fn(X, Y, n_h, n, lr, rng=np.random.default_rng(seed), record_every=every)
    theirs, _ = shallow.nn_model(X, Y, n_h, n, lr, rng=np.random.default_rng(seed),
                                 record_every=every)
    assert not np.allclose(ours["W1"], theirs["W1"])


def test_nn_model_cases_record_several_costs_and_start_from_the_seed():
    spec = get_spec("shallow", "nn_model")
    for case in spec.cases(hidden=True):
        X, Y, n_h, n, lr, every, seed = case.args
        assert lr not in (1.0, 2.0), "lr**2, 2 * lr and lr must differ"
    recorded = [len(range(0, c.args[3], c.args[5])) for c in spec.cases(hidden=True)]
    assert max(recorded) >= 3 and min(recorded) == 1


def test_predict_has_an_output_of_exactly_one_half():
    for hidden in (False, True):
        cases = get_spec("shallow", "predict").cases(hidden=hidden)
        halves = []
        for case in cases:
            parameters, X = case.args
            A2, _ = shallow.forward_propagation(X, parameters)
            halves.append(int(np.sum(A2 == 0.5)))
            assert np.any(A2 > 0.5) or X.shape[1] == 1
        assert halves[-1] == 1 and sum(halves) == (2 if hidden else 1), halves  # each tier


def _same_as_reference_model(fn) -> bool:
    """The mutant's runs (0 iterations and the case's) equal the reference's on the hidden
    cases of three seeds: judged here, independently of the check."""
    for seed in (11, 12, 13):
        for case in get_spec("shallow", "nn_model").cases(seed=seed, hidden=True):
            X, Y, n_h, n, lr, every, s = case.args
            for iterations in (0, n):
                try:
                    with np.errstate(all="ignore"):
                        got = fn(X.copy(), Y.copy(), n_h, iterations, lr,
                                 rng=np.random.default_rng(s), record_every=every)
                except Exception:
                    return False
                want = shallow.nn_model(X, Y, n_h, iterations, lr, rng=np.random.default_rng(s),
                                        record_every=every)
                if not automutants.same(got, want):
                    return False
    return True


def test_every_non_equivalent_nn_model_mutant_fails_the_visible_check(capfd):
    tried = caught = equivalent = hanging = 0
    survivors, seen = [], set()
    for impl in RIGHT[NN_MODEL.key]:
        for mutant in automutants.mutants(impl.source):
            if mutant.source in seen:
                continue
            seen.add(mutant.source)
            try:
                fn = load(Implementation("nn_model", mutant.label, mutant.source, None,
                                         "shallow"), free_names(NN_MODEL))
            except Exception:
                continue
            try:
                with automutants.budget(automutants.MUTANT_SECONDS):
                    if _same_as_reference_model(fn):
                        equivalent += 1
                        continue
            except automutants.TooSlowError:
                hanging += 1  # a learner's hanging loop is stopped by the sandbox's limits
                continue
            try:
                with automutants.budget(automutants.MUTANT_SECONDS):
                    failure_message(checks.check_nn_model, fn)
            except AssertionError:
                tried += 1
                survivors.append(f"{impl.name}: {mutant.label}")
            except automutants.TooSlowError:
                hanging += 1
            else:
                tried += 1
                caught += 1
    with capfd.disabled():
        print(f"\nshallow.nn_model: {caught}/{tried} mutants caught; "
              f"{equivalent} equivalent mutants skipped, {hanging} that run past "
              f"{automutants.MUTANT_SECONDS:g} s")
    assert tried >= 20
    assert not survivors, survivors


@pytest.mark.parametrize("name", ["textbook", "record_first_while_loop", "inline_update",
                                  "recorded_steps_list"])
def test_right_nn_models_pass_the_hidden_cases(name):
    checks.check_nn_model(load(_entry("shallow.nn_model", name), free_names(NN_MODEL)),
                          hidden=True)
