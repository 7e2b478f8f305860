"""scripts/: which system packages each job installs, and quickstart's first steps.

The scripts run on copies of themselves, with the slow steps they call (the package
manager, the venv, the demo) replaced by stubs that log their arguments, except where a
test checks that a step is never reached.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from graders.paths import REPO_ROOT

NOBODY = 65534
AS_NOBODY = ["/usr/bin/setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
TEST_PACKAGES = "bubblewrap postgresql chromium chromium-driver redis-server"


def stub(path: Path, log: Path, name: str, body: str = "") -> None:
    """An executable that appends ``name ARGS`` to ``log`` and then runs ``body``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/bash\necho "{name} $*" >> {log}\n{body}\n')
    path.chmod(0o755)


@pytest.fixture
def public_dir():
    """A folder that uid 65534 can use (pytest's tmp_path is root's alone), theirs."""
    folder = Path(tempfile.mkdtemp(prefix="dlnotes-scripts-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def bin_without_bwrap(public_dir) -> Path:
    """Every system command but bwrap, as a PATH folder."""
    bin_dir = public_dir / "bin"
    bin_dir.mkdir()
    for folder in ("/usr/bin", "/usr/sbin"):
        for tool in Path(folder).iterdir():
            if tool.name != "bwrap" and not (bin_dir / tool.name).exists():
                (bin_dir / tool.name).symlink_to(tool)
    return bin_dir


def repo_copy(dest: Path, owner: int, *, stubs: bool) -> Path:
    """scripts/ and graders/errors.py in ``dest/repo``, owned by ``owner``; with ``stubs``
    the package installer, the venv set-up and the demo only log to ``dest/repo/log``."""
    repo = dest / "repo"
    shutil.copytree(REPO_ROOT / "scripts", repo / "scripts")
    (repo / "graders").mkdir()
    for name in ("__init__.py", "errors.py"):
        shutil.copy(REPO_ROOT / "graders" / name, repo / "graders")
    log = repo / "log"
    if stubs:
        stub(repo / "scripts" / "system-packages.sh", log, "system-packages")
        stub(repo / "scripts" / "setup-venv.sh", log, "setup-venv",
             f'mkdir -p .venv/bin && printf \'#!/bin/bash\\necho "dlcourse $*" >> {log}\\n\' '
             "> .venv/bin/dlcourse && chmod +x .venv/bin/dlcourse")
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, owner, owner)
    return repo


def run(argv: list[str], path: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": path, "HOME": "/tmp", **env})


def log_of(repo: Path) -> list[str]:
    log = repo / "log"
    return log.read_text().splitlines() if log.exists() else []


# --- system-packages.sh ----------------------------------------------------------------


@pytest.fixture
def fake_apt(tmp_path) -> Path:
    """A PATH folder whose dpkg knows no package and whose apt-get only logs."""
    stub(tmp_path / "bin" / "dpkg", tmp_path / "log", "dpkg", "exit 1")
    stub(tmp_path / "bin" / "apt-get", tmp_path / "log", "apt-get")
    return tmp_path / "bin"


@pytest.mark.parametrize(("job", "packages"), [
    ("main", "bubblewrap"), ("test", TEST_PACKAGES), (None, TEST_PACKAGES),
])
def test_system_packages_of_each_job(job, packages, fake_apt, tmp_path):
    argv = ["/bin/bash", str(REPO_ROOT / "scripts" / "system-packages.sh"), *filter(None, [job])]
    done = run(argv, f"{fake_apt}:/usr/bin:/bin")
    assert done.returncode == 0, done.stderr
    apt = [line for line in (tmp_path / "log").read_text().splitlines() if line.startswith("apt")]
    assert apt == ["apt-get update -qq", f"apt-get install -y -qq {packages}"]


def test_system_packages_without_apt_get(tmp_path):
    stub(tmp_path / "bin" / "dpkg", tmp_path / "log", "dpkg", "exit 1")
    done = run(["/bin/bash", str(REPO_ROOT / "scripts" / "system-packages.sh"), "main"],
               str(tmp_path / "bin"))
    assert done.returncode == 2
    assert done.stderr == ("system-packages.sh: no apt-get here; install bubblewrap with this "
                           "system's package manager\n")


def test_system_packages_unknown_job():
    done = run(["/bin/bash", str(REPO_ROOT / "scripts" / "system-packages.sh"), "all"],
               "/usr/bin:/bin")
    assert done.returncode == 2 and "usage:" in done.stderr


# --- quickstart.sh ---------------------------------------------------------------------


def test_quickstart_without_root_and_without_bwrap_stops_before_the_venv(
        public_dir, bin_without_bwrap):
    repo = repo_copy(public_dir, NOBODY, stubs=False)
    done = run([*AS_NOBODY, "/bin/bash", str(repo / "scripts" / "quickstart.sh")],
               str(bin_without_bwrap))
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("quickstart.sh: grading other people's code needs the "
                               "bubblewrap sandbox, and bwrap is not installed")
    assert "`sudo apt-get install bubblewrap`" in lines[0]
    assert "DLCOURSE_ALLOW_WEAK_SANDBOX=1" in lines[0]
    assert not (repo / ".venv").exists()
    assert os.stat(repo).st_uid == NOBODY  # it could have made one there


def test_quickstart_without_root_opting_in_to_the_weak_sandbox(public_dir, bin_without_bwrap):
    repo = repo_copy(public_dir, NOBODY, stubs=True)
    done = run([*AS_NOBODY, "/bin/bash", str(repo / "scripts" / "quickstart.sh")],
               str(bin_without_bwrap), DLCOURSE_ALLOW_WEAK_SANDBOX="1")
    assert done.returncode == 0, done.stderr
    assert log_of(repo) == ["setup-venv ", "dlcourse demo dlcourse-demo"]


def test_quickstart_as_root_installs_the_main_packages_first(public_dir, bin_without_bwrap):
    assert os.geteuid() == 0, "this test is about running as root"
    repo = repo_copy(public_dir, 0, stubs=True)
    done = run(["/bin/bash", str(repo / "scripts" / "quickstart.sh"), "demo-here"],
               str(bin_without_bwrap))
    assert done.returncode == 0, done.stderr
    assert log_of(repo) == ["system-packages main", "setup-venv ", "dlcourse demo demo-here"]
