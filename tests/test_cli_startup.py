"""The command line starts light: ``dlcourse --help`` (and so every command's start) imports
neither numpy nor nbgrader, nbformat or SQLAlchemy; each command imports what it needs."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "nbgrader", "nbformat", "sqlalchemy", "matplotlib", "IPython", "jupyter_server")


def test_help_imports_nothing_heavy():
    code = ("import sys, json\nfrom graders.cli import build_parser\nbuild_parser()\n"
            "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    loaded = set(json.loads(done.stdout))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
