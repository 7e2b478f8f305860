"""``dlcourse lab``: your own workspace with every chapter, opened in JupyterLab."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HELP = "create or reuse your workspace (all chapters, the data) and open JupyterLab there"

_WHAT = {"created": "new", "updated": "updated to the newer course version"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default="dlnotes-workspace", type=Path,
                        help="workspace folder (default: ./dlnotes-workspace); your work "
                             "in it is never overwritten")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser (passed to JupyterLab)")
    parser.add_argument("--port", type=int, default=None, help="port for JupyterLab")
    parser.add_argument("--ip", default=None, help="address JupyterLab listens on")
    parser.add_argument("--token", default=None,
                        help="JupyterLab's access token (default: a random one)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="create or update the workspace, do not start JupyterLab")
    parser.add_argument("--notebooks", type=Path, default=None,
                        help="the course's source chapters (default: the installed course)")
    parser.add_argument("--jupyter-option", action="append", default=[], metavar="OPTION",
                        help="passed to JupyterLab unchanged, e.g. "
                             "--jupyter-option=--ServerApp.shutdown_no_activity_timeout=600 "
                             "(repeatable)")


def run(args: argparse.Namespace) -> int:
    from graders.learner.lab import lab_command, write_jupyter_config
    from graders.learner.workspace import prepare_workspace
    from graders.paths import DATA_DIR, NOTEBOOKS_DIR

    root = args.dir.resolve()
    actions = prepare_workspace(root, args.notebooks or NOTEBOOKS_DIR, DATA_DIR)
    for action in actions:
        if action.kind in ("created", "updated"):
            print(f"  {_WHAT[action.kind]}: {action.path}")
        elif action.kind == "beside":
            print(f"  note: {action.message()}")
    print(f"workspace: {root}", flush=True)
    if args.prepare_only:
        return 0
    write_jupyter_config(root)
    argv, env = lab_command(root, port=args.port, ip=args.ip, token=args.token,
                            no_browser=args.no_browser, extra=args.jupyter_option)
    if os.geteuid() == 0 and "--allow-root" not in argv:
        print("running as root (a container?): passing --allow-root to JupyterLab")
        argv.append("--allow-root")
    os.chdir(root)  # nbgrader's Validate reads nbgrader_config.py from the server's cwd
    sys.stdout.flush()
    os.execve(argv[0], argv, env)
    return 0  # not reached
