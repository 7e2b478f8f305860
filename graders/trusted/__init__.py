"""Trusted grading: learner code runs in a sandbox, points are awarded outside it.

Code in a learner's kernel can patch numpy, the checks, IPython, even nbgrader's view of
the notebook, so the grades of record come from here. Public API::

    from graders.trusted import grade_notebook

    result = grade_notebook("submitted/ada/02_logistic/02_logistic.ipynb", "02_logistic")
    result.status        # "graded" or "ungradable" (unreadable, wrong chapter, ...)
    result.score, result.max_score
    result.seed          # the hidden cases' seed: grade_notebook(..., seed=...) repeats it
    result.sandbox       # "bwrap", or "weak" when explicitly allowed without bwrap
    for e in result.exercises:  # graders.results.ExerciseResult: function, points,
        ...                     # max_points, diagnosis (None if passed), output

``grade_notebook(path, chapter, *, seed=None, allow_weak_sandbox=False,
time_limit=DEFAULT_TIME_LIMIT, source_notebook=None) -> TrustedResult`` never raises for
a bad submission (broken JSON, hostile code, a notebook of another chapter); it raises
:class:`SandboxUnavailableError` when bwrap cannot run and ``allow_weak_sandbox`` is false,
and ``ValueError`` for an unknown chapter. ``source_notebook`` is the instructor's
version whose locked setup cells are run (default: the repository's notebook).

How (one module each):

- :mod:`~graders.trusted.notebook` plans the one execution: every code cell in order, the
  instructor's setup and test cells from the source notebook;
- :mod:`~graders.trusted.overlay` builds what the sandbox can import: the child's own
  code, and views of dlnotes in which the chapter's answers are stubs;
- :mod:`~graders.trusted.sandbox` runs a warm :mod:`~graders.trusted.zygote` under bwrap,
  which forks a fresh, unprivileged, limited :mod:`~graders.trusted.child` per submission;
  the child runs the cells and, in each test cell, calls the learner's functions on the
  parent's inputs, sending back plain data (:mod:`~graders.trusted.wire`);
- :mod:`~graders.trusted.verify` replays that data through the check library, in the
  parent: points, diagnoses and statuses are decided there alone;
- :mod:`~graders.trusted.grade` ties it together (:class:`Grader` keeps the sandboxes warm
  for a batch); :mod:`~graders.trusted.results` holds the result dataclasses.
"""

import importlib

# Imported on first use: the sandbox's own modules (child, zygote, wire) live in this
# package too and must not pull in the checks.
_PUBLIC = {
    "DEFAULT_TIME_LIMIT": "graders.trusted.grade",
    "grade_notebook": "graders.trusted.grade",
    "Grader": "graders.trusted.grade",
    "SetupError": "graders.trusted.grade",
    "CellOutput": "graders.trusted.results",
    "ExerciseResult": "graders.trusted.results",
    "TrustedResult": "graders.trusted.results",
    "SandboxUnavailableError": "graders.errors",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
