"""The zygote: a warm process in the sandbox that forks one child per submission.

Run inside the sandbox as ``python -I zygote.py VIEWS JOBS [--weak]`` (see
:mod:`graders.trusted.sandbox`). It imports numpy and the child once, then serves one
request at a time on its standard streams. A request is a JSON header line
``{"id", "uid", "chapter", "budget", "step_limit", "n_json", "n_npz"}`` followed by the
plan's bytes (:func:`graders.trusted.wire.dumps`). For each request it

- makes the job folder ``JOBS/<id>`` (owned by the fresh ``uid`` when there is one);
- forks the child, which starts a session, becomes ``uid`` (losing every capability),
  sets ``no_new_privs`` and its resource limits, and runs :func:`graders.trusted.child.run`
  in the job folder, with the view of dlnotes for the chapter;
- watches the child's progress pipe: a step that runs longer than ``step_limit`` seconds,
  or a run longer than ``budget``, ends the child;
- kills every other process in the sandbox (or, in the weak mode, the child's session),
  deletes the job folder as the child's own uid, and answers with a JSON header line
  ``{"id", "ended", "status", "steps", "seconds", "cpu", "frames": [[n_json, n_npz], ...]}``
  (``cpu``: the CPU seconds of the child and of serving it)
  followed by the bytes of each step's data the child sent (also when it did not
  finish). ``ended`` is ``"finished"`` (the child got to its end), ``"exited"`` (it ended
  before), ``"step_limit"`` or ``"time_limit"``.

Nothing the child sends is interpreted here beyond framing; the parent trusts none of it.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import resource
import select
import shutil
import signal
import sys
import time

import numpy as np

ENGINE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ENGINE)

from graders.trusted import child, wire  # noqa: E402

MEMORY_BYTES = 640 * 1024**2
FILE_BYTES = 16 * 1024**2
MAX_PROCESSES = 64
MAX_REPORT = wire.MAX_MESSAGE_BYTES
_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38
_ID = re.compile(r"[0-9a-f]{8,64}")
_libc = ctypes.CDLL(None, use_errno=True)


def _read_exact(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def _limits(budget: float) -> None:
    cpu = int(budget) + 2
    for limit, value in ((resource.RLIMIT_AS, MEMORY_BYTES), (resource.RLIMIT_CPU, cpu),
                         (resource.RLIMIT_NPROC, MAX_PROCESSES),
                         (resource.RLIMIT_FSIZE, FILE_BYTES), (resource.RLIMIT_NOFILE, 256),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def _become(uid: int | None) -> None:
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def _child(request: dict, job: str, views: str, plan: tuple[bytes, bytes], pipe: int) -> None:
    """In the forked child: limits, identity, then the run. Never returns."""
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.dup2(pipe, 3)
        os.closerange(4, 65536)
        _become(request["uid"])
        _limits(float(request["budget"]))
        os.chdir(job)
        os.environ.update(HOME=job, TMPDIR=job)
        np.random.seed(int.from_bytes(os.urandom(4), "little"))  # a fork copies the state
        out = os.fdopen(3, "wb", buffering=0)
        decoded = wire.loads(*plan, named=True)
        child.isolate_imports(os.path.join(views, request["chapter"]))

        def finished(data: dict) -> None:
            tree, npz = wire.dumps(data)
            out.write(f"D {len(tree)} {len(npz)}\n".encode() + tree + npz)

        child.run(decoded, lambda step: out.write(f"S {step}\n".encode()), finished)
        child.only_main_process()
        out.write(b"E\n")
    except BaseException:  # noqa: BLE001 - the parent sees a run without a report
        pass
    os._exit(0)


class _Progress:
    """What the child said on its pipe: the steps it started, each step's data, the end."""

    def __init__(self):
        self.buffer = bytearray()
        self.steps: list[str] = []
        self.frames: list[tuple[int, int]] = []
        self.data = bytearray()
        self.complete = False
        self.garbage = False
        self.expect: tuple[int, int] | None = None  # a data frame being received

    def feed(self, data: bytes) -> bool:
        """Take more bytes; True when they started a new step."""
        self.buffer += data
        started = False
        while not self.complete and not self.garbage:
            if self.expect is not None:
                size = sum(self.expect)
                if len(self.buffer) < size:
                    break
                self.frames.append(self.expect)
                self.data += self.buffer[:size]
                del self.buffer[:size]
                self.expect = None
                continue
            if b"\n" not in self.buffer:
                break
            line, _, rest = bytes(self.buffer).partition(b"\n")
            self.buffer = bytearray(rest)
            if line.startswith(b"S "):
                self.steps = (self.steps + [line[2:200].decode(errors="replace")])[-8:]
                started = True
            elif re.fullmatch(rb"D \d{1,9} \d{1,9}", line):
                self.expect = tuple(map(int, line[2:].split()))
            elif line == b"E":
                self.complete = True
        if len(self.data) + len(self.buffer) > MAX_REPORT:
            self.garbage = True
        return started


