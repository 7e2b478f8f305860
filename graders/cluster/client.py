"""The instructor's side: send submissions to the workers and collect their results.

:class:`BrokerGrading` is the broker's grading backend of
:func:`graders.pipeline.autograde.autograde` (the local one is its lanes): ``submit``
sends one submission as a task, ``completed`` yields ``((chapter, student), outcome)`` as
results arrive, where an outcome is what the gradebook writer takes: a finished future
holding a :class:`~graders.trusted.TrustedResult`, or the reason it could not be graded.

A result is read from the broker's result store under its task id (a content hash,
:func:`~graders.cluster.messages.task_id`); each id is yielded once, however many times
its message was delivered. A failure stored for a task that Celery put back in the queue
(killed at its time limit, or its process lost) is not final: the next delivery answers,
and the worker gives up after a bounded number of them.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

from graders.errors import DlcourseError

from .broker import BrokerUnavailableError, broker_url, check_broker, make_app, redact
from .codec import from_data
from .fingerprint import code_fingerprint, task_fingerprint
from .messages import (
    GRADE_TASK,
    MAX_NOTEBOOK_BYTES,
    QUEUE,
    SETUP_TASK,
    grade_payload,
    setup_payload,
    task_id,
)

TASK_MARGIN = 60.0  # seconds a task may take beyond its submission's time limit
REQUEUED = {"TimeLimitExceeded", "WorkerLostError"}  # failures after which Celery requeues
POLL = 0.2  # seconds between looks at the result store
WAIT = 120.0  # seconds a setup check may take at a worker (its hard limit)


class WorkerVersionError(DlcourseError):
    """The workers run another version of dlnotes/graders than the instructor's machine."""


