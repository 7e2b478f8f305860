"""Running the child: bwrap, resource limits, a wall-clock limit, and nothing left behind.

The child runs as ``python -I`` (no environment variables, no user site, no script
folder on ``sys.path``) inside ``bwrap --unshare-all --die-with-parent --clearenv
--new-session``, which shows it only

- ``/usr`` and the Python installation and venv, read-only;
- the course tree of :mod:`graders.trusted.overlay` and the repository's ``data/``,
  read-only;
- its job folder, the only writable path (also its working directory and ``$HOME``);
- a private ``/proc`` (own PID namespace) and a minimal ``/dev``; no network.

``prlimit`` bounds CPU seconds, address space, open files, file size and processes.
When the parent runs as root, the child switches (``setpriv``) to a fresh unprivileged
uid, so the process limit counts only this child's processes; otherwise bwrap maps the
caller to ``nobody`` in a user namespace. Whatever happens, the parent kills the whole
process group and, through ``--die-with-parent`` and the PID namespace, everything the
child started.

With ``weak=True`` (only when the instructor allows it), the child runs without bwrap:
same limits, empty working directory, cleared environment, but it can read any file the
grader can.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graders.paths import DATA_DIR

CHILD = "graders/trusted/child.py"
MEMORY_BYTES = 512 * 1024**2  # numpy and the cases need < 200 MB
FILE_BYTES = 16 * 1024**2
MAX_PROCESSES = 64
UID_RANGE = (1_000_000, 2_000_000)  # fresh uids for children when the parent is root
ENV = {
    "HOME": "/job",
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}


class SandboxUnavailableError(RuntimeError):
    """bwrap cannot run here, and the weak mode was not allowed."""


@dataclass(frozen=True)
class ChildRun:
    """How one child run ended (its output files are in the job folder)."""

    returncode: int | None
    timed_out: bool
    seconds: float
    stderr_tail: str


def _python_roots() -> list[str]:
    """The installation and venv folders the interpreter needs, outermost first."""
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    roots.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    roots.add(sys.prefix)  # the venv itself, unresolved: the path its scripts use
    return sorted(r for r in roots if not r.startswith("/usr"))


def _parents_with_perms(path: str) -> list[str]:
    """``--perms 0755 --dir`` for each parent of ``path`` (bwrap makes them 0700)."""
    args: list[str] = []
    parts = Path(path).parts[1:-1]
    for i in range(len(parts)):
        args += ["--perms", "0755", "--dir", "/" + "/".join(parts[: i + 1])]
    return args


def _hidden_installs(roots: list[str]) -> list[str]:
    """Empty the copies of dlnotes/graders a non-editable install put into the venv."""
    args: list[str] = []
    import dlnotes
    import graders

    for package in (dlnotes, graders):
        for folder in map(os.path.realpath, package.__path__):
            if any(folder.startswith(root + os.sep) for root in roots):
                args += ["--tmpfs", folder, "--remount-ro", folder]
    return args


@contextmanager
def environment(key: str, value: str) -> Iterator[None]:
    """``os.environ[key] = value`` for the block (what child processes inherit)."""
    previous = os.environ.get(key)
    os.environ[key] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = previous


def setpriv(uid: int) -> list[str]:
    """Become ``uid`` with no capabilities at all (used inside bwrap, as root)."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--bounding-set=-all", "--inh-caps=-all"]


