"""The sandbox: a bwrap jail around a warm :mod:`~graders.trusted.zygote`, seen from the host.

:class:`Zygote` starts ``python -I zygote.py`` inside ``bwrap --die-with-parent
--clearenv --new-session``, which shows it only

- ``/usr`` and the Python installation and venv, read-only (any copy of dlnotes or graders
  that a non-editable install put there is hidden);
- ``/engine``: the child's own four modules (:mod:`~graders.trusted.overlay`), read-only;
- ``/views/<chapter>``: what each chapter may import of dlnotes, read-only;
- ``/data``: the course's datasets, read-only;
- ``/jobs``, ``/tmp`` and ``/dev/shm``: small private tmpfs folders; a private ``/proc``
  (its own PID namespace), a minimal ``/dev``, no network.

No course directory, gradebook, source notebook, submission folder, check or reference is
there. When the host runs as root, the zygote stays root in the jail with only the
capabilities to change user, to chown a job folder and to kill; each child becomes a
fresh unprivileged uid. Otherwise bwrap maps the caller to ``nobody`` in a user namespace
and the children share that uid (they still cannot trace the zygote: it is not dumpable).

With ``weak=True`` (only when explicitly allowed) the zygote runs without bwrap: same
limits and cleared environment, but it can read any file the grader can.
"""

from __future__ import annotations

import functools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from graders.errors import SandboxUnavailableError
from graders.paths import DATA_DIR

ZYGOTE = "graders/trusted/zygote.py"
UID_RANGE = (1_000_000, 2_000_000)  # fresh uids for children when the host is root
JOBS_BYTES = 96 * 1024**2  # every file a child writes, together
ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "NBGRADER_EXECUTION": "autograde",  # as under nbgrader: the demonstrations run short
}
WEAK_ENV = "DLCOURSE_ALLOW_WEAK_SANDBOX"  # set (not "0") to grade without bwrap
MAX_HEADER = 1 << 16
SLACK = 10.0  # seconds the host waits beyond a run's budget before it gives the zygote up

__all__ = ["SandboxUnavailableError", "Zygote", "bwrap_problem", "RunReport"]


@dataclass
class RunReport:
    """How one run of the child ended, as the zygote tells it (untrusted but framed).

    ``ended``: ``finished``, ``exited``, ``step_limit``, ``time_limit``, or ``lost`` (the
    zygote itself died or hung, and was restarted). ``steps``: the last steps the child
    started. ``frames``: each finished step's data as ``(json, npz)`` bytes.
    """

    ended: str
    status: str = ""
    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0
    frames: list[tuple[bytes, bytes]] = field(default_factory=list)
    cpu: float = 0.0  # the child's CPU seconds


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


def zygote_command(engine: Path, views: Path) -> list[str]:
    """The bwrap command line that runs the zygote in the sandbox (see the module doc)."""
    roots = _python_roots()
    args = ["bwrap", "--die-with-parent", "--clearenv", "--new-session"]
    if os.geteuid() != 0:  # unprivileged: a user namespace, mapped to nobody
        args += ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
    else:  # root: no user namespace, so the children's uid switch is real
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL"]
        for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_CHOWN"):
            args += ["--cap-add", cap]
    args += ["--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
             "--proc", "/proc", "--dev", "/dev"]
    for folder, size in (("/jobs", JOBS_BYTES), ("/tmp", 16 * 1024**2),
                         ("/dev/shm", 1024**2)):  # first: a venv under /tmp is bound over it
        args += ["--size", str(size), "--perms", "0755" if folder == "/jobs" else "1777",
                 "--tmpfs", folder]
    for root in roots:
        args += _parents_with_perms(root) + ["--ro-bind", root, root]
    args += _hidden_installs(roots)
    args += ["--ro-bind", str(engine), "/engine", "--ro-bind", str(views), "/views",
             "--ro-bind-try", str(DATA_DIR), "/data"]
    args += ["--chdir", "/jobs"]
    for key, value in {**ENV, "HOME": "/jobs", "DLNOTES_DATA": "/data"}.items():
        args += ["--setenv", key, value]
    return args + ["--", sys.executable, "-I", f"/engine/{ZYGOTE}", "/views", "/jobs"]


def weak_sandbox_allowed() -> bool:
    """Whether the instructor allowed grading without bwrap (``$DLCOURSE_ALLOW_WEAK_SANDBOX``)."""
    return os.environ.get(WEAK_ENV, "") not in ("", "0")


