"""Benchmark: ``dlcourse autograde --jobs 2`` against plain serial ``nbgrader autograde``.

Builds a synthetic class for all five chapters (about 60% solved, 25% with one or two
mistakes from ``graders.catalogue.WRONG``, 10% untouched stubs, 5% broken notebooks),
then, in the same run:

1. ``dlcourse autograde`` with ``--jobs N`` on the whole class, in this process
   (``graders.pipeline.autograde.autograde``), timed in wall seconds and in CPU seconds:
   ``getrusage(RUSAGE_SELF)`` (the writing process) + ``getrusage(RUSAGE_CHILDREN)`` (the
   grading lanes, waited for when the batch ends) before and after, plus the CPU time
   the sandboxes report for each submission (``SubmissionResult.cpu``: the child and the
   zygote serving it; bwrap's own process does not pass its children's CPU time on, so
   RUSAGE_CHILDREN cannot see it); the canary's sandbox time is not counted;
2. plain ``nbgrader autograde CHAPTER`` once per chapter (its fastest way: one process,
   one notebook at a time) on the same submissions of the first ``--plain-students``
   students, in a copy of the course with its own gradebook; CPU from RUSAGE_CHILDREN
   (nbgrader waits for its kernels);
3. the points per test cell of both gradebooks on those common submissions: a notebook
   that neither could grade (broken JSON) agrees on "no points".

Prints a table and the load average (the machine may be shared)::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/autograde_bench.py \
        --students 100 --plain-students 10
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

from graders.catalogue import WRONG
from graders.exercises import chapter_exercises
from graders.pipeline.course import Course, init_course, load_course
from graders.pipeline.release import release
from graders.pipeline.submissions import learner_notebook

BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- the class
def kind_of(i: int) -> str:
    """The synthetic student ``i``'s kind, cycling through a class of 20.

    Interleaved so that the first 10 students already have about the class's mix (broken
    and untouched notebooks grade much faster than solved ones).
    """
    r = i % 20
    if r == 19:
        return "broken"
    if r in (9, 18):
        return "untouched"
    return "mistakes" if r in (1, 4, 7, 12, 15) else "solved"


def write_class(course: Course, students: int, seed: int = 0) -> dict[str, int]:
    """Write ``submitted/s000/<chapter>/...`` for every student and chapter; count kinds."""
    rng = np.random.default_rng(seed)
    counts: dict[str, int] = {}
    for i in range(students):
        kind = kind_of(i)
        for chapter in course.chapters:
            folder = course.submitted_dir(f"s{i:03d}", chapter)
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{chapter}.ipynb"
            if kind == "broken":
                target.write_text(nbformat.writes(learner_notebook(course, chapter))[:5000])
            else:
                answers = _mistakes(chapter, rng) if kind == "mistakes" else None
                nb = learner_notebook(course, chapter, solved=kind != "untouched", answers=answers)
                nbformat.write(nb, target)
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def _mistakes(chapter: str, rng: np.random.Generator) -> dict[str, str]:
    exercises = [e for e in chapter_exercises(chapter) if WRONG.get(f"{e.module}.{e.function}")]
    picked = rng.choice(len(exercises), size=min(len(exercises), rng.integers(1, 3)),
                        replace=False)
    answers = {}
    for j in picked:
        wrong = WRONG[f"{exercises[j].module}.{exercises[j].function}"]
        answers[exercises[j].solution_id] = wrong[rng.integers(len(wrong))].source
    return answers


def copy_course(course: Course, target: Path, students: int) -> Course:
    """The released course and its gradebook copied to ``target`` (re-rooted there), with
    the submissions of the first ``students`` students only."""
    shutil.copytree(course.root, target, symlinks=True,
                    ignore=shutil.ignore_patterns("submitted", "autograded", "snapshots"))
    config = target / "nbgrader_config.py"
    config.write_text(config.read_text().replace(str(course.root), str(target)))
    for i in range(students):
        shutil.copytree(course.root / "submitted" / f"s{i:03d}",
                        target / "submitted" / f"s{i:03d}")
    return load_course(target)


# ------------------------------------------------------------------------ measuring
def cpu_seconds() -> tuple[float, float]:
    """(this process, its waited-for descendants) in CPU seconds."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def run_dlcourse(course: Course, jobs: int, log: Path) -> dict:
    """``dlcourse autograde --jobs N`` in this process: wall time, this process's CPU, the
    lanes' CPU (waited-for children), and the sandboxes' CPU as the engine reports it."""
    from graders.pipeline.autograde import autograde

    self0, kids0 = cpu_seconds()
    start = time.monotonic()
    with log.open("w") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        results = autograde(course.root, jobs=jobs)
    wall = time.monotonic() - start
    self1, kids1 = cpu_seconds()
    return {"wall": wall, "self": self1 - self0, "children": kids1 - kids0,
            "sandboxes": sum(r.cpu for r in results)}


def run_nbgrader(course: Course, log: Path) -> dict:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    self0, kids0 = cpu_seconds()
    start = time.monotonic()
    with log.open("w") as out:
        for chapter in course.chapters:
            code = subprocess.run([str(BIN / "nbgrader"), "autograde", chapter], cwd=course.root,
                                  env=env, stdout=out, stderr=subprocess.STDOUT).returncode
            if code not in (0, 1):
                raise SystemExit(f"nbgrader autograde {chapter} exited {code}; see {log}")
    wall = time.monotonic() - start
    self1, kids1 = cpu_seconds()
    return {"wall": wall, "self": self1 - self0, "children": kids1 - kids0}


