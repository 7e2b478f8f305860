"""``dlcourse check``: grade your own notebook exactly as the instructor's autograde would."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.errors import DlcourseError, UsageError
from graders.exercises import CHAPTERS

HELP = "grade your notebook(s) as the instructor would, hidden tests included"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="NOTEBOOK_OR_DIR", type=Path,
        help="a chapter notebook, or a folder (e.g. your workspace): every chapter "
             "notebook in it, <chapter>.ipynb, is graded")
    parser.add_argument(
        "--overview", metavar="DIR", type=Path, default=None,
        help="end with the course overview of the folder DIR (e.g. your workspace): every "
             "chapter notebook in it is graded too, but only those named before get a "
             "full report; alone, `dlcourse check --overview DIR` prints just the overview")
    parser.add_argument(
        "--notebooks", type=Path, default=None,
        help="the course's source chapters (default: the installed course)")


def find_notebooks(paths: list[Path]) -> list[Path]:
    """The notebooks to grade: files as given, and ``<chapter>.ipynb`` inside folders."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for c in CHAPTERS for p in path.rglob(f"{c}.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return found


def run(args: argparse.Namespace) -> int:
    """Report each named notebook; end with the course overview of all graded ones when
    asked (``--overview``) or when more than one was graded. Exit 0 when every graded
    notebook passes, 1 otherwise."""
    from graders.learner.grading import format_overview, format_result, grade_notebooks
    from graders.paths import NOTEBOOKS_DIR

    if not args.paths and args.overview is None:
        raise UsageError("name a notebook or a folder to grade, or --overview DIR")
    missing = [p for p in [*args.paths, args.overview] if p is not None and not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    if args.overview is not None and not args.overview.is_dir():
        raise UsageError(f"--overview {args.overview}: name a folder (e.g. your workspace)")
    reported = find_notebooks(args.paths)
    named = {p.resolve() for p in reported}
    others = [p for p in find_notebooks([args.overview] if args.overview else [])
              if p.resolve() not in named]
    if not reported + others:
        raise UsageError("no chapter notebooks found "
                         f"(looked for {', '.join(c + '.ipynb' for c in CHAPTERS)})")
    results = grade_notebooks(reported + others,
                              notebooks_dir=args.notebooks or NOTEBOOKS_DIR)
    if not any(r.exercises for r in results):
        raise DlcourseError("; ".join(_not_graded(r) for r in results))
    for result in results[:len(reported)]:
        print(format_result(result), flush=True)
    if args.overview is not None or len(results) > 1 or any(p.is_dir() for p in args.paths):
        print(format_overview(results))
    return 0 if all(r.passed for r in results) else 1


def _not_graded(result) -> str:
    """Why ``result``'s notebook could not be graded, naming it once."""
    why = result.error or "nothing to grade in it"
    return why if why.startswith(str(result.path)) else f"cannot grade {result.path}: {why}"
