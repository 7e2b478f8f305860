"""Grading lanes: worker processes, each with a warm :class:`graders.trusted.Grader`.

Verifying what a sandbox sent is Python work in the grading parent (replaying it through
the checks); in one process it would take turns on one interpreter lock, so a batch runs
one lane per job, each a forked process with its own warm sandbox. A lane never writes
anything: it returns each :class:`~graders.trusted.TrustedResult` to the batch, whose
single thread writes the gradebook. Nothing a submission sends reaches a lane except
through the engine's bounded, plain-data channel, and a lane runs no learner code.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.util import Finalize
from pathlib import Path

from graders.trusted import Grader, TrustedResult, notebook

_GRADER: Grader | None = None


def _start(allow_weak: bool) -> None:
    global _GRADER
    _GRADER = Grader(allow_weak_sandbox=allow_weak)
    Finalize(_GRADER, _GRADER.close, exitpriority=10)  # the sandbox ends, and is waited for


def _grade(path: str, chapter: str, source: str, time_limit: float, seed: int) -> TrustedResult:
    return _GRADER.grade(path, chapter, source_notebook=source, time_limit=time_limit,
                         seed=seed)


def _check_setup(chapter: str, source: str) -> None:
    _GRADER.check_setup(chapter, notebook.read_cells(Path(source)))


class Lanes:
    """``jobs`` grading processes (``with Lanes(2) as lanes: lanes.submit(...)``)."""

    def __init__(self, jobs: int, *, allow_weak_sandbox: bool = False):
        self.pool = ProcessPoolExecutor(max_workers=jobs,
                                        mp_context=multiprocessing.get_context("fork"),
                                        initializer=_start, initargs=(allow_weak_sandbox,))

    def __enter__(self) -> Lanes:
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, path: Path, chapter: str, source: Path, *, time_limit: float,
               seed: int) -> Future:
        """Grade one notebook in a lane; the future's result is its ``TrustedResult``."""
        return self.pool.submit(_grade, str(path), chapter, str(source), time_limit, seed)

    def grade(self, path: Path, chapter: str, *, source_notebook: Path) -> TrustedResult:
        """Grade one notebook and wait (the canary's way; fresh hidden cases)."""
        import secrets

        return self.submit(path, chapter, source_notebook, time_limit=30.0,
                           seed=secrets.randbits(31)).result()

    def check_setup(self, chapter: str, source: Path) -> None:
        """The instructor's setup cells, alone in a sandbox (:class:`SetupError` if broken)."""
        self.pool.submit(_check_setup, chapter, str(source)).result()
