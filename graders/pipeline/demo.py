"""The demo: a whole course run, from an empty folder to the class report, in minutes.

``run_demo(folder)`` builds a course, releases every chapter, writes a class of sample
submissions into ``incoming/`` (file names ``<student>_<chapter>.ipynb``, as an LMS
export might), collects them, autogrades them in parallel, writes feedback, the CSV and
the report, and returns what it did. The class:

- ``ada`` hands in every chapter solved (the instructor's solutions);
- ``ben``, ``cleo``, ``dev``, ``eli`` make typical mistakes: in every chapter one answer is a
  wrong implementation from ``graders.catalogue.WRONG``, pasted into its solution cell
  (each student at a different exercise), the others are right;
- ``fay`` hands in every chapter untouched (the released stubs);
- ``gus`` hands in one notebook that is not valid JSON (it cannot be graded).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from graders.catalogue import WRONG, Implementation
from graders.exercises import chapter_exercises
from graders.pipeline.autograde import autograde
from graders.pipeline.collect import collect
from graders.pipeline.course import Course, CourseError, init_course
from graders.pipeline.export import export_csv
from graders.pipeline.feedback import write_feedback
from graders.pipeline.release import release
from graders.pipeline.report import write_report
from graders.pipeline.results import SubmissionResult
from graders.pipeline.submissions import learner_notebook

MARKER = ".dlcourse-demo"
MISTAKE_STUDENTS = ("ben", "cleo", "dev", "eli")


@dataclass
class DemoRun:
    course: Course
    results: list[SubmissionResult]
    report: Path
    csv: Path


def prepare_folder(folder: Path) -> None:
    """Make ``folder`` ready: new, empty, or an earlier demo (which is replaced)."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise CourseError(f"{folder} exists and is not an earlier demo; pick another folder")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by dlcourse demo; rerunning the demo replaces it\n")


def write_class(course: Course, incoming: Path) -> int:
    """Write the sample class's notebooks to ``incoming/``; return how many."""
    incoming.mkdir(parents=True, exist_ok=True)
    count = 0
    for chapter in course.chapters:
        notebooks = {
            "ada": learner_notebook(course, chapter),
            "fay": learner_notebook(course, chapter, solved=False),
        }
        for k, student in enumerate(MISTAKE_STUDENTS):
            notebooks[student] = learner_notebook(course, chapter, answers=mistakes(chapter, k))
        for student, nb in notebooks.items():
            nbformat.write(nb, incoming / f"{student}_{chapter}.ipynb")
            count += 1
    broken = nbformat.writes(learner_notebook(course, course.chapters[0]))
    (incoming / f"gus_{course.chapters[0]}.ipynb").write_text(broken[: len(broken) // 2])
    return count + 1


def mistake(chapter: str, k: int) -> Implementation | None:
    """The wrong answer that mistake-maker ``k`` gives in ``chapter`` (None if none known)."""
    exercises = chapter_exercises(chapter)
    exercise = exercises[k % len(exercises)]
    wrong = WRONG.get(f"{exercise.module}.{exercise.function}", [])
    return wrong[k % len(wrong)] if wrong else None


def mistakes(chapter: str, k: int) -> dict[str, str]:
    """``grade_id -> source`` of mistake-maker ``k``'s wrong answer in ``chapter``."""
    impl = mistake(chapter, k)
    return {impl.function: impl.source} if impl else {}


def run_demo(folder: str | Path, *, jobs: int | None = None, say=print) -> DemoRun:
    """Run the whole pipeline on the sample class in ``folder``; see the module docstring."""
    folder = Path(folder).resolve()
    prepare_folder(folder)
    course = init_course(folder)
    say(f"course in {folder}: chapters {', '.join(course.chapters)}")
    release(folder)
    say(f"released {len(course.chapters)} chapters (handout/*.zip)")
    count = write_class(course, folder / "incoming")
    collected = collect(folder, folder / "incoming")
    say(f"wrote {count} sample submissions; collected {len(collected.imported)}")
    results = autograde(folder, jobs=jobs)
    write_feedback(folder)
    csv_path = folder / "grades.csv"
    export_csv(folder, csv_path)
    return DemoRun(course, results, write_report(folder), csv_path)


def grade_table(results: list[SubmissionResult], chapters: tuple[str, ...]) -> str:
    """Students down, chapters across: ``score/max``, ``FAILED`` or ``-`` (no submission)."""
    by_key = {(r.student, r.chapter): r for r in results}
    students = sorted({r.student for r in results})
    width = max(len(c) for c in chapters)
    lines = ["student  " + " ".join(f"{c:>{width}}" for c in chapters)]
    for student in students:
        cells = []
        for chapter in chapters:
            r = by_key.get((student, chapter))
            text = "-" if r is None else f"{r.score:g}/{r.max_score:g}" if r.graded else "FAILED"
            cells.append(f"{text:>{width}}")
        lines.append(f"{student:<8} " + " ".join(cells))
    return "\n".join(lines)
