"""Mutation score: automatic single-point mutants of the right implementations.

Every mutant that is not equivalent to the reference (compared independently of the
checks, on the visible and hidden inputs of three seeds) must fail the visible check.
Run with ``-s`` to see the score per function.
"""

from __future__ import annotations

import contextlib
import io

import automutants
import pytest

from graders.catalogue import RIGHT, Implementation, load
from graders.checks import get_spec

# A message is "specific" when it names a mistake, not just the worst element.
GENERIC = ("is wrong at index", "is wrong:", "off by a constant factor", "each step", " raised ")


def test_every_non_equivalent_mutant_fails_the_check(ch12_function, helpers):
    module, function = ch12_function
    spec = get_spec(module, function)
    reference = helpers.reference(module, function)
    check = helpers.check_of(module, function)
    inputs = [case.args for seed in range(3) for case in spec.cases(seed, hidden=True)]
    tried, specific, equivalent, survivors, seen = 0, 0, 0, [], set()
    for impl in RIGHT[f"{module}.{function}"]:
        for mutant in automutants.mutants(impl.source):
            if mutant.source in seen:
                continue
            seen.add(mutant.source)
            entry = Implementation(function, mutant.label, mutant.source, None, module)
            fn = load(entry, helpers.free_names())
            if automutants.equivalent(fn, reference, inputs):
                equivalent += 1
                continue
            tried += 1
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    check(fn)
            except AssertionError as failure:
                specific += not any(g in str(failure) for g in GENERIC)
            else:
                survivors.append(f"{impl.name}: {mutant.label}")
    print(
        f"\n{module}.{function}: {tried - len(survivors)}/{tried} mutants caught, "
        f"{specific} with a specific diagnosis; {equivalent} equivalent mutants skipped"
    )
    assert tried >= 20
    assert not survivors, survivors


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
