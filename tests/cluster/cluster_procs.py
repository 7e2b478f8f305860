"""Real processes for the cluster tests: a redis-server, ``dlcourse worker``, ``dlcourse``.

The broker listens on a unix socket in a fresh folder (no TCP port, so nothing clashes
under ``pytest -n 2``) and wants a random password, like a deployed one; each worker is a
``dlcourse worker`` subprocess in its own session (so a test can SIGKILL all of it, the
way a machine dies), logging to a file the test reads.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))  # pipeline_tiny, pipeline_cli

VENV_BIN = Path(sys.executable).parent
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"

if not Path(REDIS).exists():  # CI installs it (scripts/system-packages.sh test): fail there
    pytest.fail(
        "redis-server is not installed: `bash scripts/system-packages.sh test`", pytrace=False
    )


def snapshot_env(folder: Path) -> dict[str, str]:
    """Copy the graders and dlnotes packages to ``folder``; the environment that runs them.

    Every process of a test (the instructor's ``dlcourse autograde`` and the workers) runs
    this one copy, so a file saved in the working tree during the test (others work in it)
    cannot give the two sides different fingerprints.
    """
    from graders.paths import DATA_DIR, REPO_ROOT

    for package in ("graders", "dlnotes"):
        shutil.copytree(
            REPO_ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return {"PYTHONPATH": str(folder), "DLNOTES_DATA": str(DATA_DIR)}


def dlcourse(code: dict[str, str], *args, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``dlcourse`` on the code snapshot, as an instructor would (no venv on PATH)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLNOTES_", "VIRTUAL_ENV"))}
    env.update(code, PATH="/usr/bin:/bin", OPENBLAS_NUM_THREADS="1")
    return subprocess.run(
        [str(VENV_BIN / "dlcourse"), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=code["PYTHONPATH"],
    )


class Broker:
    """A running redis-server: its URL (with the password) and the password alone."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.password = secrets.token_hex(12)
        self.socket = folder / "redis.sock"
        self.url = f"redis+socket://:{self.password}@{self.socket}"
        self.log = folder / "redis.log"
        self.process = subprocess.Popen(
            [
                REDIS,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--requirepass",
                self.password,
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.log),
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(
            lambda: "ready to accept" in _text(self.log), 20, "redis-server to start", self.log
        )

    def client(self):
        import redis

        return redis.Redis(unix_socket_path=str(self.socket), password=self.password)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Worker:
    """A ``dlcourse worker`` subprocess; ``kill()`` is SIGKILL to its whole session."""

    def __init__(
        self,
        broker: Broker,
        log: Path,
        *args: str,
        env: dict | None = None,
        cwd: Path | None = None,
        wait: bool = True,
    ):
        self.log = log
        environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})}
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "dlcourse"),
                    "worker",
                    "--broker",
                    broker.url,
                    "--concurrency",
                    "1",
                    *args,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=environment,
                cwd=cwd or log.parent,
                start_new_session=True,
            )
        if wait:
            _wait_for(
                lambda: " ready." in self.text() or self.process.poll() is not None,
                60,
                "the worker to be ready",
                log,
            )
            assert self.process.poll() is None, self.text()

    def text(self) -> str:
        return _text(self.log)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def _text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _wait_for(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{_text(log)[-3000:]}")
        time.sleep(0.1)
