"""What the sandbox can import: the child's own code, and dlnotes without the answers.

Two read-only trees are built here (once per process and source version, about 30 ms)
and bound into the sandbox:

- the *engine*: ``graders/trusted/{child,zygote,wire}.py`` and two empty package files.
  No check, no diagnosis, no catalogue, no exercise table: ``graders.checks`` inside the
  sandbox is a stand-in whose ``check_<function>`` only records calls
  (:mod:`graders.trusted.child`).
- the *views*: ``<chapter>/dlnotes/`` for each chapter, written when first needed. In the
  view of a chapter, every function graded in that chapter or a later one keeps its
  signature but its body becomes ``raise PermissionError("... not available while
  grading")``; so do the helpers that compute the same answer under another name
  (each exercise's ``same_answer`` in :mod:`graders.exercises`). The replacement is in
  the source text, so a learner can neither import nor read the reference. Earlier
  chapters' functions and the tools stay, as the notebooks' setup cells expect.
"""

from __future__ import annotations

import ast
import atexit
import functools
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

from graders.exercises import CHAPTERS, EXERCISES
from graders.paths import REPO_ROOT

TRUSTED_DIR = Path(__file__).resolve().parent
ENGINE_FILES = ("child.py", "zygote.py", "wire.py")

def hidden_functions(chapter: str) -> dict[str, set[str]]:
    """``{dlnotes module: functions to stub}`` in the view of ``chapter``."""
    later = CHAPTERS[CHAPTERS.index(chapter) :]
    hidden: dict[str, set[str]] = {}
    for exercise in EXERCISES:
        if exercise.chapter in later:
            for key in (exercise.key, *exercise.same_answer):
                module, function = key.split(".")
                hidden.setdefault(module, set()).add(function)
    return hidden


def stub_source(source: str, module: str, functions: set[str]) -> str:
    """``source`` with the bodies of its top-level ``functions`` replaced by a raise."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in functions:
            message = f"dlnotes.{module}.{node.name} is not available while grading"
            node.decorator_list = []
            node.body = [ast.parse(f"raise PermissionError({message!r})").body[0]]
    return ast.unparse(tree) + "\n"


def _remove(root: Path, owner: int) -> None:
    if os.getpid() == owner:  # not in a forked process: the parent still uses it
        shutil.rmtree(root, ignore_errors=True)


def _python_files(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def _fingerprint(repo: Path) -> str:
    digest = hashlib.sha256()
    for path in (*_python_files(repo / "dlnotes"), *_python_files(repo / "graders")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def build_engine(repo: Path = REPO_ROOT) -> Path:
    """The engine tree: ``<root>/graders/trusted/{child,zygote,wire}.py``."""
    return _build("engine", repo, _fingerprint(repo))


def build_views(repo: Path = REPO_ROOT) -> Path:
    """The views tree, where :func:`ensure_view` writes ``<root>/<chapter>/dlnotes/``."""
    return _build("views", repo, _fingerprint(repo))


_VIEW_LOCK = threading.Lock()


def ensure_view(views: Path, chapter: str, repo: Path = REPO_ROOT) -> None:
    """Write the view of ``chapter`` into ``views`` unless it is there (about 50 ms)."""
    if chapter not in CHAPTERS:
        raise ValueError(f"unknown chapter {chapter!r}")
    with _VIEW_LOCK:
        target = views / chapter
        if target.is_dir():
            return
        partial = views / f".{chapter}.partial"
        _write_view(partial, repo, hidden_functions(chapter))
        for path in [partial, *partial.rglob("*")]:  # readable by the sandbox's user
            path.chmod(0o755 if path.is_dir() else 0o644)
        partial.rename(target)


@functools.lru_cache(maxsize=8)
def _build(kind: str, repo: Path, fingerprint: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=f"dlnotes-{kind}-{fingerprint}-"))
    atexit.register(_remove, root, os.getpid())
    if kind == "engine":
        trusted = root / "graders" / "trusted"
        trusted.mkdir(parents=True)
        (root / "graders" / "__init__.py").write_text('"""The sandbox side of grading."""\n')
        (trusted / "__init__.py").write_text('"""The child, the zygote, the wire."""\n')
        for name in ENGINE_FILES:
            shutil.copy(TRUSTED_DIR / name, trusted / name)
    for path in [root, *root.rglob("*")]:  # readable by the sandbox's unprivileged user
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


def _write_view(target_root: Path, repo: Path, hidden: dict[str, set[str]]) -> None:
    for path in _python_files(repo / "dlnotes"):
        target = target_root / path.relative_to(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = path.read_text()
        if path.parent == repo / "dlnotes" and path.stem in hidden:
            source = stub_source(source, path.stem, hidden[path.stem])
        target.write_text(source)
