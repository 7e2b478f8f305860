"""The exercises as test parameters, and what a test needs of each, all derived from
``graders.exercises.EXERCISES``: an exercise declared there is tested by every module that
uses these, with nothing else to register."""

from __future__ import annotations

import inspect

import pytest

import dlnotes.activations
from graders.catalogue import NOTEBOOK_NAMES, Implementation, load
from graders.checks import get_spec
from graders.exercises import EXERCISES, Exercise

# Stub signatures that the spec's argument names cannot give. The deep initializer
# takes its generator as a keyword-only ``rng`` (no hidden global RNG), so its solution
# cell, and the stub nbgrader leaves of it, reads ``(layer_dims, *, rng)``.
STUB_ARGS = {
    "deep.initialize_parameters_deep": "layer_dims, *, rng",
    "deep.deep_model": "X, Y, parameters, learning_rate, num_iterations, record_every=100",
    "shallow.initialize_parameters": "n_x, n_h, n_y, *, rng",
    "shallow.nn_model": "X, Y, n_h, num_iterations=10000, learning_rate=1.2, *, rng, "
    "record_every=1000",
}


def free_names(exercise: Exercise) -> dict:
    """What the exercise's solution cell may use besides ``np``: the activations, the
    learner's earlier solutions of the same module (here the dlnotes references), and the
    notebook's variables that wrong entries misuse (stand-ins)."""
    names = dict(NOTEBOOK_NAMES.get(exercise.module, {}))
    names.update({n: f for n, f in vars(dlnotes.activations).items() if inspect.isfunction(f)})
    earlier = EXERCISES[: EXERCISES.index(exercise)]
    names.update({e.function: e.reference() for e in earlier if e.module == exercise.module})
    return names


def stub(exercise: Exercise):
    """The solution cell after ``nbgrader generate_assignment``."""
    args = STUB_ARGS.get(exercise.key) or ", ".join(
        get_spec(exercise.module, exercise.function).arg_names
    )
    function = exercise.function
    source = f"def {function}({args}):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    return load(Implementation(function, "stub", source, None, exercise.module), {})


def exercises(where=lambda exercise: True) -> list:
    """``pytest.param(exercise, id=key)`` for every exercise (that ``where`` accepts)."""
    return [pytest.param(e, id=e.key) for e in EXERCISES if where(e)]


def compared_with_reference(exercise: Exercise) -> bool:
    """Checks that compare outputs with the reference (not by ``properties``)."""
    return get_spec(exercise.module, exercise.function).properties is None
