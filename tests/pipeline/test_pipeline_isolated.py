"""One call in a forked child: its value, an exception, a crash, its log, the time limit."""

from __future__ import annotations

import os
import subprocess
import time

import psutil

from graders.pipeline.isolated import run_isolated


def _square(x):
    return x * x


def _sleep(seconds):
    time.sleep(seconds)
    return seconds


def _crash():
    os._exit(3)


def _raise():
    raise ValueError("bad input shape (3,)")


def _spawn_and_hang(pidfile):
    # a grandchild that double-forks away, as learner code might
    proc = subprocess.Popen(["sh", "-c", f"sleep 1000 & echo $! > {pidfile}"])
    proc.wait()
    while True:
        time.sleep(0.1)


def _noisy():
    print("to stdout")
    os.write(2, b"to stderr\n")
    return "ok"


def test_values_errors_and_crashes_are_reported(tmp_path):
    square = run_isolated(_square, (7,), log_path=tmp_path / "a.log", time_limit=60)
    crash = run_isolated(_crash, (), log_path=tmp_path / "b.log", time_limit=60)
    raised = run_isolated(_raise, (), log_path=tmp_path / "c.log", time_limit=60)
    assert square.ok and square.value == 49
    assert not crash.ok and "exit code 3" in crash.error
    assert raised.error == "ValueError: bad input shape (3,)"
    assert "Traceback" in (tmp_path / "c.log").read_text()


def test_output_goes_to_the_log_not_the_parent(tmp_path, capfd):
    outcome = run_isolated(_noisy, (), log_path=tmp_path / "n.log", time_limit=60)
    assert outcome.ok and outcome.value == "ok"
    assert capfd.readouterr() == ("", "")
    assert set((tmp_path / "n.log").read_text().splitlines()) == {"to stdout", "to stderr"}


def test_time_limit_kills_the_job_and_everything_it_started(tmp_path):
    pidfile = tmp_path / "grandchild.pid"
    start = time.monotonic()
    outcome = run_isolated(
        _spawn_and_hang, (pidfile,), log_path=tmp_path / "h.log", time_limit=2
    )
    assert time.monotonic() - start < 10
    assert not outcome.ok and "time limit" in outcome.error
    grandchild = int(pidfile.read_text())
    assert not psutil.pid_exists(grandchild) or psutil.Process(grandchild).status() == "zombie"
