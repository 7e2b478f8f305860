"""The read-only course tree the child sees: dlnotes without the answers, and the checks.

The child imports ``dlnotes`` and ``graders.checks`` from a copy built here, never from
the repository. In the copy, every function graded in the chapter being graded (and in
later chapters, which build on it) keeps its signature but its body is replaced by
``raise PermissionError("... not available while grading")``; so are helpers that
compute the same thing under another name (``EQUIVALENTS``). The replacement is in the
source text, so a learner can neither import nor read the reference. Earlier chapters'
functions and the helpers stay, as the notebook's setup cell expects.

Only ``graders/__init__.py``, ``exercises.py``, ``paths.py``, ``checks/`` and the child's
own two modules are copied (and, in the kernel-side tree, the kernel factory): the
catalogue of right answers, the pipeline and the trusted parent stay out of sight.
"""

from __future__ import annotations

import ast
import atexit
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from graders.exercises import CHAPTERS, EXERCISES
from graders.paths import REPO_ROOT

TRUSTED_DIR = Path(__file__).resolve().parent
GRADERS_FILES = ("__init__.py", "exercises.py", "paths.py")
CHILD_FILES = ("child.py", "wire.py")
KERNEL_FILES = ("kernel_factory.py",)  # only in the kernel-side tree (chapter None)

# Helpers that compute a graded function under another name: stubbed with it.
EQUIVALENTS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("logistic", "compute_cost"): (("cost", "cross_entropy_cost"),),
    ("shallow", "compute_cost"): (("cost", "cross_entropy_cost"),),
    ("deep", "compute_cost"): (("cost", "cross_entropy_cost"),),
    ("activations", "sigmoid_derivative"): (("activations", "sigmoid_backward"),),
}


def hidden_functions(chapter: str | None) -> dict[str, set[str]]:
    """``{dlnotes module: functions to stub}`` while grading ``chapter`` (None: nothing)."""
    if chapter is None:
        return {}
    later = CHAPTERS[CHAPTERS.index(chapter) :]
    hidden: dict[str, set[str]] = {}
    for exercise in EXERCISES:
        if exercise.chapter in later:
            key = (exercise.module, exercise.function)
            for module, function in (key, *EQUIVALENTS.get(key, ())):
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
    if os.getpid() == owner:  # not in a forked worker: the parent still uses it
        shutil.rmtree(root, ignore_errors=True)


def _python_files(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def _fingerprint(chapter: str | None, repo: Path) -> str:
    digest = hashlib.sha256(str(chapter).encode())
    for path in (*_python_files(repo / "dlnotes"), *_python_files(repo / "graders")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def build_overlay(chapter: str | None, repo: Path = REPO_ROOT) -> Path:
    """A read-only-ready course tree for grading ``chapter``: ``<root>/{dlnotes,graders}``.

    ``chapter=None`` stubs nothing (for nbgrader's kernel-side run, whose results are
    only information and whose checks need the reference).

    Built once per process and source version (about 30 ms), removed at exit.
    """
    return _build(chapter, repo, _fingerprint(chapter, repo))


@functools.lru_cache(maxsize=16)
def _build(chapter: str | None, repo: Path, fingerprint: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=f"dlnotes-overlay-{chapter}-{fingerprint}-"))
    atexit.register(_remove, root, os.getpid())
    hidden = hidden_functions(chapter)
    for path in _python_files(repo / "dlnotes"):
        target = root / path.relative_to(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = path.read_text()
        if path.parent == repo / "dlnotes" and path.stem in hidden:
            source = stub_source(source, path.stem, hidden[path.stem])
        target.write_text(source)
    graders = root / "graders"
    shutil.copytree(repo / "graders" / "checks", graders / "checks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in GRADERS_FILES:
        shutil.copy(repo / "graders" / name, graders / name)
    (root / "data").mkdir()  # where the sandbox mounts the repository's data/
    (graders / "trusted").mkdir()
    (graders / "trusted" / "__init__.py").write_text('"""The child side of trusted grading."""\n')
    for name in CHILD_FILES + (KERNEL_FILES if chapter is None else ()):
        shutil.copy(TRUSTED_DIR / name, graders / "trusted" / name)
    for path in [root, *root.rglob("*")]:  # readable by the sandbox's unprivileged user
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root
