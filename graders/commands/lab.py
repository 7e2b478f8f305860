"""``dlcourse lab``: your own workspace with every chapter, opened in JupyterLab.

``dlcourse lab --reset CHAPTER[:EXERCISE]`` puts one exercise, or a whole chapter, of the
workspace back to its released state (after asking, and keeping a backup), then exits.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from graders.errors import DlcourseError, UsageError

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
    parser.add_argument("--reset", metavar="CHAPTER[:EXERCISE]", default=None,
                        help="put one exercise's solution cell (e.g. 04_deep:deep_backward) "
                             "or a whole chapter notebook (e.g. 04_deep, or 4) back to its "
                             "released state, keeping a timestamped backup beside it; asks "
                             "first, then exits without starting JupyterLab")
    parser.add_argument("--yes", action="store_true",
                        help="with --reset: do not ask for confirmation (for scripts)")
    parser.add_argument("--jupyter-option", action="append", default=[], metavar="OPTION",
                        help="passed to JupyterLab unchanged, e.g. "
                             "--jupyter-option=--ServerApp.shutdown_no_activity_timeout=600 "
                             "(repeatable)")


def run(args: argparse.Namespace) -> int:
    from graders.exercises import CHAPTERS
    from graders.learner.lab import lab_command, write_jupyter_config
    from graders.learner.workspace import prepare_workspace
    from graders.paths import DATA_DIR, NOTEBOOKS_DIR

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    notebooks = args.notebooks or NOTEBOOKS_DIR
    if not any((notebooks / c / f"{c}.ipynb").is_file() for c in CHAPTERS):
        raise UsageError(f"no chapter notebooks in {notebooks} (looked for "
                         f"<chapter>/<chapter>.ipynb)")
    root = args.dir.resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{args.dir} is a file, not a folder; name a folder for the workspace")
    if args.reset is not None:
        return _reset(root, notebooks, args)
    if args.yes:
        raise UsageError("--yes goes with --reset")
    actions = prepare_workspace(root, notebooks, DATA_DIR)
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
    try:
        os.execve(argv[0], argv, env)
    except OSError as exc:
        raise DlcourseError(f"cannot start JupyterLab ({argv[0]}: {exc.strerror}); "
                            "reinstall the course: bash scripts/setup-venv.sh") from None
    return 0  # not reached


def _reset(root: Path, notebooks: Path, args: argparse.Namespace) -> int:
    from graders.learner.workspace import parse_reset_target, reset

    target = parse_reset_target(args.reset)
    if not args.yes and not _confirm(f"Reset {target.describe()} in {root} to its released "
                                     "state? Your version is kept as a backup copy. [y/N] "):
        print("nothing reset")
        return 1
    result = reset(root, target, notebooks)
    print(result.message())
    print("if the notebook is open in JupyterLab, reload it (File > Reload Notebook from Disk) "
          "before you save, or the old version is written back")
    return 0


def _confirm(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:  # no terminal to answer from: the safe answer
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