class BrokerGrading:
    """Grading by ``dlcourse worker`` processes on the broker ``url`` (module docstring).

    ``task_time_limit`` is each task's hard limit at the worker (default: the submission's
    time limit plus :data:`TASK_MARGIN`); Celery kills the process grading past it.
    """

    def __init__(self, url: str, *, task_time_limit: float | None = None):
        self.url = url = broker_url(url)
        self.app = make_app(url)
        check_broker(self.app, url)
        if not self.app.control.ping(timeout=5.0, limit=1):  # one answer is enough
            raise BrokerUnavailableError(
                f"no dlcourse worker answers on {redact(url)}; start one with "
                "`dlcourse worker --broker URL` (on a machine with bubblewrap)"
            )
        self.code = code_fingerprint()
        self.task_time_limit = task_time_limit
        self.pending: dict[str, tuple[str, str]] = {}  # task id -> (chapter, student)
        self.ready: list[tuple[tuple[str, str], Future | str]] = []

    def __enter__(self) -> BrokerGrading:
        return self

    def __exit__(self, *exc) -> None:
        if self.pending:  # stopped early: the workers need not grade what nobody awaits
            self.app.control.revoke(list(self.pending))
        self.app.close()

    # ------------------------------------------------------------------ sending
    def submit(
        self,
        key: tuple[str, str],
        path: Path,
        chapter: str,
        source: Path,
        *,
        time_limit: float,
        seed: int,
    ) -> str | None:
        """Send one submission (``key`` is (chapter, student)); its task id."""
        try:
            notebook = _read(path)
        except OSError as error:
            self.ready.append((key, f"the notebook could not be read ({error.strerror or error})"))
            return None
        fingerprint, source_bytes = self._version(chapter, source)
        tid = task_id("grade", key[1], chapter, seed, fingerprint, notebook)
        payload = grade_payload(chapter, seed, time_limit, fingerprint, source_bytes, notebook)
        self.app.send_task(
            GRADE_TASK,
            args=[payload],
            task_id=tid,
            queue=QUEUE,
            time_limit=self.task_time_limit or time_limit + TASK_MARGIN,
        )
        self.pending[tid] = key
        return tid

    def cancel(self, keys) -> None:
        """Forget the tasks of these (chapter, student) keys (and ask workers to skip them)."""
        keys = set(keys)
        dropped = [tid for tid, key in self.pending.items() if key in keys]
        for tid in dropped:
            del self.pending[tid]
        if dropped:
            self.app.control.revoke(dropped)

    def _version(self, chapter: str, source: Path) -> tuple[str, bytes]:
        data = _read(source)
        return task_fingerprint(self.code, chapter, data), data

    # ---------------------------------------------------------------- collecting
    def completed(self) -> Iterator[tuple[tuple[str, str], Future | str]]:
        """Each submitted key once, with its outcome, as results arrive."""
        yield from self.ready
        self.ready = []
        while self.pending:
            found = False
            for tid, outcome in self._finished(list(self.pending)):
                found = True
                yield self.pending.pop(tid), outcome
            if not found:
                time.sleep(POLL)

    def _finished(self, ids: list[str]) -> Iterator[tuple[str, Future | str]]:
        """The ids among ``ids`` whose result is final, with their outcome."""
        backend = self.app.backend
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            values = backend.client.mget([backend.get_key_for_task(t) for t in chunk])
            for tid, value in zip(chunk, values, strict=True):
                outcome = None if value is None else _outcome(json.loads(value))
                if outcome is not None:
                    yield tid, outcome

    def _wait(self, tid: str, seconds: float) -> Future | str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for _, outcome in self._finished([tid]):
                return outcome
            time.sleep(POLL)
        self.app.control.revoke(tid)
        raise BrokerUnavailableError(
            f"no worker on {redact(self.url)} answered within "
            f"{seconds:g} s; are the workers running?"
        )

    # -------------------------------------------------------- setup and canary
    def check_setup(self, chapter: str, source: Path) -> None:
        """The instructor's setup cells, alone, on a worker (:class:`SetupError` if broken)."""
        from graders.trusted import SetupError

        fingerprint, data = self._version(chapter, source)
        tid = f"setup-{uuid.uuid4().hex}"
        self.app.send_task(
            SETUP_TASK,
            args=[setup_payload(chapter, fingerprint, data)],
            task_id=tid,
            queue=QUEUE,
            time_limit=WAIT,
        )
        answer = self._wait(tid, WAIT * 4)  # up to 3 deliveries killed at WAIT, then an answer
        if isinstance(answer, str) and answer.startswith("a worker refused it"):
            raise WorkerVersionError(f"{chapter}: {answer}")
        if isinstance(answer, str):
            raise SetupError(f"the setup cells of {chapter} fail on a worker: {answer}")

    def grade(self, path: Path, chapter: str, *, source_notebook: Path):
        """Grade one notebook on a worker and wait (the canary's way; fresh hidden cases)."""
        import secrets

        tid = self.submit(
            ("canary", chapter),
            path,
            chapter,
            source_notebook,
            time_limit=30.0,
            seed=secrets.randbits(31),
        )
        outcome = self._wait(tid, (30.0 + TASK_MARGIN) * 4) if tid else self.ready.pop()[1]
        self.pending.pop(tid, None)
        if isinstance(outcome, str):
            raise BrokerUnavailableError(f"the canary of {chapter} was not graded: {outcome}")
        return outcome.result()


def _outcome(meta: dict) -> Future | str | None:
    """A stored task state as an outcome, or None while it is not final."""
    from graders.trusted import TrustedResult

    status, value = meta.get("status"), meta.get("result")
    if status == "SUCCESS" and isinstance(value, dict):
        if "result" in value:
            future: Future = Future()
            try:
                future.set_result(from_data(TrustedResult, value["result"]))
            except (TypeError, ValueError) as error:
                return f"the worker's result could not be read ({error})"
            return future
        if "setup_error" in value:
            return str(value["setup_error"])
        if "ok" in value:
            future = Future()
            future.set_result(None)
            return future
        return str(value.get("refused") or value.get("failed") or "the worker gave no result")
    if status == "FAILURE":
        kind = value.get("exc_type", "") if isinstance(value, dict) else ""
        if kind in REQUEUED:
            return None  # Celery put the message back: the next delivery answers
        return f"the worker failed ({kind or 'unknown error'}); see the worker's log"
    return None


def _read(path: Path) -> bytes:
    """A notebook's bytes (not through a link; at most MAX_NOTEBOOK_BYTES)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        data = f.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise OSError(f"the notebook is larger than {MAX_NOTEBOOK_BYTES} bytes")
    return data