def points(course: Course, students: list[str]) -> dict[tuple[str, str, str], float | None]:
    """Auto-score per (student, chapter, test cell) in a gradebook; None: not graded."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[tuple[str, str, str], float | None] = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        for chapter in course.chapters:
            for student in students:
                try:
                    notebook = gb.find_submission_notebook(chapter, chapter, student)
                    grades = {g.name: g.auto_score for g in notebook.grades}
                except MissingEntry:
                    grades = {}
                for e in chapter_exercises(chapter):
                    score = grades.get(e.test_id)
                    out[(student, chapter, e.test_id)] = None if score is None else float(score)
    return out


# ------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--plain-students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    if not 0 < args.plain_students <= args.students:
        parser.error("--plain-students must be between 1 and --students")
    work = args.dir or Path(tempfile.mkdtemp(prefix="dlcourse-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"

    course = init_course(work / "class")
    release(course.root)
    kinds = write_class(course, args.students)
    plain = copy_course(course, work / "plain", args.plain_students)
    chapters = list(course.chapters)
    n_all, n_plain = args.students * len(chapters), args.plain_students * len(chapters)
    print(f"class: {args.students} students x {len(chapters)} chapters = {n_all} notebooks "
          f"{kinds}; plain nbgrader on the first {args.plain_students} students "
          f"({n_plain} notebooks)", flush=True)

    loads = {"start": os.getloadavg()}
    ours = run_dlcourse(course, args.jobs, work / "dlcourse.log")
    loads["after dlcourse"] = os.getloadavg()
    theirs = run_nbgrader(plain, work / "nbgrader.log")
    loads["after nbgrader"] = os.getloadavg()

    common = [f"s{i:03d}" for i in range(args.plain_students)]
    mine, plain_points = points(course, common), points(plain, common)
    disagree = sorted(k for k in plain_points if (plain_points[k] or 0.0) != (mine[k] or 0.0)
                      or (plain_points[k] is None) != (mine[k] is None))
    notebooks_disagreeing = len({k[:2] for k in disagree})

    ours_cpu = ours["self"] + ours["children"] + ours["sandboxes"]
    theirs_cpu = theirs["self"] + theirs["children"]
    rows = [
        ("", f"dlcourse --jobs {args.jobs}", "plain nbgrader (serial)"),
        ("notebooks", n_all, n_plain),
        ("wall seconds", f"{ours['wall']:.1f}", f"{theirs['wall']:.1f}"),
        ("wall s / notebook", f"{ours['wall'] / n_all:.3f}", f"{theirs['wall'] / n_plain:.3f}"),
        ("CPU s (self+children)", f"{ours['self'] + ours['children']:.1f}", f"{theirs_cpu:.1f}"),
        ("CPU s in sandboxes", f"{ours['sandboxes']:.1f}", "-"),
        ("CPU s / notebook (all)", f"{ours_cpu / n_all:.3f}", f"{theirs_cpu / n_plain:.3f}"),
    ]
    wall_ratio = (theirs["wall"] / n_plain) / (ours["wall"] / n_all)
    cpu_ratio = (theirs_cpu / n_plain) / (ours_cpu / n_all)
    width = [max(len(str(r[i])) for r in rows) for i in range(3)]
    print()
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, width, strict=True)))
    print(f"\nper notebook, dlcourse is {wall_ratio:.1f}x faster in wall time and "
          f"{cpu_ratio:.1f}x cheaper in CPU time than plain nbgrader")
    print(f"CPU s during dlcourse: writer {ours['self']:.1f}, lanes {ours['children']:.1f}, "
          f"sandboxes {ours['sandboxes']:.1f}")
    print(f"score disagreements on the {n_plain} common notebooks: {len(disagree)} test cells "
          f"in {notebooks_disagreeing} notebooks")
    for key in disagree[:20]:
        print(f"  {'/'.join(key)}: nbgrader {plain_points[key]}, dlcourse {mine[key]}")
    print("load average (1, 5, 15 min): " + "; ".join(
        f"{k} {' '.join(f'{x:.2f}' for x in v)}" for k, v in loads.items())
        + f"; {os.cpu_count()} cores")

    numbers = {
        "students": args.students, "notebooks": n_all, "jobs": args.jobs,
        "plain_students": args.plain_students, "plain_notebooks": n_plain,
        "dlcourse": {k: round(v, 2) for k, v in ours.items()},
        "nbgrader": {k: round(v, 2) for k, v in theirs.items()},
        "dlcourse_wall_s_per_notebook": round(ours["wall"] / n_all, 4),
        "nbgrader_wall_s_per_notebook": round(theirs["wall"] / n_plain, 4),
        "dlcourse_cpu_s_per_notebook": round(ours_cpu / n_all, 4),
        "nbgrader_cpu_s_per_notebook": round(theirs_cpu / n_plain, 4),
        "wall_ratio_per_notebook": round(wall_ratio, 2),
        "cpu_ratio_per_notebook": round(cpu_ratio, 2),
        "score_disagreements": [list(k) for k in disagree],
        "compared_test_cells": len(plain_points),
        "loadavg": loads, "cores": os.cpu_count(),
    }
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
