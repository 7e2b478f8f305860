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


def test_a_reader_that_goes_away_is_not_a_bug():
    """``dlcourse check ... | head``: the pipe closes under a command; no traceback, no
    "this is a bug" line, the shell's exit code for it."""
    code = ("import graders.commands.check as c\n"
            "def run(args):\n    raise BrokenPipeError(32, 'Broken pipe')\n"
            "c.run = run\nfrom graders.cli import main\nraise SystemExit(main(['check', 'x']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""
