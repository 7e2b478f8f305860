"""Trusted grading: learner code runs in a sandbox, points are awarded outside it.

Code in a learner's kernel can patch numpy, the checks, IPython, even nbgrader's view of
the notebook, so the grades of record come from here. Public API::

    from graders.trusted import grade_notebook

    result = grade_notebook("submitted/ada/02_logistic/02_logistic.ipynb", "02_logistic")
    result.status        # "graded" or "ungradable" (unreadable, wrong chapter, ...)
    result.score, result.max_score
    result.seed          # the hidden cases' seed: grade_notebook(..., seed=...) repeats it
    result.sandbox       # "bwrap", or "weak" when explicitly allowed without bwrap
    for e in result.exercises:  # ExerciseResult(function, grade_id, points, max_points,
        ...                     #               passed, diagnosis)

``grade_notebook(path, chapter, *, seed=None, allow_weak_sandbox=False,
time_limit=DEFAULT_TIME_LIMIT, source_notebook=None) -> TrustedResult`` never raises for
a bad submission (broken JSON, hostile code, a notebook of another chapter); it raises
:class:`SandboxUnavailableError` when bwrap cannot run and ``allow_weak_sandbox`` is false,
and ``ValueError`` for an unknown chapter. ``source_notebook`` is the instructor's
version whose locked setup cells are run (default: the repository's notebook).

How (one module each):

- :mod:`~graders.trusted.notebook` extracts the solution cells' source by ``grade_id``;
- :mod:`~graders.trusted.overlay` builds the read-only tree the child imports from, in
  which the chapter's reference functions are stubs;
- :mod:`~graders.trusted.sandbox` runs the child under bwrap, prlimit and a time limit;
- :mod:`~graders.trusted.child` (in the sandbox) runs the cells and calls the functions
  on the parent's hidden cases, writing plain arrays (:mod:`~graders.trusted.wire`);
- :mod:`~graders.trusted.verify` checks those arrays against the reference, in the parent;
- :mod:`~graders.trusted.grade` ties it together; :mod:`~graders.trusted.results` holds
  the result dataclasses.

nbgrader's own (information-only) run of a notebook gets a sandbox too:
:mod:`~graders.trusted.kernel` is the grading kernel's launcher, and
:mod:`~graders.trusted.warm` runs :mod:`~graders.trusted.kernel_factory` processes that
fork ready-made kernels for a batch.
"""

import importlib

# Imported on first use: the grading kernel's launcher (graders.trusted.kernel) lives in
# this package too and must start without numpy and the checks.
_PUBLIC = {
    "DEFAULT_TIME_LIMIT": "graders.trusted.grade",
    "grade_notebook": "graders.trusted.grade",
    "ExerciseResult": "graders.trusted.results",
    "TrustedResult": "graders.trusted.results",
    "SandboxUnavailableError": "graders.trusted.sandbox",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
