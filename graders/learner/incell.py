"""``dlcourse check`` from inside JupyterLab: the last cell of each workspace notebook, and
the one cell of the workspace's ``course_overview.ipynb``.

Both grade *saved* notebooks in a separate process, through exactly the code ``dlcourse
check`` runs, and print its report. Nothing goes to stderr (nbgrader would score a graded
cell with stderr output as 0, and a red box would look like a crash).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graders.learner._env import env_with_venv_on_path
from graders.learner.overview import find_workspace


def _dlcourse_check(*args: str | Path) -> None:
    """Run ``dlcourse check ARGS`` and print what it says, stderr included, on stdout."""
    done = subprocess.run([sys.executable, "-m", "graders.cli", "check", *map(str, args)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env_with_venv_on_path(), check=False)
    print(done.stdout.rstrip())


def _under_nbgrader() -> bool:
    if os.environ.get("NBGRADER_EXECUTION"):
        print("(skipped while nbgrader runs this notebook)")
        return True
    return False


def check_this_notebook(name: str) -> None:
    """Grade the saved notebook and print ``dlcourse check``'s report, then the course
    overview of the workspace it is in (every chapter notebook saved there).

    Parameters
    ----------
    name : str
        The notebook's file name, used when Jupyter does not say which notebook this
        kernel belongs to (``JPY_SESSION_NAME``).

    Nothing happens while nbgrader itself runs the notebook (Validate or autograde):
    grading would then grade itself.
    """
    if _under_nbgrader():
        return
    session = os.environ.get("JPY_SESSION_NAME", "")
    path = Path(session) if session.endswith(".ipynb") and Path(session).is_file() else Path(name)
    workspace = find_workspace(path.parent)
    print(f"Grading the saved {path.name} as the instructor would, hidden cases included"
          + (", then your other chapters for the course overview" if workspace else "")
          + " (this takes a little while)...", flush=True)
    _dlcourse_check(path, *(["--overview", workspace] if workspace else []))


def show_course_overview(folder: str | Path | None = None) -> None:
    """Grade every chapter notebook saved in the workspace and print the course overview.

    Parameters
    ----------
    folder : str or Path, optional
        Where to look (default: the notebook's folder, the kernel's working folder); the
        workspace holding it is used when there is one, else ``folder`` itself.
    """
    if _under_nbgrader():
        return
    folder = Path.cwd() if folder is None else Path(folder)
    root = find_workspace(folder) or folder.resolve()
    print(f"Grading every chapter notebook saved in {root} as the instructor would, hidden "
          "cases included (this takes a little while)...", flush=True)
    _dlcourse_check("--overview", root)
