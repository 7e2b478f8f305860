"""Run one call in a forked child with a wall-clock limit: nbgrader's release, isolated.

nbgrader's command line spends about 3 s starting up; here the parent imports nbgrader
once and *forks* a child for the call, which starts at once. The child:

- becomes a session leader and a child subreaper, so anything it starts (even
  double-forked) stays its descendant and is killed with it;
- sends its stdout and stderr (nbgrader's log) to a log file;
- writes its return value as JSON to a result file, so a crash or a kill cannot take the
  parent down.

No pooled database connection may be open in the parent when it forks.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil

_PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class Outcome:
    """What became of the call: ``ok`` with ``value``, or not ok with ``error`` (one line)."""

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


def _child_main(fn, args: tuple, log_path: Path, result_path: str) -> None:
    os.setsid()
    try:  # orphans of the learner's code re-parent to us, not to init
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    # Python-level streams too: the parent's may be replaced (e.g. by pytest's capture)
    sys.stdout = sys.stderr = open(log_fd, "w", buffering=1, closefd=False)  # noqa: SIM115
    try:
        payload = {"ok": True, "value": fn(*args)}
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


def run_isolated(
    fn: Callable[..., object], args: tuple, *, log_path: Path, time_limit: float
) -> Outcome:
    """Run ``fn(*args)`` in a forked child whose output goes to ``log_path``; kill it and
    everything it started after ``time_limit`` seconds. ``fn`` returns JSON-able data."""
    ctx = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory(prefix="dlcourse-") as scratch:
        result_path = Path(scratch) / "result.json"
        proc = ctx.Process(target=_child_main, args=(fn, args, log_path, str(result_path)))
        start = time.monotonic()
        proc.start()
        try:
            proc.join(time_limit)
        finally:
            if proc.is_alive():
                kill_tree(proc.pid)
                proc.join()
        seconds = time.monotonic() - start
        if seconds >= time_limit and not result_path.exists():
            error = f"time limit exceeded: still running after {time_limit:g} s"
            return Outcome(ok=False, error=error, seconds=seconds)
        try:
            payload = json.loads(result_path.read_text())
        except (OSError, ValueError):
            error = f"the process died (exit code {proc.exitcode}); see {log_path}"
            return Outcome(ok=False, error=error, seconds=seconds)
    if payload["ok"]:
        return Outcome(ok=True, value=payload["value"], seconds=seconds)
    return Outcome(ok=False, error=payload["error"], seconds=seconds)
