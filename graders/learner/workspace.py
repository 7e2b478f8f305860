"""A learner's workspace: the student chapters, the data, ``course_overview.ipynb`` (one
cell: the points of every chapter and the total) and a manifest of what we wrote.

The rule that protects the learner's work: a file we released is replaced by a newer
course version only while it is exactly as we released it. A notebook counts as
"as released" when its cells' types and sources are unchanged (running cells and saving
outputs is not an edit). An edited file is never touched; the newer version is written
beside it (``02_logistic.v1a2b3c4d.ipynb``) and reported.

:func:`reset` is the learner's way back: one exercise's cell, or a whole chapter, to what
the course releases, with a backup of the notebook beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

from graders.errors import DlcourseError, UsageError
from graders.exercises import CHAPTERS, chapter_exercises
from graders.learner.overview import MANIFEST
from graders.learner.release import (
    OVERVIEW_NOTEBOOK,
    TEMPLATES,
    release_chapters,
    write_overview_notebook,
)

FORMAT = 1

NBGRADER_CONFIG = """\
# nbgrader settings for this self-study workspace (used by the Validate button).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "dlnotes-self-study"
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"
"""


@dataclass(frozen=True)
class Action:
    """What happened to one file: ``created``, ``updated``, ``unchanged``, ``kept`` or
    ``beside`` (the learner's edited file was kept, the new version written beside it)."""

    kind: str
    path: str  # relative to the workspace
    beside: str | None = None

    def message(self) -> str:
        if self.kind == "beside":
            return (f"{self.path} has your edits, so it was left alone; the newer course "
                    f"version is in {self.beside}")
        return f"{self.kind}: {self.path}"


def fingerprint(path: Path) -> str:
    """A hash of what counts as the file's content.

    For a notebook: the cells' types and sources (outputs, execution counts and
    metadata do not count, so running a cell is not an edit). For any other file: its
    bytes.
    """
    if path.suffix == ".ipynb":
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # unreadable JSON is certainly not what we released
            return "unreadable:" + hashlib.sha256(path.read_bytes()).hexdigest()
        content = json.dumps([[c.cell_type, c.source] for c in nb.cells])
        return hashlib.sha256(content.encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_hash(folders: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(folder.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _beside_name(rel: str, new_fp: str) -> str:
    path = Path(rel)
    return str(path.with_name(f"{path.stem}.v{new_fp[:8]}{path.suffix}"))


def _load_manifest(root: Path) -> dict:
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {"format": FORMAT, "source": None, "files": {}}
    manifest.setdefault("files", {})
    return manifest


def _save_manifest(root: Path, manifest: dict) -> None:
    tmp = root / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(tmp, root / MANIFEST)


def install_file(root: Path, rel: str, new: Path, manifest: dict) -> Action:
    """Put the released file ``new`` at ``root/rel`` without losing the learner's edits.

    ``manifest["files"][rel]`` is the fingerprint of what we last released there.
    """
    target = root / rel
    new_fp = fingerprint(new)
    released_fp = manifest["files"].get(rel)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(new, target)
        manifest["files"][rel] = new_fp
        return Action("created", rel)
    current_fp = fingerprint(target)
    if current_fp == new_fp:
        manifest["files"][rel] = new_fp
        return Action("unchanged", rel)
    if released_fp is not None and current_fp == released_fp:
        shutil.copy2(new, target)
        manifest["files"][rel] = new_fp
        return Action("updated", rel)
    if released_fp == new_fp:
        return Action("kept", rel)
    beside = _beside_name(rel, new_fp)
    if not (root / beside).exists():
        shutil.copy2(new, root / beside)
    return Action("beside", rel, beside)


def prepare_workspace(root: Path, notebooks_dir: Path, data_dir: Path,
                      chapters: tuple[str, ...] = CHAPTERS) -> list[Action]:
    """Create or update the workspace ``root`` from the course's source notebooks, with
    the course overview notebook at its top (installed and updated like the chapters).

    Parameters
    ----------
    root : Path
        The workspace folder (created if missing).
    notebooks_dir : Path
        nbgrader source chapters, ``<chapter>/<chapter>.ipynb``.
    data_dir : Path
        The course's datasets, copied to ``root/data/``.
    chapters : tuple of str
        The chapters to provide.

    Returns
    -------
    list of Action
        One per file considered; empty when the course has not changed since the last
        call and every file we wrote is still there.
    """
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(root)
    sources = [Path(notebooks_dir) / c for c in chapters if (Path(notebooks_dir) / c).is_dir()]
    data_dir = Path(data_dir)
    source_hash = _tree_hash(sources + ([data_dir] if data_dir.is_dir() else []), TEMPLATES)
    all_there = all((root / rel).exists() for rel in manifest["files"])
    if manifest.get("source") == source_hash and all_there and manifest["files"]:
        return []
    actions = []
    with tempfile.TemporaryDirectory(prefix="dlnotes-ws-") as tmp:
        released_dir = Path(tmp)
        release_chapters(Path(notebooks_dir), released_dir, chapters)
        write_overview_notebook(released_dir / OVERVIEW_NOTEBOOK)
        if data_dir.is_dir():
            shutil.copytree(data_dir, released_dir / "data",
                            ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        for new in sorted(p for p in released_dir.rglob("*") if p.is_file()):
            rel = str(new.relative_to(released_dir))
            actions.append(install_file(root, rel, new, manifest))
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(NBGRADER_CONFIG)
    manifest["source"] = source_hash
    manifest["format"] = FORMAT
    _save_manifest(root, manifest)
    return actions


# --- reset: back to the released state ----------------------------------------------


@dataclass(frozen=True)
class ResetTarget:
    """What ``dlcourse lab --reset CHAPTER[:EXERCISE]`` resets: one exercise's solution
    cell (``exercise`` is its function name) or, with ``exercise`` None, the whole notebook."""

    chapter: str
    exercise: str | None = None

    @property
    def notebook(self) -> str:
        return f"{self.chapter}/{self.chapter}.ipynb"

    def describe(self) -> str:
        if self.exercise is None:
            return f"the whole notebook {self.notebook}"
        return f"the solution cell of {self.exercise} in {self.notebook}"


def parse_reset_target(text: str) -> ResetTarget:
    """``"04_deep"``, ``"4"``, ``"04_deep:deep_backward"`` or ``"4:deep_backward"``.

    Raises
    ------
    UsageError
        If the chapter or the exercise is not one of the course's.
    """
    chapter_text, _, exercise = text.partition(":")
    chapter_text = chapter_text.strip()
    matches = [c for c in CHAPTERS
               if chapter_text in (c, c.split("_", 1)[0], c.split("_", 1)[0].lstrip("0"))]
    if len(matches) != 1:
        raise UsageError(f"--reset {text!r}: no chapter {chapter_text!r} "
                         f"(the chapters are {', '.join(CHAPTERS)})")
    chapter = matches[0]
    if not exercise:
        return ResetTarget(chapter)
    functions = [e.function for e in chapter_exercises(chapter)]
    if exercise not in functions:
        raise UsageError(f"--reset {text!r}: chapter {chapter} has no exercise {exercise!r} "
                         f"(its exercises are {', '.join(functions)})")
    return ResetTarget(chapter, exercise)


@dataclass(frozen=True)
class ResetResult:
    target: ResetTarget
    path: Path  # the notebook that was reset
    backup: Path  # the copy of it made just before

    def message(self) -> str:
        return (f"reset {self.target.describe()} to its released state\n"
                f"your previous version is kept in {self.backup}")


def _backup_path(path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    number = 1
    while candidate.exists():  # two resets within a second
        number += 1
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{number}{path.suffix}")
    return candidate


def _solution_cell(nb: nbformat.NotebookNode, grade_id: str):
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    return None


def reset(root: Path, target: ResetTarget, notebooks_dir: Path, *,
          now: datetime | None = None) -> ResetResult:
    """Put one exercise's solution cell, or a whole chapter notebook, of the workspace
    ``root`` back to what the course releases, after copying the notebook to a
    timestamped backup beside it (``04_deep.backup-20250131-142501.ipynb``).

    A reset exercise cell gets the released stub and loses its outputs; the rest of the
    notebook is untouched. A reset notebook counts as unedited again, so a newer course
    version will update it.

    Raises
    ------
    DlcourseError
        If the workspace has no such notebook, or the exercise's cell is gone from it.
    """
    root = Path(root).resolve()
    path = root / target.notebook
    if not path.is_file():
        raise DlcourseError(f"{path} does not exist: make the workspace first with "
                            f"`dlcourse lab {root} --prepare-only`")
    mine = None
    if target.exercise is not None:
        try:
            mine = nbformat.read(path, as_version=4)
        except Exception as exc:
            raise DlcourseError(f"{path} is not a readable notebook ({exc}): reset the whole "
                                f"chapter with --reset {target.chapter}") from exc
        if _solution_cell(mine, target.exercise) is None:
            raise DlcourseError(f"{path} has no solution cell {target.exercise!r} any more: "
                                f"reset the whole chapter with --reset {target.chapter}")
    with tempfile.TemporaryDirectory(prefix="dlnotes-reset-") as tmp:
        released = release_chapters(Path(notebooks_dir), Path(tmp), (target.chapter,))
        if target.chapter not in released:
            raise DlcourseError(f"the course in {notebooks_dir} has no chapter {target.chapter}")
        new = released[target.chapter]
        backup = _backup_path(path, now or datetime.now())
        shutil.copy2(path, backup)
        if mine is None:
            shutil.copy2(new, path)
            manifest = _load_manifest(root)
            manifest["files"][target.notebook] = fingerprint(path)
            _save_manifest(root, manifest)
        else:
            stub = _solution_cell(nbformat.read(new, as_version=4), target.exercise)
            cell = _solution_cell(mine, target.exercise)
            cell.source = stub.source
            cell.outputs = []
            cell.execution_count = None
            nbformat.write(mine, path)
    return ResetResult(target, path, backup)
