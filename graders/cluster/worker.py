"""The worker's side: the tasks a ``dlcourse worker`` runs, and how it starts.

A worker is a Celery worker with a prefork pool: each pool process holds one warm
:class:`graders.trusted.Grader` (made when the process starts, closed when it ends), the
engine of local grading, so verifying what a sandbox sent runs on as many cores as there
are processes. A task is handled in four steps (:func:`grade`):

1. its fingerprint must equal the one computed here from this installation and the
   source notebook the task carries, else the task is *refused* (``{"refused": ...}``);
2. its delivery is counted in the broker (keyed by the task id): past
   :data:`MAX_DELIVERIES`, the submission has ended its worker every time (Celery killed
   the process at the task's hard time limit, or the process died) and is answered as
   failed without being run again, so the batch completes;
3. the source notebook and the submission's bytes are written into this process's own
   temporary folder (mode 0700; files created exclusively, never through a link, under
   random names: nothing a learner wrote names a path);
4. the Grader grades them, and the :class:`~graders.trusted.TrustedResult` goes back as
   JSON (:mod:`~graders.cluster.codec`).

A worker never sees a student's name, the gradebook or the course folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from graders.exercises import CHAPTERS

from .broker import RESULT_TTL, broker_url, check_broker, make_app, redact
from .codec import to_data
from .fingerprint import code_fingerprint, task_fingerprint
from .messages import GRADE_TASK, QUEUE, SETUP_TASK, MessageError, blob, field

MAX_DELIVERIES = 3  # a submission that ends its worker this many times is failed
log = logging.getLogger("dlcourse.worker")

_GRADER = None  # this pool process's warm Grader
_FOLDER: Path | None = None  # this pool process's private temporary folder


def start_process(**_) -> None:
    """In each new pool process: a warm Grader and a private folder (``worker_process_init``)."""
    global _GRADER, _FOLDER
    from graders.trusted import Grader
    from graders.trusted.sandbox import weak_sandbox_allowed

    _FOLDER = Path(tempfile.mkdtemp(prefix="dlcourse-worker-"))  # mode 0700
    _GRADER = Grader(allow_weak_sandbox=weak_sandbox_allowed())


def stop_process(**_) -> None:
    """When a pool process ends: its sandbox, then its folder (``worker_process_shutdown``)."""
    if _GRADER is not None:
        _GRADER.close()
    if _FOLDER is not None:
        shutil.rmtree(_FOLDER, ignore_errors=True)


def register(app) -> None:
    """Define the worker's two tasks on ``app``."""
    app.task(name=GRADE_TASK, bind=True)(grade)
    app.task(name=SETUP_TASK, bind=True)(check_setup)


def grade(task, payload: dict) -> dict:
    """Grade one submission (see the module docstring); a JSON-ready answer."""
    try:
        chapter, source = _accepted(payload)
        seed = field(payload, "seed", int)
        time_limit = float(field(payload, "time_limit", int | float))
        notebook = blob(payload, "notebook")
    except _RefusedError as refusal:
        return {"refused": str(refusal)}
    except MessageError as error:
        return {"failed": f"the worker could not read the task: {error}"}
    deliveries = _count_delivery(task.app, task.request.id)
    if deliveries > MAX_DELIVERIES:
        log.error(
            "task %s ended its worker %d times; answered as failed", task.request.id, MAX_DELIVERIES
        )
        return {
            "failed": f"grading ended its worker process on each of {MAX_DELIVERIES} "
            "deliveries (killed at the task time limit, or the process died); "
            "not graded"
        }
    from graders.trusted import SetupError

    with _private_file(source) as source_path, _private_file(notebook) as path:
        try:
            result = _GRADER.grade(
                path,
                chapter,
                source_notebook=source_path,
                seed=seed,
                time_limit=max(0.5, time_limit),
            )
        except SetupError as error:
            return {"failed": f"the instructor's setup cells fail on this worker: {error}"}
    return {"result": to_data(result)}


def check_setup(task, payload: dict) -> dict:
    """Run the chapter's setup cells alone, without learner code (before a batch)."""
    from graders.trusted import SetupError
    from graders.trusted.notebook import NotebookError, read_cells

    try:
        chapter, source = _accepted(payload)
    except _RefusedError as refusal:
        return {"refused": str(refusal)}
    except MessageError as error:
        return {"setup_error": f"the worker could not read the task: {error}"}
    if _count_delivery(task.app, task.request.id) > MAX_DELIVERIES:
        return {
            "setup_error": f"running them ended the worker process on each of "
            f"{MAX_DELIVERIES} deliveries"
        }
    with _private_file(source) as source_path:
        try:
            _GRADER.check_setup(chapter, read_cells(source_path))
        except (SetupError, NotebookError) as error:
            return {"setup_error": str(error)}
    return {"ok": True}


class _RefusedError(Exception):
    """A task built for another version of the course or of dlnotes/graders."""


def _accepted(payload: dict) -> tuple[str, bytes]:
    """The task's chapter and source notebook, if it was built for this version."""
    chapter = field(payload, "chapter", str)
    if chapter not in CHAPTERS:
        raise MessageError(f"unknown chapter {chapter[:40]!r}")
    source = blob(payload, "source")
    theirs = field(payload, "fingerprint", str)
    mine = task_fingerprint(code_fingerprint(), chapter, source)
    if theirs != mine:
        log.error(
            "refused a task built for version %.12s: this worker runs %.12s (code %.12s)",
            theirs,
            mine,
            code_fingerprint(),
        )
        raise _RefusedError(
            f"a worker refused it: built for version {theirs[:12]}, the worker runs "
            f"{mine[:12]} (install the same dlnotes/graders on the workers and here)"
        )
    return chapter, source


def _count_delivery(app, task_id: str) -> int:
    """How many times this task has been delivered, this one included (kept in Redis)."""
    key = f"dlcourse:deliveries:{task_id}"
    with app.backend.client.pipeline() as pipe:
        count, _ = pipe.incr(key).expire(key, RESULT_TTL).execute()
    return int(count)


@contextlib.contextmanager
def _private_file(data: bytes) -> Iterator[Path]:
    """``data`` in a new file of this process's private folder, removed afterwards."""
    path = _FOLDER / f"{secrets.token_hex(8)}.ipynb"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def run_worker(
    url: str, *, concurrency: int, visibility_timeout: float, loglevel: str = "INFO"
) -> int:
    """Start a worker on the broker ``url`` and serve until stopped; its exit code."""
    from celery import signals

    url = broker_url(url)
    app = make_app(url, visibility_timeout=visibility_timeout)
    register(app)
    check_broker(app, url)
    signals.worker_process_init.connect(start_process, weak=False)
    signals.worker_process_shutdown.connect(stop_process, weak=False)
    from graders.trusted.sandbox import bwrap_problem

    problem = bwrap_problem()  # the command refused already unless the weak mode is allowed
    sandbox = f"the WEAK sandbox ({problem}; every result says so)" if problem else "bwrap"
    print(
        f"dlcourse worker: grading version {code_fingerprint()[:12]} from {redact(url)} "
        f"with {concurrency} process(es) in {sandbox}",
        file=sys.stderr,
        flush=True,
    )
    worker = app.Worker(
        pool="prefork",
        concurrency=concurrency,
        queues=[QUEUE],
        loglevel=loglevel,
        hostname=f"dlcourse{os.getpid()}@{socket.gethostname()}",
        without_gossip=True,
        without_mingle=True,
        optimization="fair",
    )
    worker.start()
    return int(worker.exitcode or 0)
