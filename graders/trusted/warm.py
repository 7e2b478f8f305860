"""Warm grading kernels: kernel factories for a batch of notebooks (host side).

Inside ``with warm_kernels(count):`` there are ``count`` kernel factories
(:mod:`graders.trusted.kernel_factory`), each in its own bwrap sandbox, and the grading
kernel's launcher (:mod:`graders.trusted.kernel`) asks a free one to fork the kernel
instead of starting a new sandbox and interpreter; that saves about a second of CPU per
notebook. Everything else is as for a cold kernel: the same sandbox contents, limits and
environment, a fresh unprivileged uid per kernel, and nbgrader talks to the kernel over
the same IPC sockets. Where a factory cannot be used (not root, no bwrap, all busy, a
factory died), the launcher quietly starts a cold kernel.

Layout of the factories' folder (its path is in ``$DLNOTES_KERNEL_FACTORIES`` while the
block runs)::

    <root>/factory<i>/        the i-th factory: factory.sock, ready, lock, its log
    <root>/kernels/<k>/       one kernel's sockets, connection file, HOME and work/
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graders.trusted import sandbox

ENV_VAR = "DLNOTES_KERNEL_FACTORIES"
FACTORY_MODULE = "graders.trusted.kernel_factory"
START_TIMEOUT = 60.0  # seconds for a factory to import everything


def available() -> bool:
    """Factories need root (to give each kernel its own uid) and a working bwrap."""
    return os.geteuid() == 0 and sandbox.bwrap_problem() is None


@contextmanager
def warm_kernels(count: int) -> Iterator[Path | None]:
    """Run ``count`` kernel factories for the duration of the block.

    Yields the factories' folder, or None when factories are unavailable here.
    """
    if count < 1 or not available():
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="dlnotes-factories-"))
    root.chmod(0o711)  # kernels may pass through to their own folder, not list others
    (root / "kernels").mkdir(mode=0o711)
    (root / "kernels").chmod(0o711)
    processes = [_start(root / f"factory{i}", root) for i in range(count)]
    try:
        _wait_until_ready(root, processes)
        with sandbox.environment(ENV_VAR, str(root)):
            yield root
    finally:
        for process in processes:
            sandbox.kill_group(process)
        shutil.rmtree(root, ignore_errors=True)


def _start(folder: Path, root: Path) -> subprocess.Popen:
    folder.mkdir(mode=0o700)
    from graders.trusted.kernel import share_font_cache

    share_font_cache(folder / "matplotlib", None)
    env = {**sandbox.ENV, "HOME": str(folder), "PYTHONPATH": "/course",
           "IPYTHONDIR": str(folder / "ipython"), "MPLCONFIGDIR": str(folder / "matplotlib")}
    program = [sys.executable, "-m", FACTORY_MODULE, str(folder)]
    from graders.trusted.overlay import build_overlay  # numpy-free launcher: late

    command = sandbox.bwrap_command(build_overlay(None), folder, 0, switch_user=False,
                                    program=program, job_at=str(folder), env=env,
                                    writable=(str(root / "kernels"),), cwd=str(folder))
    with open(folder / "log", "wb") as log:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                                start_new_session=True)


def _wait_until_ready(root: Path, processes: list[subprocess.Popen]) -> None:
    """Wait for the factories to listen; say why one did not (it is then not used)."""
    deadline = time.monotonic() + START_TIMEOUT
    for i, process in enumerate(processes):
        folder = root / f"factory{i}"
        while not (folder / "ready").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "log").read_text(errors="replace").strip().splitlines()
                logging.getLogger("dlcourse").warning(
                    "a warm kernel factory did not start (%s); its notebooks get cold "
                    "kernels, which is slower", log[-1] if log else "no output")
                break
            time.sleep(0.02)


def kernel_folder() -> Path | None:
    """A fresh folder for one kernel's sockets, inside the factories' reach (or None)."""
    root = os.environ.get(ENV_VAR)
    if not root or not Path(root, "kernels").is_dir():
        return None
    return Path(tempfile.mkdtemp(prefix="kernel-", dir=Path(root, "kernels")))


def launch(home: Path, cwd: str, uid: int, env: dict[str, str],
           limits: dict[str, int]) -> int | None:
    """Have a free factory fork the kernel; its exit code, or None if no factory could.

    ``home`` is the kernel's folder (one of :func:`kernel_folder`'s, owned by ``uid``,
    with its ``connection.json``); ``limits`` are its rlimits by prlimit's names.
    Blocks until the kernel exits.
    """
    root = os.environ.get(ENV_VAR)
    if not root or home.parent != Path(root, "kernels"):
        return None
    for factory in sorted(Path(root).glob("factory*")):
        connection = _connect(factory)
        if connection is None:
            continue
        work = home / "work"
        shutil.copytree(cwd, work, symlinks=True)  # the notebook's folder, as nbgrader's cwd
        for path in (work, *work.rglob("*")):
            os.lchown(path, uid, uid)
        request = {"connection_file": str(home / "connection.json"), "cwd": str(work),
                   "uid": uid, "home": str(home), "limits": limits,
                   "env": {**env, "HOME": str(home), "IPYTHONDIR": str(home / "ipython"),
                           "MPLCONFIGDIR": str(home / "matplotlib")}}
        socket.send_fds(connection, [json.dumps(request).encode()], [0, 1, 2])
        reply = b""
        while chunk := connection.recv(4096):
            reply += chunk
        return int(json.loads(reply)["exit"]) if reply else 1
    return None


def _connect(factory: Path) -> socket.socket | None:
    """A connection to ``factory`` if it is ready and no other launcher holds it."""
    if not (factory / "ready").exists():
        return None
    lock = os.open(factory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held until this launcher exits
    except BlockingIOError:
        os.close(lock)
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(factory / "factory.sock"))
    except OSError:
        connection.close()
        os.close(lock)
        return None
    return connection
