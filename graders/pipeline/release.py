"""Release chapters: nbgrader's student version of each notebook, and a zip to hand out.

``release(course_dir, chapters=None)`` runs ``nbgrader generate_assignment CHAPTER
--force`` for each chapter (in a forked worker, so nbgrader starts once), which records
the chapter and its test cells in the gradebook and writes ``release/<chapter>/``; then it
zips that folder to ``handout/<chapter>.zip`` (entries ``<chapter>/...``).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from graders.errors import DlcourseError
from graders.pipeline.course import load_course
from graders.pipeline.isolated import run_isolated

RELEASE_TIME_LIMIT = 300.0


class ReleaseError(DlcourseError):
    """nbgrader could not generate a chapter's student version."""

    exit_code = 1


def release(course_dir: str | Path, chapters: list[str] | None = None) -> list[Path]:
    """Generate the student version of each chapter and zip it; return the zip paths."""
    course = load_course(course_dir)
    import nbgrader.apps.generateassignmentapp  # noqa: F401 - once, shared by the forks

    zips = []
    for chapter in course.check_chapters(chapters):
        log = course.root / "logs" / "release" / f"{chapter}.log"
        outcome = run_isolated(
            _generate_assignment, (str(course.root), chapter), log_path=log,
            time_limit=RELEASE_TIME_LIMIT,
        )
        if not outcome.ok:
            why = outcome.error.removeprefix(f"{ReleaseError.__name__}: ")
            raise ReleaseError(f"{chapter}: {why}; see {log}")
        zips.append(_zip_release(course.root, chapter))
    return zips


def _generate_assignment(course_root: str, chapter: str) -> None:
    from nbgrader.apps.generateassignmentapp import GenerateAssignmentApp

    os.chdir(course_root)
    app = GenerateAssignmentApp()
    app.initialize([chapter, "--force"])
    try:
        app.start()
    except SystemExit as exc:
        if exc.code:
            raise ReleaseError("nbgrader generate_assignment failed") from None
    if not (Path(course_root) / "release" / chapter / f"{chapter}.ipynb").is_file():
        raise ReleaseError("nbgrader wrote no student notebook")


def _zip_release(root: Path, chapter: str) -> Path:
    folder = root / "release" / chapter
    target = root / "handout" / f"{chapter}.zip"
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, Path(chapter) / path.relative_to(folder))
    return target
