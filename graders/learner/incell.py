"""The last cell of each workspace notebook: ``dlcourse check`` from inside JupyterLab.

The cell grades the *saved* notebook in a separate process, through exactly the code
``dlcourse check`` runs, and prints its report. Nothing goes to stderr (nbgrader would
score a graded cell with stderr output as 0, and a red box would look like a crash).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graders.learner._env import env_with_venv_on_path


def check_this_notebook(name: str) -> None:
    """Grade the saved notebook and print ``dlcourse check``'s report.

    Parameters
    ----------
    name : str
        The notebook's file name, used when Jupyter does not say which notebook this
        kernel belongs to (``JPY_SESSION_NAME``).

    Nothing happens while nbgrader itself runs the notebook (Validate or autograde):
    grading would then grade itself.
    """
    if os.environ.get("NBGRADER_EXECUTION"):
        print("(skipped while nbgrader runs this notebook)")
        return
    session = os.environ.get("JPY_SESSION_NAME", "")
    path = Path(session) if session.endswith(".ipynb") and Path(session).is_file() else Path(name)
    print(f"Grading the saved {path.name} as the instructor would, hidden cases included "
          "(this takes a little while)...", flush=True)
    done = subprocess.run([sys.executable, "-m", "graders.cli", "check", str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env_with_venv_on_path(), check=False)
    print(done.stdout.rstrip())
