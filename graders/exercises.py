"""The course's graded exercises: one table that notebooks, checks and graders share.

Each chapter is an nbgrader assignment ``notebooks/<chapter>/<chapter>.ipynb``. In it,
every exercise has a solution cell whose nbgrader ``grade_id`` is the function's name
and a test cell whose ``grade_id`` is ``test_<function>``; the test cell calls
``graders.checks.<module>.check_<function>(<function>)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    chapter: str
    module: str  # the dlnotes module holding the reference
    function: str
    points: int

    @property
    def solution_id(self) -> str:
        return self.function

    @property
    def test_id(self) -> str:
        return f"test_{self.function}"

    @property
    def check_name(self) -> str:
        return f"graders.checks.{self.module}.check_{self.function}"


def _chapter(chapter: str, *rows: tuple[str, str, int]) -> tuple[Exercise, ...]:
    return tuple(Exercise(chapter, module, function, points) for module, function, points in rows)


EXERCISES: tuple[Exercise, ...] = (
    *_chapter(
        "01_numpy",
        ("activations", "sigmoid", 2),
        ("activations", "sigmoid_derivative", 1),
        ("basics", "row_means", 1),
    ),
    *_chapter(
        "02_logistic",
        ("logistic", "forward", 2),
        ("logistic", "compute_cost", 2),
        ("logistic", "backward", 3),
    ),
    *_chapter(
        "03_shallow",
        ("activations", "tanh_backward", 1),
        ("activations", "relu_backward", 1),
        ("activations", "leaky_relu_backward", 1),
        ("shallow", "forward_propagation", 2),
        ("shallow", "compute_cost", 1),
        ("shallow", "backward_propagation", 3),
    ),
    *_chapter(
        "04_deep",
        ("deep", "initialize_parameters_deep", 1),
        ("deep", "linear_forward", 1),
        ("deep", "linear_activation_forward", 2),
        ("deep", "deep_forward", 2),
        ("deep", "compute_cost", 1),
        ("deep", "linear_backward", 2),
        ("deep", "linear_activation_backward", 2),
        ("deep", "deep_backward", 3),
        ("deep", "update_parameters", 1),
    ),
    *_chapter(
        "05_application",
        ("deep", "predict", 2),
    ),
)

CHAPTERS: tuple[str, ...] = tuple(dict.fromkeys(e.chapter for e in EXERCISES))


def chapter_exercises(chapter: str) -> tuple[Exercise, ...]:
    """The exercises of one chapter, in notebook order."""
    if chapter not in CHAPTERS:
        raise ValueError(f"unknown chapter {chapter!r}; chapters are {', '.join(CHAPTERS)}")
    return tuple(e for e in EXERCISES if e.chapter == chapter)


def max_score(chapter: str) -> int:
    return sum(e.points for e in chapter_exercises(chapter))
