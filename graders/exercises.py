"""The course's graded exercises, each declared once: everything else is derived from here.

One :class:`Exercise` per graded function: its chapter, its reference in ``dlnotes`` (the
key ``"<module>.<function>"``), its points, and the other ``dlnotes`` functions that compute
the same answer (the sandbox stubs them with it, so the answer cannot be imported while
grading). From this table come the check a test cell calls
(``graders.checks.<module>.check_<function>``), the nbgrader ids, the sandbox's view of
``dlnotes``, the chapters' points, the test tables and the README's table; a test fails
when an exercise lacks its reference, check, catalogue entries or notebook cells.

Each chapter is an nbgrader assignment ``notebooks/<chapter>/<chapter>.ipynb``. In it,
every exercise has a solution cell whose ``grade_id`` is the function's name and a test
cell whose ``grade_id`` is ``test_<function>`` calling ``check_<function>(<function>)``;
the setup cell imports the chapter's checks.

This module imports nothing heavy (the command line reads it at start).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exercise:
    """One graded function.

    Attributes
    ----------
    chapter : the chapter (nbgrader assignment) that grades it, e.g. ``"02_logistic"``.
    key : ``"<dlnotes module>.<function>"``, the reference, e.g. ``"logistic.forward"``.
    points : what its test cell is worth.
    same_answer : keys of other ``dlnotes`` functions that compute its answer (or a
        gradient it asks for): stubbed in the sandbox wherever it is.
    """

    chapter: str
    key: str
    points: int
    same_answer: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return self.key.split(".")[0]

    @property
    def function(self) -> str:
        return self.key.split(".")[1]

    @property
    def solution_id(self) -> str:
        return self.function

    @property
    def test_id(self) -> str:
        return f"test_{self.function}"

    @property
    def check_module(self) -> str:
        return f"graders.checks.{self.module}"

    @property
    def check_name(self) -> str:
        return f"{self.check_module}.check_{self.function}"

    def reference(self) -> Callable[..., Any]:
        """The worked answer, ``dlnotes.<module>.<function>``."""
        return getattr(importlib.import_module(f"dlnotes.{self.module}"), self.function)

    def check(self) -> Callable[..., None]:
        """The learner-facing ``check_<function>`` its test cell calls."""
        return getattr(importlib.import_module(self.check_module), f"check_{self.function}")


# Helpers that compute a graded answer under another name.
_COSTS = ("cost.cross_entropy_cost", "logistic.compute_cost", "shallow.compute_cost",
          "deep.compute_cost")
_GRADIENTS = ("gradcheck.numerical_gradient", "gradcheck.gradient_check",
              "gradcheck.check_deep_gradients", "gradcheck_scale.gradient_check",
              "gradcheck_scale.check_deep_gradients")

EXERCISES: tuple[Exercise, ...] = (
    Exercise("01_numpy", "activations.sigmoid", 2),
    Exercise("01_numpy", "activations.sigmoid_derivative", 1,
             same_answer=("activations.sigmoid_backward",)),
    Exercise("01_numpy", "basics.row_means", 1),
    Exercise("02_logistic", "logistic.forward", 2),
    Exercise("02_logistic", "logistic.compute_cost", 2, same_answer=_COSTS),
    Exercise("02_logistic", "logistic.backward", 3,
             same_answer=("logistic.propagate", *_GRADIENTS)),
    Exercise("02_logistic", "logistic.initialize_with_zeros", 1),
    Exercise("02_logistic", "logistic.optimize", 3, same_answer=("logistic.propagate",)),
    Exercise("02_logistic", "logistic.predict", 1),
    Exercise("02_logistic", "logistic.model", 2, same_answer=("deep.deep_model",)),
    Exercise("03_shallow", "activations.tanh_backward", 1),
    Exercise("03_shallow", "activations.relu_backward", 1),
    Exercise("03_shallow", "activations.leaky_relu_backward", 1),
    Exercise("03_shallow", "shallow.initialize_parameters", 1),
    Exercise("03_shallow", "shallow.forward_propagation", 2),
    Exercise("03_shallow", "shallow.compute_cost", 1, same_answer=_COSTS),
    Exercise("03_shallow", "shallow.backward_propagation", 3, same_answer=_GRADIENTS),
    Exercise("03_shallow", "shallow.update_parameters", 1),
    Exercise("03_shallow", "shallow.nn_model", 2),
    Exercise("03_shallow", "shallow.predict", 1),
    Exercise("04_deep", "deep.initialize_parameters_deep", 1),
    Exercise("04_deep", "deep.linear_forward", 1),
    Exercise("04_deep", "deep.linear_activation_forward", 2),
    Exercise("04_deep", "deep.deep_forward", 2),
    Exercise("04_deep", "deep.compute_cost", 1, same_answer=_COSTS),
    Exercise("04_deep", "deep.linear_backward", 2, same_answer=_GRADIENTS),
    Exercise("04_deep", "deep.linear_activation_backward", 2, same_answer=_GRADIENTS),
    Exercise("04_deep", "deep.deep_backward", 3, same_answer=_GRADIENTS),
    Exercise("04_deep", "deep.update_parameters", 1, same_answer=("shallow.update_parameters",)),
    Exercise("04_deep", "deep.deep_model", 2),
    Exercise("05_application", "images.flatten_images", 1),
    Exercise("05_application", "deep.predict", 2),
)

CHAPTERS: tuple[str, ...] = tuple(dict.fromkeys(e.chapter for e in EXERCISES))


def chapter_exercises(chapter: str) -> tuple[Exercise, ...]:
    """The exercises of one chapter, in notebook order."""
    if chapter not in CHAPTERS:
        raise ValueError(f"unknown chapter {chapter!r}; chapters are {', '.join(CHAPTERS)}")
    return tuple(e for e in EXERCISES if e.chapter == chapter)


def exercise(key: str) -> Exercise:
    """The exercise of ``"<module>.<function>"``."""
    for one in EXERCISES:
        if one.key == key:
            return one
    raise KeyError(f"no graded exercise {key!r}")


def max_score(chapter: str) -> int:
    return sum(e.points for e in chapter_exercises(chapter))


def markdown_table() -> str:
    """The README's table of chapters, exercises and points (a test keeps them equal)."""
    lines = ["| chapter | graded exercises (points) | points |", "|---|---|---|"]
    for chapter in CHAPTERS:
        listed = ", ".join(f"`{e.function}` ({e.points})" for e in chapter_exercises(chapter))
        lines.append(f"| `{chapter}` | {listed} | {max_score(chapter)} |")
    total = sum(e.points for e in EXERCISES)
    lines.append(f"| all | {len(EXERCISES)} exercises | {total} |")
    return "\n".join(lines)