@functools.lru_cache(maxsize=1)
def bwrap_problem() -> str | None:
    """None when bwrap works here, else why not (checked once per process)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
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
        detail = probe.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["?"]
        return f"bwrap cannot create a sandbox here ({detail[0][:200]})"
    return None


class Zygote:
    """One warm sandboxed process that runs submissions one at a time (see module doc).

    ``run`` never raises for anything a submission does: a zygote that dies or hangs is
    killed and started again, and that run is reported as ``lost``.
    """

    def __init__(self, engine: Path, views: Path, *, weak: bool = False):
        self.engine, self.views, self.weak = engine, views, weak
        self.process: subprocess.Popen | None = None
        self.scratch: tempfile.TemporaryDirectory | None = None

    def _start(self) -> None:
        if self.weak:
            self.scratch = tempfile.TemporaryDirectory(prefix="dlnotes-weak-jobs-")
            env = {**ENV, "HOME": self.scratch.name, "DLNOTES_DATA": str(DATA_DIR)}
            command = [sys.executable, "-I", str(self.engine / ZYGOTE), str(self.views),
                       self.scratch.name, "--weak"]
        else:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
            command = zygote_command(self.engine, self.views)
        self._buffer = bytearray()
        with tempfile.TemporaryFile() as errors:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=errors, env=env,
                                            bufsize=0, start_new_session=True)
            header = self._read_header(30.0)
            if header != {"ready": True}:
                self.close()
                errors.seek(0)
                said = errors.read()[-2000:].decode(errors="replace").strip().splitlines()
                raise SandboxUnavailableError(
                    "the grading sandbox did not start"
                    + (f" ({said[-1][:200]})" if said else "")
                    + "; check that bubblewrap works here (`bwrap --version`) and that this "
                      "Python and its packages are readable by other users")

    def _fill(self, deadline: float) -> bool:
        fd = self.process.stdout.fileno()
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return False
        chunk = os.read(fd, 1 << 20)
        self._buffer += chunk
        return bool(chunk)

    def _read_header(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_HEADER or not self._fill(deadline):
                return None
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _read_exact(self, size: int, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        while len(self._buffer) < size:
            if not self._fill(deadline):
                return None
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def run(self, job_id: str, uid: int | None, chapter: str, plan: tuple[bytes, bytes], *,
            budget: float, step_limit: float) -> RunReport:
        """Run one plan in a fresh child; see :class:`RunReport`."""
        if self.process is None or self.process.poll() is not None:
            self._start()
        request = {"id": job_id, "uid": uid, "chapter": chapter, "budget": budget,
                   "step_limit": step_limit, "n_json": len(plan[0]), "n_npz": len(plan[1])}
        try:
            data = memoryview(json.dumps(request).encode() + b"\n" + plan[0] + plan[1])
            while data:
                data = data[self.process.stdin.write(data):]
        except OSError:
            return self._lost("the grading sandbox stopped before the run")
        header = self._read_header(budget + SLACK)
        if not header or header.get("id") != job_id:
            return self._lost("the grading sandbox stopped answering")
        try:
            sizes = [(int(a), int(b)) for a, b in header.get("frames", [])]
        except (TypeError, ValueError):
            return self._lost("the grading sandbox sent a malformed report")
        body = self._read_exact(sum(a + b for a, b in sizes), SLACK)
        if body is None or any(a < 0 or b < 0 for a, b in sizes):
            return self._lost("the grading sandbox sent a truncated report")
        frames, at = [], 0
        for a, b in sizes:
            frames.append((body[at:at + a], body[at + a:at + a + b]))
            at += a + b
        steps = header.get("steps") if isinstance(header.get("steps"), list) else []
        return RunReport(str(header.get("ended")), str(header.get("status", ""))[:40],
                         [str(s)[:200] for s in steps], float(header.get("seconds", 0.0)),
                         frames, float(header.get("cpu", 0.0)))

    def _lost(self, why: str) -> RunReport:
        self.close()
        return RunReport("lost", why)

    def close(self) -> None:
        """End the zygote: asked to (its input closes), then killed if it does not."""
        if self.process is not None:
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                self.process.wait(timeout=2.0)  # waited for: its CPU time is accounted
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None
