"""Shared helpers for the tests of graders.checks and graders.catalogue.

Catalogue sources use other contract names of their chapter as free names; here they
come from the dlnotes reference, as the learner's earlier cells would provide them.
"""

from __future__ import annotations

import inspect
import time

import pytest

import dlnotes.activations
import dlnotes.basics
import dlnotes.logistic
from graders.catalogue import NOTEBOOK_NAMES, Implementation, load

# The functions of chapters 1-2 (and chapter 3's activations) whose checks test_checks_seam
# and test_checks_mutation cover; test_checks_catalogue covers every exercise.
MY_FUNCTIONS = (
    ("activations", "sigmoid"),
    ("activations", "sigmoid_derivative"),
    ("activations", "tanh_backward"),
    ("activations", "relu_backward"),
    ("activations", "leaky_relu_backward"),
    ("basics", "row_means"),
    ("logistic", "forward"),
    ("logistic", "compute_cost"),
    ("logistic", "backward"),
)


def free_names() -> dict[str, object]:
    """Contract names a catalogue source may use: dlnotes' activations and chapter-2 names."""
    names = dict(NOTEBOOK_NAMES["logistic"])
    names.update({n: f for n, f in vars(dlnotes.activations).items() if inspect.isfunction(f)})
    names.update({n: getattr(dlnotes.logistic, n) for n in ("forward", "compute_cost")})
    return names


def load_impl(impl: Implementation):
    return load(impl, free_names())


def check_of(module: str, function: str):
    package = __import__(f"graders.checks.{module}", fromlist=["_"])
    return getattr(package, f"check_{function}")


def reference(module: str, function: str):
    return getattr(getattr(dlnotes, module), function)


def pytest_generate_tests(metafunc):
    """Parametrize ``ch12_function`` where requested."""
    if "ch12_function" in metafunc.fixturenames:
        metafunc.parametrize("ch12_function", MY_FUNCTIONS, ids=[".".join(f) for f in MY_FUNCTIONS])


class Helpers:
    """Helpers as a fixture (test modules must not import conftest: names collide)."""

    my_functions = MY_FUNCTIONS
    free_names = staticmethod(free_names)
    load = staticmethod(load_impl)
    check_of = staticmethod(check_of)
    reference = staticmethod(reference)

    @staticmethod
    def timed(call) -> float:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start


@pytest.fixture
def helpers() -> type[Helpers]:
    return Helpers
