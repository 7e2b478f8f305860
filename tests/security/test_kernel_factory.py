"""Warm grading kernels (graders.trusted.warm): forked kernels share nothing but the imports.

Real factories in real bwrap sandboxes; real ipykernels started through the grading
kernelspec by jupyter_client, as nbgrader starts them. Each test runs kernels one after
the other on one factory and checks that a kernel's leftovers (processes, files, random
state) never reach the next one, and that a kernel cannot reach the factory.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from graders.trusted import warm
from graders.trusted.kernel import KERNEL_NAME, nbgrader_arguments

pytestmark = pytest.mark.skipif(not warm.available(), reason="needs root and bwrap")


@contextmanager
def kernel(cwd: Path):
    """A grading kernel as nbgrader starts it (graded, so NBGRADER_EXECUTION is set)."""
    with nbgrader_arguments() as args:
        ip = next(a.split("=", 1)[1] for a in args if a.startswith("--KernelManager.ip="))
        manager = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=ip)
        manager.start_kernel(cwd=str(cwd), env={**os.environ, "NBGRADER_EXECUTION": "autograde"})
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            yield manager, client
        finally:
            client.stop_channels()
            if manager.has_kernel:
                manager.shutdown_kernel(now=False)


def run(client, code: str) -> str:
    """Execute ``code``; its stdout (errors raise)."""
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    client.execute_interactive(code, timeout=60, output_hook=hook)
    return "".join(out)


FACTS = """
import json, os, random, numpy as np
print(json.dumps({"uid": os.getuid(), "cwd": os.getcwd(), "files": sorted(os.listdir(".")),
                  "grading": os.environ.get("NBGRADER_EXECUTION"), "home": os.environ["HOME"],
                  "random": random.random(), "np": float(np.random.rand()),
                  "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
                  "imported": "graders.checks.deep" in __import__("sys").modules,
                  "ipc": [len(open(f"/proc/sysvipc/{kind}").readlines()) - 1
                          for kind in ("shm", "msg", "sem")],
                  "caps": [line.split()[1] for line in open("/proc/self/status")
                           if line.startswith(("CapPrm", "CapEff", "CapAmb"))]}))
"""

LEAVE_BEHIND = """
import ctypes, os, subprocess
subprocess.Popen(["sleep", "{marker}"], start_new_session=True)
libc = ctypes.CDLL(None)
assert libc.shmget(0x5EC, 4096, 0o1666) >= 0  # System V shared memory, readable by all
assert libc.msgget(0x5ED, 0o1666) >= 0 and libc.semget(0x5EE, 1, 0o1666) >= 0
open("left-behind.txt", "w").write("secret")
open(os.path.join(os.environ["HOME"], "left-in-home.txt"), "w").write("secret")
print(os.getcwd())
"""


def facts(client) -> dict:
    return json.loads(run(client, FACTS))


def test_consecutive_kernels_share_nothing(tmp_path, marker):
    notebook_dir = tmp_path / "autograded" / "ada" / "02_logistic"
    notebook_dir.mkdir(parents=True)
    (notebook_dir / "02_logistic.ipynb").write_text("{}")
    with warm.warm_kernels(1) as root:
        assert root is not None
        with kernel(notebook_dir) as (_, first):
            one = facts(first)
            first_cwd = run(first, LEAVE_BEHIND.format(marker=marker)).strip()
        first_gone = not Path(first_cwd).parent.exists()  # its folder: files, HOME, sockets
        with kernel(notebook_dir) as (_, second):
            two = facts(second)
            peek = run(second, f"import os\nprint(os.path.exists({first_cwd!r}))")
            factory_pid = int((root / "factory0" / "ready").read_text())
            factory_caps = _capabilities(str(root / "factory0"))
            reach = run(second, REACH_FACTORY.format(sock=str(root / "factory0" / "factory.sock"),
                                                     pid=factory_pid))
    for seen in (one, two):
        assert seen["grading"] == "autograde"  # as in a cold grading kernel
        assert seen["imported"]  # warm: the checks were imported by the factory
        assert seen["files"] == ["02_logistic.ipynb"]  # a copy of the notebook's folder
        assert Path(seen["cwd"]).is_relative_to(root / "kernels")
        assert seen["uid"] >= 1_000_000  # a fresh unprivileged uid, never root
        assert seen["caps"] == ["0000000000000000"] * 3  # and no capability at all
    assert one["uid"] != two["uid"]
    assert one["home"] != two["home"]
    assert one["random"] != two["random"] and one["np"] != two["np"]  # reseeded after fork
    # the first kernel's processes are gone: only bwrap's init, the factory and the kernel
    assert len(two["pids"]) == 3, two["pids"]
    assert first_gone and peek.strip() == "False"
    assert one["ipc"] == two["ipc"] == [0, 0, 0]  # the first one's IPC objects are gone
    assert reach.split() == ["PermissionError", "PermissionError"]
    # only CAP_KILL (1 << 5), CAP_SETGID (1 << 6) and CAP_SETUID (1 << 7)
    assert factory_caps == {"CapEff": 0xE0, "CapPrm": 0xE0}
    assert _processes(marker) == []
    assert sorted(os.listdir(notebook_dir)) == ["02_logistic.ipynb"]  # nothing written back


REACH_FACTORY = """
import os, socket
try:
    socket.socket(socket.AF_UNIX).connect({sock!r})
    print("connected")
