"""Student versions of the chapter notebooks, made by nbgrader's ``generate_assignment``.

nbgrader replaces every solution by the stub and removes the hidden tests. We run it in a
throw-away course directory (its own SQLite gradebook in a temporary folder), so the
learner's workspace never holds the source notebooks or the hidden tests.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from graders.exercises import CHAPTERS
from graders.learner._env import ensure_venv_on_path
from graders.pipeline.release import ReleaseError

SELF_CHECK_MARKER = "dlnotes-self-check"

_SELF_CHECK_MD = """\
## Check your whole notebook

Save the notebook first (Ctrl+S), then run the cell below. It grades your saved notebook
exactly as the instructor's `dlcourse autograde` would, hidden test cases included, and
prints each exercise's points with a ✓ or the diagnosis. It ends with the course overview:
the points of every chapter notebook saved in your workspace, and the total (the same as
`course_overview.ipynb` at the top of the workspace). From a terminal, the same is
`dlcourse check {name} --overview <your workspace>`."""

_SELF_CHECK_CODE = """\
from graders.learner.incell import check_this_notebook

check_this_notebook("{name}")"""

OVERVIEW_NOTEBOOK = "course_overview.ipynb"
OVERVIEW_MARKER = "dlnotes-course-overview"

_OVERVIEW_CODE = """\
# The course overview: the points of each chapter and the total, with the chapters that
# pass. It grades every chapter notebook *saved* in this workspace (save yours first,
# Ctrl+S) as the instructor would, hidden test cases included; the diagnoses are in the
# last cell of each chapter's notebook. From a terminal: dlcourse check --overview <here>
from graders.learner.incell import show_course_overview

show_course_overview()"""

# What the released files hold besides the course's notebooks: a workspace made with other
# texts is updated (graders.learner.workspace hashes this with the sources).
TEMPLATES = "\n".join((_SELF_CHECK_MD, _SELF_CHECK_CODE, _OVERVIEW_CODE))


def nbgrader_api(course_root: Path):
    """nbgrader's Python API on ``course_root``, configured by its ``nbgrader_config.py``
    when there is one, else as a throw-away course with a SQLite gradebook inside it."""
    # Imported here: nbgrader is slow to import and only needed when releasing or grading.
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config.CourseDirectory.course_id = "dlnotes"
    config.CourseDirectory.db_url = f"sqlite:///{course_root / 'gradebook.db'}"
    if (course_root / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config())
    config.CourseDirectory.root = str(course_root)
    config.Exchange.root = str(course_root / "exchange")  # unused; keeps nbgrader quiet
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def add_self_check_cell(path: Path) -> None:
    """Append the "check your whole notebook" cells to a released notebook.

    The cells carry no nbgrader metadata: they are the learner's, not graded.
    """
    nb = nbformat.read(path, as_version=4)
    name = path.name
    meta = {"tags": [SELF_CHECK_MARKER]}
    nb.cells.append(nbformat.v4.new_markdown_cell(_SELF_CHECK_MD.format(name=name), metadata=meta))
    nb.cells.append(nbformat.v4.new_code_cell(_SELF_CHECK_CODE.format(name=name), metadata=meta))
    nbformat.write(nb, path)


def write_overview_notebook(path: Path) -> Path:
    """Write the workspace's one-cell ``course_overview.ipynb`` to ``path``; returns it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(_OVERVIEW_CODE, metadata={"tags": [OVERVIEW_MARKER]})]
    nbformat.write(nb, path)
    return path


def release_chapters(notebooks_dir: Path, out_dir: Path,
                     chapters: tuple[str, ...] = CHAPTERS) -> dict[str, Path]:
    """Write the student version of each chapter folder into ``out_dir/<chapter>/``.

    Parameters
    ----------
    notebooks_dir : Path
        Folder of nbgrader *source* chapters (``<chapter>/<chapter>.ipynb`` and any
        files beside it).
    out_dir : Path
        Where the released chapter folders are written (created if missing).
    chapters : tuple of str
        Chapters to release; chapters without a source folder are skipped.

    Returns
    -------
    dict of str to Path
        The released notebook of each chapter, ``out_dir/<chapter>/<chapter>.ipynb``.

    Raises
    ------
    ReleaseError
        If nbgrader fails on a chapter (the last line of its log is in the message).
    """
    ensure_venv_on_path()
    released = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dlnotes-release-") as tmp:
        course = Path(tmp)
        api = nbgrader_api(course)
        for chapter in chapters:
            src = Path(notebooks_dir) / chapter
            if not (src / f"{chapter}.ipynb").is_file():
                continue
            shutil.copytree(src, course / "source" / chapter,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            result = api.generate_assignment(chapter)
            if not result["success"]:
                log = str(result.get("error") or result.get("log") or "")
                said = [ln for ln in log.splitlines()
                        if ln.strip() and "see the the above traceback" not in ln
                        and not ln.startswith((" ", "Traceback"))]
                raise ReleaseError(f"nbgrader could not make the student version of {chapter}"
                                   + (f" ({said[-1][:300]})" if said else "")
                                   + "; check that its source notebook is a valid nbgrader "
                                     "notebook (unique grade_ids, unchanged locked cells)")
            target = out_dir / chapter
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / chapter, target)
            notebook = target / f"{chapter}.ipynb"
            add_self_check_cell(notebook)
            released[chapter] = notebook
    return released
