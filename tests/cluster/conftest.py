"""Fixtures for the cluster tests: a real redis-server, real ``dlcourse worker`` processes
(see cluster_procs.py), all running one snapshot of the code."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))  # pipeline_tiny

from cluster_procs import Broker, Worker, snapshot_env  # noqa: E402


@pytest.fixture(scope="session")
def code(tmp_path_factory) -> dict[str, str]:
    """The environment that runs a snapshot of the code (see :func:`snapshot_env`)."""
    return snapshot_env(tmp_path_factory.mktemp("code"))


@pytest.fixture
def broker():
    # a short folder of its own: a unix socket's path must stay under 108 bytes
    folder = Path(tempfile.mkdtemp(prefix="dlc-redis-"))
    running = Broker(folder)
    try:
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def start_worker(broker, code, tmp_path):
    """``start_worker(*args, **kw)`` starts a worker on ``broker`` (on the code snapshot
    unless ``env`` and ``cwd`` say otherwise); all stop at the end."""
    started: list[Worker] = []

    def start(*args: str, env: dict | None = None, cwd: Path | None = None, **kw) -> Worker:
        worker = Worker(
            broker,
            tmp_path / f"worker{len(started)}.log",
            *args,
            env=env or code,
            cwd=cwd or Path(code["PYTHONPATH"]),
            **kw,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
