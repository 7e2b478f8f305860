"""Every graded exercise's check against its reference, its nbgrader stub and the whole
catalogue, driven by the exercises table.

The parameters come from ``graders.exercises.EXERCISES`` and ``graders.catalogue``: an
exercise added to the table and to the catalogue is tested here with nothing else to
register. Tests of one chapter's cases and diagnosis wording stay beside it
(``test_checks_seam.py`` for chapters 1-2, ``test_checks_shallow.py``,
``test_checks_deep.py``).
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from check_messages import failure_message

import dlnotes.activations
from graders.catalogue import NOTEBOOK_NAMES, RIGHT, WRONG, Implementation, load
from graders.checks import get_spec
from graders.exercises import EXERCISES, Exercise

# Stub signatures that the spec's argument names cannot give. The deep initializer
# takes its generator as a keyword-only ``rng`` (no hidden global RNG), so its solution
# cell, and the stub nbgrader leaves of it, reads ``(layer_dims, *, rng)``.
STUB_ARGS = {"deep.initialize_parameters_deep": "layer_dims, *, rng"}


def key(exercise: Exercise) -> str:
    return f"{exercise.module}.{exercise.function}"


def check_of(exercise: Exercise):
    """The check the exercise's nbgrader test cell calls (``Exercise.check_name``)."""
    module, _, name = exercise.check_name.rpartition(".")
    return getattr(importlib.import_module(module), name)


def reference(exercise: Exercise):
    return getattr(importlib.import_module(f"dlnotes.{exercise.module}"), exercise.function)


def free_names(exercise: Exercise) -> dict:
    """What the exercise's solution cell may use besides ``np``: the activations, the
    learner's earlier solutions of the same module (here the dlnotes references), and the
    notebook's variables that wrong entries misuse (stand-ins)."""
    names = dict(NOTEBOOK_NAMES.get(exercise.module, {}))
    names.update({n: f for n, f in vars(dlnotes.activations).items() if inspect.isfunction(f)})
    earlier = EXERCISES[: EXERCISES.index(exercise)]
    names.update({e.function: reference(e) for e in earlier if e.module == exercise.module})
    return names


def stub(exercise: Exercise):
    """The solution cell after ``nbgrader generate_assignment``."""
    args = STUB_ARGS.get(key(exercise)) or ", ".join(
        get_spec(exercise.module, exercise.function).arg_names
    )
    function = exercise.function
    source = f"def {function}({args}):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    return load(Implementation(function, "stub", source, None, exercise.module), {})


def exercises() -> list:
    return [pytest.param(e, id=key(e)) for e in EXERCISES]


def entries(kind: dict) -> list:
    """(exercise, implementation) for every catalogue entry of every exercise."""
    return [
        pytest.param(e, impl, id=f"{key(e)}:{impl.name}")
        for e in EXERCISES
        for impl in kind.get(key(e), [])
    ]


@pytest.mark.parametrize("exercise", exercises())
def test_reference_passes_visible_and_hidden(exercise, capfd):
    check_of(exercise)(reference(exercise))
    check_of(exercise)(reference(exercise), hidden=True)
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"✓ {exercise.function}: ") for line in lines)
    assert err == ""


@pytest.mark.parametrize("exercise", exercises())
def test_nbgrader_stub_fails_clearly(exercise, capfd):
    message = failure_message(check_of(exercise), stub(exercise))
    assert "raises NotImplementedError: replace `raise NotImplementedError()`" in message
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("exercise", "impl"), entries(WRONG))
def test_wrong_implementation_fails_with_its_diagnosis(exercise, impl, capfd):
    message = failure_message(check_of(exercise), load(impl, free_names(exercise)))
    assert re.search(impl.diagnosis, message, re.IGNORECASE), message
    assert "\n" not in message  # one line
    out, err = capfd.readouterr()
    assert err == "" and "✓" not in out


@pytest.mark.parametrize(("exercise", "impl"), entries(RIGHT))
def test_right_implementation_passes(exercise, impl, capfd):
    fn = load(impl, free_names(exercise))
    check_of(exercise)(fn)
    check_of(exercise)(fn, hidden=True)
    out, err = capfd.readouterr()
    assert out.count("✓") == 2 and err == ""


@pytest.mark.parametrize("exercise", exercises())
def test_catalogue_has_enough_variants_and_distinct_diagnoses(exercise):
    # The catalogue's "stub" entry (sigmoid) is the nbgrader stub: not a mistake variant.
    wrong = [i for i in WRONG.get(key(exercise), []) if i.name != "stub"]
    right = RIGHT.get(key(exercise), [])
    assert len(wrong) >= 8, f"only {len(wrong)} wrong implementations"
    assert len(right) >= 3, f"only {len(right)} right implementations"
    assert all(i.diagnosis for i in WRONG[key(exercise)])
    assert all(i.diagnosis is None for i in right)
    distinct = {i.diagnosis for i in wrong}
    assert len(distinct) >= 5, sorted(distinct)


def test_every_catalogue_entry_belongs_to_an_exercise():
    """Entries of a function missing from the table would be tested by nothing above."""
    table = {key(e) for e in EXERCISES}
    for kind in (WRONG, RIGHT):
        untested = sorted(k for k in kind if "." in k and k not in table)  # not the aliases
        assert not untested, f"{untested} are not in graders.exercises.EXERCISES"
