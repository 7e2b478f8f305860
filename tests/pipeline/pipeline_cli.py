"""Run the installed ``dlcourse`` script the way an instructor would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def dlcourse(*args: str, notebooks: Path | None = None, timeout: float = 300):
    """Run the installed ``dlcourse`` script as an instructor would: no venv on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLNOTES_", "VIRTUAL_ENV"))}
    env["PATH"] = "/usr/bin:/bin"
    if notebooks is not None:
        env["DLNOTES_NOTEBOOKS"] = str(notebooks)
    return subprocess.run(
        [str(VENV_BIN / "dlcourse"), *map(str, args)],
        capture_output=True, text=True, env=env, timeout=timeout,
    )
