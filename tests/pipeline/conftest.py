"""Fixtures for the pipeline tests: the tiny chapters, the CLI, and a real PostgreSQL server."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pipeline_tiny as tiny
import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_USER = "dlnotes-pg"  # initdb refuses to run as root


@pytest.fixture
def tiny_notebooks(tmp_path: Path) -> Path:
    return tiny.write_notebooks(tmp_path / "notebooks")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_pg_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        made = subprocess.run(["useradd", "--system", "--no-create-home", PG_USER],
                              capture_output=True, text=True)
        if made.returncode != 0:
            pwd.getpwnam(PG_USER)  # another xdist worker created it at the same moment
    return ["runuser", "-u", PG_USER, "--"]


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL 15 server on loopback and a free port; its URL."""
    as_user = _as_pg_user()
    base = Path(tempfile.mkdtemp(prefix="dlnotes-pg-"))
    base.chmod(0o755)
    if as_user:
        shutil.chown(base, PG_USER)
    data, port = base / "data", _free_port()

    def pg(*cmd: str, **kw):
        return subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True, **kw)

    pg(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
       "-w", "start")
    try:
        pg(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
           "gradebook")
        yield f"postgresql://postgres@127.0.0.1:{port}/gradebook"
    finally:
        pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)
