"""The results of trusted grading: small dataclasses the pipeline stores and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from graders.results import ExerciseResult

__all__ = ["CellOutput", "ExerciseResult", "TrustedResult"]


@dataclass(frozen=True)
class CellOutput:
    """What one cell of the execution printed and raised (learner output, cleaned).

    ``grade_id`` is the cell's nbgrader id (None for a cell without one); ``position`` its
    place in the execution; ``error`` a one-line ``Type: message`` or "" ; ``note`` why
    the cell did not run to its end when the parent had to stop it.
    """

    position: int
    grade_id: str | None
    stdout: str = ""
    error: str = ""
    note: str = ""


@dataclass
class TrustedResult:
    """The trusted grade of one submission notebook.

    Attributes
    ----------
    chapter : str
        The chapter (nbgrader assignment) it was graded as.
    seed : int
        The seed the hidden cases were drawn from (re-grading with it repeats the run).
    status : str
        ``"graded"`` or ``"ungradable"`` (the notebook could not be read or holds no
        exercise of this chapter; every exercise then scores 0).
    message : str
        A one-line summary for the instructor (why ungradable, what the sandbox did).
    sandbox : str
        ``"bwrap"``, or ``"weak"`` when grading ran without bwrap (explicitly allowed).
    exercises : list of ExerciseResult
        One per graded function of the chapter, in notebook order.
    seconds : float
        Wall-clock time spent grading this notebook.
    cells : list of CellOutput
        The execution's cells, in order (for the autograded notebook).
    tampering : list of str
        Functions whose test cell printed a pass that grading did not give.
    sandbox_cpu : float
        CPU seconds spent in the sandbox on this notebook (every run of it).
    """

    chapter: str
    seed: int
    status: str
    message: str
    sandbox: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    seconds: float = 0.0
    cells: list[CellOutput] = field(default_factory=list)
    tampering: list[str] = field(default_factory=list)
    sandbox_cpu: float = 0.0

    @property
    def score(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_points for e in self.exercises)

    def by_function(self) -> dict[str, ExerciseResult]:
        return {e.function: e for e in self.exercises}