def _supervise(pid: int, fd: int, budget: float, step_limit: float) -> tuple[str, _Progress]:
    progress = _Progress()
    start = step_start = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= start + budget:
            return "time_limit", progress
        if now >= step_start + step_limit:
            return "step_limit", progress
        wait = min(start + budget, step_start + step_limit) - now
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        data = os.read(fd, 1 << 20)
        if not data:
            return "exited", progress
        if progress.feed(data):
            step_start = time.monotonic()
        if progress.garbage:
            return "exited", progress
        if progress.complete:
            return "finished", progress


def _end_everything(pid: int, weak: bool) -> tuple[str, float]:
    """Kill the child and all it started; its wait status as words, and its CPU seconds."""
    if weak:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        os.kill(-1, signal.SIGKILL)  # every process of the sandbox but this one and init
    _, status, usage = os.wait4(pid, 0)
    while True:  # anything else that was ours
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    cpu = usage.ru_utime + usage.ru_stime
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}", cpu
    return f"exit {os.WEXITSTATUS(status)}", cpu


SHARED = ("/tmp", "/dev/shm")  # the sandbox's other writable folders


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _remove(job: str, uid: int | None) -> None:
    """Delete the job folder, and what the child left in the shared folders, as the
    child's own uid (never walked with privileges)."""
    pid = os.fork()
    if pid == 0:
        try:
            _become(uid)
            shutil.rmtree(job, ignore_errors=True)
            for folder in SHARED if os.path.realpath(job).startswith("/jobs/") else ():
                for entry in os.scandir(folder):
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        try:
                            os.unlink(entry.path)
                        except OSError:
                            pass
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    try:
        os.rmdir(job)
    except OSError:
        pass


def serve(request: dict, plan: tuple[bytes, bytes], views: str, jobs: str,
          weak: bool) -> tuple[dict, bytes]:
    if not _ID.fullmatch(str(request["id"])):
        raise ValueError("bad job id")
    job = os.path.join(jobs, request["id"])
    os.mkdir(job, 0o700)
    if request["uid"] is not None:
        os.chown(job, request["uid"], request["uid"])
    read, write = os.pipe()
    start, own = time.monotonic(), _own_cpu()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(request, job, views, plan, write)
    os.close(write)
    try:
        ended, progress = _supervise(pid, read, float(request["budget"]),
                                     float(request["step_limit"]))
    finally:
        os.close(read)
        status, cpu = _end_everything(pid, weak)
        _remove(job, request["uid"])
    header = {"id": request["id"], "ended": ended, "status": status, "steps": progress.steps,
              "seconds": time.monotonic() - start, "cpu": cpu + _own_cpu() - own,
              "frames": progress.frames}
    return header, bytes(progress.data)


def main() -> None:
    views, jobs = sys.argv[1], sys.argv[2]
    weak = "--weak" in sys.argv[3:]
    _libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)  # a child of the same uid cannot trace us
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    while True:
        line = inp.readline(1 << 16)
        if not line:
            break
        request = json.loads(line)
        plan = (_read_exact(inp, int(request["n_json"])), _read_exact(inp, int(request["n_npz"])))
        header, report = serve(request, plan, views, jobs, weak)
        out.write(json.dumps(header).encode() + b"\n" + report)
        out.flush()


if __name__ == "__main__":
    main()
