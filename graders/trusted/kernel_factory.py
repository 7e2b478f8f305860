"""A kernel factory: forks ready-made grading kernels, one at a time, inside its sandbox.

Starting a Jupyter kernel and importing numpy, matplotlib and the checks costs about a
second of CPU, more than running a graded notebook's cells. ``dlcourse autograde`` runs
one factory per worker (see :mod:`graders.trusted.warm`): a process that imports all of
that once, in the same kind of bwrap sandbox as a grading kernel, and then *forks* a
kernel for each notebook.

Run inside the sandbox as ``python -m graders.trusted.kernel_factory FOLDER``. It is root
*inside* the sandbox, with only the capabilities to change user and to kill, and serves one request
at a time on ``FOLDER/factory.sock`` (only root may connect). A request carries a
kernel's connection file, working folder and fresh uid, and the launcher's standard
streams. The forked kernel

- starts a session, takes the launcher's streams and the resource limits sent with the request,
- sets ``no_new_privs`` and becomes the fresh uid, losing every capability, so it can
  neither signal nor trace the factory, nor read another kernel's folder;
- reseeds numpy's global generator (a fork copies its state);
- runs ipykernel on the connection file.

When the kernel exits, or the launcher goes away (closed connection: nbgrader stopped the
kernel, or the worker was killed), the factory kills *every* other process in its PID
namespace, waits until they are gone, deletes the kernel's folder and the System V IPC
objects it created, and answers the launcher with the exit code. The next notebook's
kernel therefore starts from the factory's clean state: nothing of the previous
learner's code survives.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import pkgutil
import resource
import selectors
import shutil
import signal
import socket
import sys
import threading
import time
from pathlib import Path

RLIMITS = {"as": resource.RLIMIT_AS, "nproc": resource.RLIMIT_NPROC,
           "fsize": resource.RLIMIT_FSIZE, "core": resource.RLIMIT_CORE}  # prlimit's names
PRELOAD = (
    "numpy",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # imports debugpy: 0.15 s per kernel otherwise
)
PRELOAD_PACKAGES = ("dlnotes", "graders.checks")  # with every submodule
_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38


def preload() -> None:
    """Import what every grading kernel needs, once, before any fork."""
    for name in PRELOAD:
        importlib.import_module(name)
    for name in PRELOAD_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            importlib.import_module(module.name)


def main(folder: str) -> None:
    preload()
    if threading.active_count() != 1 or len(os.listdir("/proc/self/task")) != 1:
        raise SystemExit("kernel factory: a thread started while preloading; forking is unsafe")
    address = os.path.join(folder, "factory.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    os.chmod(address, 0o600)
    server.listen(1)
    Path(folder, "ready").write_text(str(os.getpid()))
    while True:
        connection, _ = server.accept()
        with connection:
            serve(connection, server)


def serve(connection: socket.socket, server: socket.socket) -> None:
    """Fork one kernel for the request on ``connection``; clean up after it."""
    message, fds, _, _ = socket.recv_fds(connection, 65536, 3)
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        return
    request = json.loads(message)
    pid = os.fork()
    if pid == 0:
        try:
            become_kernel(request, fds, [connection, server])
        finally:
            os._exit(1)
    for fd in fds:
        os.close(fd)
    code = _wait(pid, connection)
    kill_all_but_me()
    remove_leftovers(request["home"], int(request["uid"]))
    if code is not None:
        try:
            connection.sendall(json.dumps({"exit": code}).encode() + b"\n")
        except OSError:
            pass


def _wait(pid: int, connection: socket.socket) -> int | None:
    """The kernel's exit code, or None if the launcher hung up first."""
    pidfd = os.pidfd_open(pid)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(pidfd, selectors.EVENT_READ)
            selector.register(connection, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj == pidfd:
                        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) % 256
                    if not connection.recv(1024):  # closed: nobody waits for this kernel
                        return None
    finally:
        os.close(pidfd)


def kill_all_but_me(timeout: float = 5.0) -> None:
    """SIGKILL every process of the namespace except bwrap's init and this one; reap."""
    me = os.getpid()
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while True:  # reap our own children (the kernel, if the launcher hung up)
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not others or time.monotonic() > deadline:
            return
        time.sleep(0.005)


def become(uid: int) -> None:
    """Switch this (root) process to ``uid``, which drops every capability."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def remove_leftovers(folder: str, uid: int) -> None:
    """Delete what a finished kernel left: its folder's contents and the System V shared
    memory, semaphores and message queues it created, as its own uid; then its folder."""
    pid = os.fork()
    if pid == 0:
        try:
            become(uid)
            for entry in os.scandir(folder):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
            remove_ipc_objects()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    with contextlib.suppress(OSError):  # empty now; the factory owns the folder above it
        os.rmdir(folder)


def remove_ipc_objects() -> None:
    """``IPC_RMID`` every System V object of this IPC namespace that this uid may remove."""
    libc = ctypes.CDLL(None, use_errno=True)
    ipc_rmid = 0
    remove = {"shm": lambda i: libc.shmctl(i, ipc_rmid, None),
              "sem": lambda i: libc.semctl(i, 0, ipc_rmid),
              "msg": lambda i: libc.msgctl(i, ipc_rmid, None)}
    for kind, rmid in remove.items():
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]:
                rmid(int(line.split()[1]))  # fails, harmlessly, on others' objects


def become_kernel(request: dict, fds: list[int], sockets: list[socket.socket]) -> None:
    """In the forked child: drop to the request's uid and run ipykernel."""
    for sock in sockets:
        sock.close()
    os.setsid()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    for name, value in request["limits"].items():  # graders.trusted.kernel.LIMITS
        resource.setrlimit(RLIMITS[name], (value, value))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    become(int(request["uid"]))
    libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # traceable by its own uid only, as usual
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.modules["numpy"].random.seed()  # (the random module reseeds itself after a fork)
    sys.argv = [sys.argv[0], "-f", request["connection_file"]]
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
