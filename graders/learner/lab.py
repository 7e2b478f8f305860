"""Start JupyterLab 4 in a learner's workspace, set up for self-study.

nbgrader's Validate button stays (its server extension reads ``nbgrader_config.py`` from
the server's working folder, the workspace). The instructor's parts of nbgrader
(formgrader, assignment and course lists, the create-assignment toolbar) are switched
off through a Jupyter config folder inside the workspace, put first on
``JUPYTER_CONFIG_PATH`` only for this server: the learner's own Jupyter set-up elsewhere
is untouched.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from graders.learner._env import env_with_venv_on_path

CONFIG_DIR = ".dlnotes-jupyter"

SERVER_CONFIG = {
    "ServerApp": {
        "jpserver_extensions": {
            "nbgrader.server_extensions.formgrader": False,
            "nbgrader.server_extensions.assignment_list": False,
            "nbgrader.server_extensions.course_list": False,
        }
    }
}

PAGE_CONFIG = {
    "disabledExtensions": {
        "@jupyter/nbgrader:formgrader": True,
        "@jupyter/nbgrader:assignment-list": True,
        "@jupyter/nbgrader:course-list": True,
        "@jupyter/nbgrader:create-assignment": True,
        "@jupyter/nbgrader:menu": True,
        # asks to fetch Jupyter news from the internet; the course works offline
        "@jupyterlab/apputils-extension:announcements": True,
    }
}


def write_jupyter_config(root: Path) -> Path:
    """Write the workspace's Jupyter config folder; returns its path."""
    config = Path(root) / CONFIG_DIR
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG, indent=1))
    (config / "labconfig" / "page_config.json").write_text(json.dumps(PAGE_CONFIG, indent=1))
    return config


def lab_command(root: Path, *, port: int | None = None, ip: str | None = None,
                token: str | None = None, no_browser: bool = False,
                extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start JupyterLab in ``root``.

    Returns
    -------
    argv : list of str
    env : dict of str to str
        Our environment with the venv first on ``PATH`` and the workspace's Jupyter
        config folder first on ``JUPYTER_CONFIG_PATH``.
    """
    root = Path(root).resolve()
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if no_browser:
        argv.append("--no-browser")
    if port is not None:
        argv.append(f"--port={port}")
    if ip is not None:
        argv.append(f"--ip={ip}")
    if token is not None:
        argv.append(f"--IdentityProvider.token={token}")
    argv += list(extra or [])
    env = env_with_venv_on_path()
    config_paths = [str(root / CONFIG_DIR)]
    if env.get("JUPYTER_CONFIG_PATH"):
        config_paths.append(env["JUPYTER_CONFIG_PATH"])
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_paths)
    return argv, env
