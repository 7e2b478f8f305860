"""A sandboxed Jupyter kernel for nbgrader's own (kernel-side) run of a submission.

``dlcourse autograde`` still lets nbgrader execute the learner's notebook, to keep its test
cells' verdicts as information. That kernel runs learner code too, so it gets the same
kind of box as the trusted child (:mod:`graders.trusted.sandbox`): bwrap with no network
and its own PID namespace, read-only system and venv, a course tree *without* the
catalogue or the notebooks, and only the notebook's folder writable; prlimit on memory,
processes and file size. It cannot see the course directory, the gradebook or any other
submission, nor reach a database server.

The kernel talks to nbgrader over ZeroMQ *IPC* sockets (``KernelManager.transport=ipc``)
in a private folder bound into the sandbox, so it needs no network at all; interrupts are
sent as messages (``interrupt_mode``), since signals do not cross the PID namespace.

:func:`nbgrader_arguments` installs the kernelspec ``dlnotes-grading`` in the venv when
needed and returns the nbgrader command-line options that select it. The kernelspec runs
``python -m graders.trusted.kernel -f {connection_file}`` (:func:`main`): inside a
``graders.trusted.warm.warm_kernels`` block it has a kernel factory fork a ready kernel
(:mod:`graders.trusted.kernel_factory`), otherwise it execs bwrap for a cold one.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graders.trusted import sandbox, warm

KERNEL_NAME = "dlnotes-grading"
# nbgrader tells the notebook it is being graded (the course's demonstrations then run
# short); these pass into the sandbox, unlike the rest of the grading process's environment
PASSED_ON = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING")
OVERLAY_ENV = "DLNOTES_KERNEL_COURSE"  # the course tree a cold kernel mounts
# per-kernel limits: prlimit's option names (a cold kernel) = the factory's rlimits (a warm one)
LIMITS = {"as": 4 * 1024**3, "nproc": 256, "fsize": 64 * 1024**2, "core": 0}


def kernelspec() -> dict:
    return {
        "argv": [sys.executable, "-m", "graders.trusted.kernel", "-f", "{connection_file}"],
        "display_name": "Python 3 (dlnotes grading sandbox)",
        "language": "python",
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }


def install_kernelspec() -> Path:
    """Write the kernelspec into ``<venv>/share/jupyter/kernels/`` (if not already there)."""
    folder = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    spec = json.dumps(kernelspec(), indent=1)
    target = folder / "kernel.json"
    if not target.is_file() or target.read_text() != spec:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".kernel.json.{os.getpid()}"
        temporary.write_text(spec)
        temporary.replace(target)  # atomic: parallel workers may install at once
    return folder


@contextmanager
def nbgrader_arguments() -> Iterator[list[str]]:
    """nbgrader options that run the notebook in the sandboxed kernel, for one nbgrader run.

    The IPC sockets live in a fresh private folder: in the system temp folder, or where
    the kernel factories can reach it while ``warm_kernels`` runs; it is removed after
    the block. The kernel's read-only course tree is this process's (built once).
    """
    from graders.trusted.overlay import build_overlay  # numpy-free launcher: late

    install_kernelspec()
    if not _font_caches():  # build matplotlib's font list once, outside the sandbox
        import matplotlib.font_manager  # noqa: F401
    sockets = warm.kernel_folder() or tempfile.mkdtemp(prefix="dlnotes-kernel-")
    try:
        with sandbox.environment(OVERLAY_ENV, str(build_overlay(None))):
            yield [f"--Execute.kernel_name={KERNEL_NAME}", "--KernelManager.transport=ipc",
                   f"--KernelManager.ip={sockets}/kernel"]
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


def _kernel_folder(connection_file: str) -> tuple[str, int | None]:
    """The kernel's folder (its sockets'), now private to a fresh uid, with a copy of the
    connection file in it that the kernel's user can read; and that uid."""
    info = json.loads(Path(connection_file).read_text())
    if info.get("transport") != "ipc" or not os.path.isabs(info.get("ip", "")):
        raise SystemExit("the dlnotes grading kernel needs KernelManager.transport=ipc "
                         "and an absolute KernelManager.ip (see nbgrader_arguments)")
    sockets = os.path.dirname(info["ip"])
    private = Path(sockets) / "connection.json"
    shutil.copy(connection_file, private)
    uid = sandbox.prepare_job(Path(sockets), weak=False)
    if uid is not None:
        os.chown(private, uid, uid)
    return sockets, uid


def _passed_on() -> dict[str, str]:
    return {key: os.environ[key] for key in PASSED_ON if key in os.environ}


def command(sockets: str, uid: int | None, cwd: str) -> list[str]:
    """prlimit + bwrap + ipykernel for one kernel whose folder ``_kernel_folder`` made."""
    if uid is not None:
        os.chown(cwd, uid, uid)
    share_font_cache(Path(sockets) / "matplotlib", uid)
    env = {**sandbox.ENV, "HOME": sockets, "PYTHONPATH": "/course",
           "IPYTHONDIR": f"{sockets}/ipython", "MPLCONFIGDIR": f"{sockets}/matplotlib",
           **_passed_on()}
    program = [sys.executable, "-m", "ipykernel_launcher", "-f", f"{sockets}/connection.json"]
    course = os.environ.get(OVERLAY_ENV)
    if not course:  # run outside nbgrader_arguments (by hand): a tree of its own
        from graders.trusted.overlay import build_overlay  # numpy-free launcher: late

        course = str(build_overlay(None))
    box = sandbox.bwrap_command(Path(course), Path(sockets), uid, program=program,
                                job_at=sockets, env=env, writable=(cwd,), cwd=cwd)
    return ["prlimit", *(f"--{name}={value}" for name, value in LIMITS.items()), "--", *box]


def _font_caches() -> list[Path]:
    folders = [os.environ.get("MPLCONFIGDIR"),
               os.path.join(os.environ.get("XDG_CACHE_HOME") or "~/.cache", "matplotlib")]
    return [p for f in folders if f for p in Path(f).expanduser().glob("fontlist-*.json")]


def share_font_cache(target: Path, uid: int | None) -> None:
    """Give the kernel a copy of matplotlib's font list (rebuilding it costs seconds)."""
    target.mkdir()
    for cache in _font_caches()[:1]:
        shutil.copy(cache, target / cache.name)
    if uid is not None:
        for path in (target, *target.iterdir()):
            os.chown(path, uid, uid)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "-f":
        raise SystemExit("usage: python -m graders.trusted.kernel -f CONNECTION_FILE")
    sockets, uid = _kernel_folder(argv[1])
    if uid is not None and os.environ.get(warm.ENV_VAR):
        code = warm.launch(Path(sockets), os.getcwd(), uid, _passed_on(), LIMITS)
        if code is not None:
            raise SystemExit(code)
    argv_ = command(sockets, uid, os.getcwd())
    os.execvp(argv_[0], argv_)


if __name__ == "__main__":
    main()