def bwrap_command(course: Path, job: Path, uid: int | None, *, program: list[str] | None = None,
                  job_at: str = "/job", env: dict[str, str] | None = None,
                  writable: tuple[str, ...] = (), cwd: str | None = None,
                  switch_user: bool = True) -> list[str]:
    """The bwrap command line running ``program`` (default: the child) in the sandbox.

    ``course`` is bound read-only at ``/course`` (with the repository's data at
    ``/course/data``), ``job`` read-write at ``job_at``, and each of ``writable``
    read-write at its own path; ``cwd`` (default ``job_at``) is the working directory.
    With ``switch_user=False`` (and a ``uid``), the program stays root inside the sandbox
    with only the capabilities to change user and to kill (the kernel factory's case).
    """
    roots = _python_roots()
    args = ["bwrap", "--die-with-parent", "--clearenv", "--new-session"]
    if uid is None:  # unprivileged: a user namespace, mapped to nobody
        args += ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
    else:  # root: no user namespace, so the uid switch below is real
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try"]
        # bwrap keeps all of root's capabilities unless told otherwise; setpriv (below)
        # drops them all; a program that stays root keeps only changing user and killing
        args += [] if switch_user else ["--cap-drop", "ALL", "--cap-add", "CAP_KILL"]
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    args += ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
             "--proc", "/proc", "--dev", "/dev"]
    for root in roots:
        args += _parents_with_perms(root) + ["--ro-bind", root, root]
    args += _hidden_installs(roots)
    args += ["--ro-bind", str(course), "/course", "--ro-bind-try", str(DATA_DIR), "/course/data"]
    for path in (job_at, *writable):
        args += _parents_with_perms(path)
    args += ["--bind", str(job), job_at]
    for path in writable:
        args += ["--bind", path, path]
    args += ["--chdir", cwd or job_at]
    for key, value in (env or ENV).items():
        args += ["--setenv", key, value]
    program = program or [sys.executable, "-I", f"/course/{CHILD}", "/job"]
    return args + ["--", *(setpriv(uid) if uid is not None and switch_user else []), *program]


def limits(time_limit: float) -> list[str]:
    """``prlimit`` arguments: CPU seconds, memory, processes, file size, open files."""
    cpu = max(1, int(time_limit + 0.999))
    return ["prlimit", f"--cpu={cpu}", f"--as={MEMORY_BYTES}", f"--nproc={MAX_PROCESSES}",
            f"--fsize={FILE_BYTES}", "--nofile=256", "--core=0", "--"]


@functools.lru_cache(maxsize=1)
def bwrap_problem() -> str | None:
    """None when bwrap works here, else why not (checked once per process)."""
    if shutil.which("bwrap") is None:
        return "bwrap is not installed (Debian package bubblewrap)"
    try:
        probe = subprocess.run(
            ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
             "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--", "/usr/bin/true"],
            capture_output=True, timeout=10, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap cannot start: {error}"
    if probe.returncode != 0:
        return f"bwrap cannot create a sandbox here: {probe.stderr.decode(errors='replace')[:300]}"
    return None


def prepare_job(job: Path, weak: bool) -> int | None:
    """Make ``job`` writable by the child; return the uid the child will run as."""
    if weak or os.geteuid() != 0:
        return None
    uid = UID_RANGE[0] + secrets.randbelow(UID_RANGE[1] - UID_RANGE[0])
    os.chown(job, uid, uid)
    job.chmod(0o700)
    return uid


def run_child(course: Path, job: Path, uid: int | None, *, time_limit: float,
              weak: bool) -> ChildRun:
    """Run the child once on ``job``; kill it and everything it started when done."""
    if weak:
        command = [*limits(time_limit), sys.executable, "-I", str(course / CHILD), str(job)]
        env = {**ENV, "HOME": str(job), "DLNOTES_DATA": str(DATA_DIR)}
    else:
        command = [*limits(time_limit), *bwrap_command(course, job, uid)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    start = time.perf_counter()
    with open(job / "stdout", "wb") as out, open(job / "stderr", "wb") as err:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   cwd=job, env=env, start_new_session=True)
        try:
            returncode, timed_out = process.wait(timeout=time_limit), False
        except subprocess.TimeoutExpired:
            returncode, timed_out = None, True
        finally:
            kill_group(process)
            if uid is not None:  # the PID namespace is gone; make sure of it
                for pid in leftover_processes(uid):
                    _kill(pid)
    return ChildRun(returncode, timed_out, time.perf_counter() - start, _tail(job / "stderr"))


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process group that ``process`` leads, and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _tail(path: Path, size: int = 2000) -> str:
    try:
        with open(path, "rb") as file:
            file.seek(max(0, path.stat().st_size - size))
            return file.read().decode(errors="replace")
    except OSError:
        return ""


def leftover_processes(uid: int) -> list[int]:
    """Pids of live processes running as ``uid`` (for tests and for a last sweep)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids
