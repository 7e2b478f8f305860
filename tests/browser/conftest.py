"""A real ``dlcourse lab`` server and a real headless Chromium, started and stopped here.

Steps, their screenshots and timings: ``browser_steps``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
START_TIMEOUT = 300  # seconds: the workspace is released by nbgrader first


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str
    token: str
    workspace: Path
    runtime_dir: Path
    process: subprocess.Popen
    log: Path
    started_in: float

    def page_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?token={self.token}"

    def api(self, path: str, data: bytes | None = None) -> bytes:
        request = urllib.request.Request(f"{self.url}{path}", data=data,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.read()

    def wait_for_kernel(self, notebook: str, timeout: float = 300) -> None:
        """Wait until the notebook's kernel is idle with the page connected to it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for session in json.loads(self.api("/api/sessions")):
                kernel = session.get("kernel") or {}
                if (session.get("path") == notebook and kernel.get("connections", 0) > 0
                        and kernel.get("execution_state") == "idle"):
                    return
            time.sleep(0.25)
        raise TimeoutError(f"the kernel of {notebook} did not become ready in {timeout} s")


def _processes_mentioning(text: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(proc.name))
            except OSError:
                pass
    return pids


@pytest.fixture
def lab_server(tmp_path: Path):
    """``dlcourse lab`` on a free loopback port with a token, in a fresh workspace.

    Lab's user settings and its saved layouts live in ``tmp_path`` (notebook windowing
    off, so every cell is in the page for the test to find; no tab left open by another
    test's server is restored). Stopped with its process group at the end; the
    test fails if any kernel it started outlives it.
    """
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    runtime = tmp_path / "jupyter-runtime"
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"),
               JUPYTER_RUNTIME_DIR=str(runtime))
    log = tmp_path / "lab.log"
    workspace = tmp_path / "workspace"
    start = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "graders.cli", "lab", str(workspace), "--no-browser",
             "--ip", "127.0.0.1", "--port", str(port), "--token", token],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}", token, workspace, runtime, process, log, 0.0)
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"dlcourse lab exited with {process.returncode}:\n{log.read_text()}")
            if time.perf_counter() - start > START_TIMEOUT:
                pytest.fail(f"dlcourse lab did not answer in {START_TIMEOUT} s:\n"
                            f"{log.read_text()}")
            try:
                server.api("/api/status")
                break
            except OSError:
                time.sleep(0.25)
        server.started_in = time.perf_counter() - start
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(runtime)) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _processes_mentioning(str(runtime))
    assert not left, f"kernels left running after the server stopped: {left}"


@pytest.fixture
def browser_page(tmp_path: Path):
    """A page in a fresh headless Debian Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM,
            args=CHROMIUM_ARGS, headless=True, viewport={"width": 1400, "height": 900})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            context.close()
