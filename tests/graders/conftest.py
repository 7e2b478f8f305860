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
from graders.exercises import EXERCISES

# Every graded function, as (module, function): the seam tests run on each.
GRADED = tuple((e.module, e.function) for e in EXERCISES)


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
    """Parametrize ``graded_function`` (module, function) over every exercise."""
    if "graded_function" in metafunc.fixturenames:
        metafunc.parametrize("graded_function", GRADED, ids=[".".join(f) for f in GRADED])


class Helpers:
    """Helpers as a fixture (test modules must not import conftest: names collide)."""

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
