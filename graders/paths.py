"""Where the course's files live (the repository is installed in editable mode)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = Path(os.environ.get("DLNOTES_NOTEBOOKS", REPO_ROOT / "notebooks"))
DATA_DIR = Path(os.environ.get("DLNOTES_DATA", REPO_ROOT / "data"))
