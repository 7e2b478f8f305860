"""Run jobs in forked worker processes, a few at a time, each with a wall-clock limit.

nbgrader's command line spends about 3 s starting up before it grades anything. Here the
parent imports nbgrader once and *forks* a child per job, which starts grading at once.
Each child:

- becomes a session leader and a child subreaper, so the kernel it starts and anything a
  learner's code spawns (even double-forked) stays its descendant and is killed with it;
- sends its stdout and stderr (nbgrader's log, the kernel's noise) to a log file;
- writes its return value as JSON to a result file, since a kernel crash or a kill must
  not take the parent down.

The parent keeps at most ``workers`` children alive and kills (with all descendants) any
child that exceeds ``time_limit`` seconds. No pooled database connection may be open in
the parent when it forks (``results.save_results`` disposes its engine).
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

import psutil

_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Job:
    """One unit of work: ``fn(*args)`` must return a JSON-serialisable value."""

    key: object
    fn: Callable[..., object]
    args: tuple
    log_path: Path


@dataclass(frozen=True)
class Outcome:
    """What became of a job: ``ok`` with ``value``, or not ok with ``error`` (one line)."""

    job: Job
    ok: bool
    value: object = None
    error: str | None = None
    seconds: float = 0.0


def kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants (children first are found, then killed)."""
    try:
        root = psutil.Process(pid)
        procs = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


def _child_main(job: Job, result_path: str) -> None:
    os.setsid()
    try:  # orphans of the learner's code re-parent to us, not to init
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    job.log_path.parent.mkdir(parents=True, exist_ok=True)
    log_fd = os.open(job.log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    # Python-level streams too: the parent's may be replaced (e.g. by pytest's capture)
    sys.stdout = sys.stderr = open(log_fd, "w", buffering=1, closefd=False)  # noqa: SIM115
    try:
        payload = {"ok": True, "value": job.fn(*job.args)}
    except BaseException as exc:  # noqa: BLE001 - any failure is reported, never raised
        traceback.print_exc()
        payload = {"ok": False, "error": f"{type(exc).__name__}: {exc}".strip()}
    for proc in psutil.Process().children(recursive=True):
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    Path(result_path).write_text(json.dumps(payload))
    sys.stdout.flush()
    os._exit(0)  # skip atexit handlers and inherited finalizers of the parent


def run_jobs(
    jobs: Iterable[Job], *, workers: int, time_limit: float, scratch: Path
) -> Iterator[Outcome]:
    """Run ``jobs`` in forked children, ``workers`` at a time; yield outcomes as they end.

    Parameters
    ----------
    jobs : iterable of Job
    workers : int
        Children alive at once (at least 1).
    time_limit : float
        Seconds a job may run; then it and its descendants are killed.
    scratch : Path
        A private folder for the result files.
    """
    ctx = multiprocessing.get_context("fork")
    pending = deque(jobs)
    running: dict[int, tuple[Job, multiprocessing.Process, float, Path]] = {}
    counter = 0
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                job = pending.popleft()
                counter += 1
                result_path = scratch / f"result-{counter}.json"
                proc = ctx.Process(target=_child_main, args=(job, str(result_path)), daemon=False)
                proc.start()
                running[proc.sentinel] = (job, proc, time.monotonic(), result_path)
            next_deadline = min(start + time_limit for _, _, start, _ in running.values())
            ready = wait(list(running), timeout=max(0.0, next_deadline - time.monotonic()))
            now = time.monotonic()
            for sentinel in list(running):
                job, proc, start, result_path = running[sentinel]
                if sentinel in ready:
                    proc.join()
                    del running[sentinel]
                    yield _finished(job, proc, result_path, now - start)
                elif now - start >= time_limit:
                    kill_tree(proc.pid)
                    proc.join()
                    del running[sentinel]
                    error = f"time limit exceeded: still running after {time_limit:g} s"
                    yield Outcome(job, ok=False, error=error, seconds=now - start)
    finally:
        for _, proc, _, _ in running.values():
            kill_tree(proc.pid)
            proc.join()


def _finished(
    job: Job, proc: multiprocessing.Process, result_path: Path, seconds: float
) -> Outcome:
    try:
        payload = json.loads(result_path.read_text())
    except (OSError, ValueError):
        error = f"grading process died (exit code {proc.exitcode}); see {job.log_path}"
        return Outcome(job, ok=False, error=error, seconds=seconds)
    finally:
        result_path.unlink(missing_ok=True)
    if payload["ok"]:
        return Outcome(job, ok=True, value=payload["value"], seconds=seconds)
    return Outcome(job, ok=False, error=payload["error"], seconds=seconds)


def run_isolated(fn: Callable[..., object], args: tuple, *, log_path: Path, time_limit: float):
    """Run one ``fn(*args)`` in a forked child (see ``run_jobs``) and return its Outcome."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dlcourse-") as scratch:
        job = Job(None, fn, args, log_path)
        return next(run_jobs([job], workers=1, time_limit=time_limit, scratch=Path(scratch)))