except OSError as error:
    print(type(error).__name__)
try:
    os.kill({pid}, 0)
    print("can signal")
except OSError as error:
    print(type(error).__name__)
"""


def test_a_killed_or_crashed_kernel_leaves_the_factory_serving(tmp_path, marker):
    with warm.warm_kernels(1) as root:
        with kernel(tmp_path) as (manager, client):
            home = Path(facts(client)["home"])
            run(client, LEAVE_BEHIND.format(marker=marker))
            manager.shutdown_kernel(now=True)  # SIGKILL to the launcher, as a time limit does
            _wait_for(lambda: _processes(marker) == [] and not home.exists())
        with kernel(tmp_path) as (manager, client):
            client.execute("import os; os._exit(3)")  # the learner's code ends the kernel
            _wait_for(lambda: not manager.is_alive())
        with kernel(tmp_path) as (_, client):
            assert facts(client)["imported"]
        log = (root / "factory0" / "log").read_text()
    assert "Traceback" not in log, log


def test_a_busy_factory_means_a_cold_kernel(tmp_path):
    with warm.warm_kernels(1) as root:
        lock = os.open(root / "factory0" / "lock", os.O_RDWR | os.O_CREAT)
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker's kernel holds the only factory
        try:
            with kernel(tmp_path) as (_, client):
                cold = facts(client)
        finally:
            os.close(lock)
    assert not cold["imported"]  # a kernel of its own, which imported nothing yet
    assert cold["grading"] == "autograde" and cold["uid"] >= 1_000_000


def _capabilities(folder: str) -> dict[str, int]:
    """The effective and permitted capabilities of the factory serving ``folder``."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            cmdline = (status.parent / "cmdline").read_bytes().split(b"\0")
            lines = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except OSError:
            continue
        factory = [b"-m", b"graders.trusted.kernel_factory", folder.encode(), b""]
        if cmdline[1:] == factory and lines["Uid"].split()[0] == "0":
            return {key: int(lines[key], 16) for key in ("CapEff", "CapPrm")}
    raise AssertionError(f"no factory process for {folder}")


def _processes(marker: str) -> list[str]:
    out = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    return out.stdout.split()


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_factory_that_cannot_start_is_reported_and_grading_goes_on(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(warm, "FACTORY_MODULE", "graders.trusted.no_such_factory")
    with warm.warm_kernels(1), kernel(tmp_path) as (_, client):
        cold = facts(client)
    assert "a warm kernel factory did not start" in caplog.text
    assert "No module named graders.trusted.no_such_factory" in caplog.text
    assert not cold["imported"] and cold["grading"] == "autograde"
