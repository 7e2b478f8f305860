"""The version a task is built for, and that a worker must run.

A grade is only the course's grade if the worker runs the same checks, reference and
engine as the instructor's machine, on the same source notebook. The fingerprint is a
sha256 over

- the code: every source and data file of the installed ``dlnotes`` and ``graders``
  packages (path and bytes), with the Python and numpy versions;
- the chapter and its source notebook's bytes (which travel with the task).

The instructor's side computes it from its own installation; a worker recomputes it from
its own installation and the source notebook in the task, and refuses the task when they
differ (:mod:`~graders.cluster.worker`).
"""

from __future__ import annotations

import functools
import hashlib
import platform
from pathlib import Path

_KINDS = {".py", ".json", ".txt", ".css", ".html"}  # what the packages ship (pyproject)


@functools.cache
def code_fingerprint() -> str:
    """sha256 of the installed dlnotes and graders (their files) and Python and numpy."""
    import numpy

    import dlnotes
    import graders

    digest = hashlib.sha256(
        f"python {platform.python_version()} numpy {numpy.__version__}\n".encode()
    )
    for package in (dlnotes, graders):
        root = Path(package.__file__).resolve().parent
        for path in sorted(root.rglob("*")):
            if path.suffix in _KINDS and path.is_file() and "__pycache__" not in path.parts:
                name = f"{package.__name__}/{path.relative_to(root).as_posix()}"
                digest.update(f"{name}\0{path.stat().st_size}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def task_fingerprint(code: str, chapter: str, source: bytes) -> str:
    """The fingerprint of a task: the code's, the chapter and its source notebook's bytes."""
    digest = hashlib.sha256(f"{code}\0{chapter}\0".encode())
    digest.update(hashlib.sha256(source).digest())
    return digest.hexdigest()
