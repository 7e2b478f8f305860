"""The verdict on one graded exercise: the one result type every part of graders shares.

The grading engine (:mod:`graders.trusted`) decides it, the pipeline stores and reports it
(:mod:`graders.pipeline.results`), and ``dlcourse check`` shows it to the learner
(:mod:`graders.learner.grading`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExerciseResult:
    """One graded function of one notebook.

    Attributes
    ----------
    function : str
        The graded function (also its solution cell's ``grade_id``).
    points, max_points : float
        Points earned (all or nothing) and available.
    diagnosis : str or None
        Why it failed (None when it passed); never contains a hidden case's expected values.
    output : str
        The line its test cell shows when it passed (the grading run's, not the learner's).
    """

    function: str
    points: float
    max_points: float
    diagnosis: str | None = None
    output: str = ""

    @property
    def grade_id(self) -> str:
        """The ``grade_id`` of its test cell, whose score this result replaces."""
        return f"test_{self.function}"

    @property
    def passed(self) -> bool:
        return self.points >= self.max_points
