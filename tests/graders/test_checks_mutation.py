"""Mutation score: automatic single-point mutants of the right implementations.

Every mutant that is not equivalent to the reference (compared independently of the
checks, on the visible and hidden inputs of three seeds) must fail the visible check.
Run with ``-s`` to see the score per function.
"""

from __future__ import annotations

import automutants
import numpy as np
import pytest
from check_messages import failure_message
from exercise_params import compared_with_reference, exercises, free_names

from graders.catalogue import RIGHT, Implementation, load
from graders.checks import get_spec

# A message is "specific" when it names a mistake, not just the worst element.
GENERIC = ("is wrong at index", "is wrong:", "off by a constant factor", "each step", " raised ")


def _same_as_reference(spec, fn, seeds=(11, 12, 13)) -> bool:
    """Does ``fn`` give the reference's flattened outputs (compared here, not by the
    check's diagnoses) on the hidden inputs of several seeds, leaving inputs unchanged?"""
    for seed in seeds:
        for case in spec.cases(seed=seed, hidden=True):
            try:
                with np.errstate(all="ignore"):
                    got = spec.flatten(spec.call(fn, case))
            except AssertionError:
                return False
            want = spec.expected(case)
            if set(got) != set(want) or not all(
                got[k].shape == want[k].shape
                and got[k].dtype == want[k].dtype
                and np.allclose(got[k], want[k], rtol=1e-9, atol=1e-12)
                for k in want
            ):
                return False
    return True


# The initializer is checked by properties, not against reference outputs: equivalence
# is undefined for it, so it has no mutants.
@pytest.mark.parametrize("exercise", exercises(compared_with_reference))
def test_every_non_equivalent_mutant_fails_the_visible_check(exercise, capfd):
    """Single-point mutants (``automutants``) of every right implementation of every
    exercise: each that is not equivalent to the reference fails the visible check. Run
    with ``-s`` to see the score."""
    spec, check = get_spec(exercise.module, exercise.function), exercise.check()
    tried = specific = equivalent = hanging = 0
    survivors, seen = [], set()
    for impl in RIGHT[exercise.key]:
        for mutant in automutants.mutants(impl.source):
            if mutant.source in seen:
                continue
            seen.add(mutant.source)
            try:
                entry = Implementation(exercise.function, mutant.label, mutant.source, None,
                                       exercise.module)
                fn = load(entry, free_names(exercise))
            except Exception:
                continue  # no longer defines the function
            try:
                with automutants.budget(automutants.MUTANT_SECONDS):
                    if _same_as_reference(spec, fn):
                        equivalent += 1
                        continue
            except automutants.TooSlowError:
                hanging += 1  # a learner's hanging loop is stopped by the sandbox's limits
                continue
            tried += 1
            try:
                with automutants.budget(automutants.MUTANT_SECONDS):
                    message = failure_message(check, fn)
            except AssertionError:
                survivors.append(f"{impl.name}: {mutant.label}")
            except automutants.TooSlowError:
                hanging += 1
                tried -= 1
            else:
                specific += not any(g in message for g in GENERIC)
    err = capfd.readouterr().err
    with capfd.disabled():
        print(
            f"\n{exercise.key}: {tried - len(survivors)}/{tried} mutants caught, "
            f"{specific} with a specific diagnosis; {equivalent} equivalent mutants skipped, "
            f"{hanging} that run past {automutants.MUTANT_SECONDS:g} s"
        )
    assert tried >= 20
    assert not survivors, survivors
    assert err == ""


@pytest.mark.parametrize(
    "source, label",
    [
        ("def f(Z):\n    return Z * 2\n", "Mult -> Div"),
        ("def f(Z):\n    return -Z.T\n", "drop a minus sign"),
    ],
)
def test_mutants_are_single_point_changes(source, label):
    labels = {m.label for m in automutants.mutants(source)}
    assert label in labels
    assert all(m.source != source for m in automutants.mutants(source))
