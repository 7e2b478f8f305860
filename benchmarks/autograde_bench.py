"""Benchmark: ``dlcourse autograde --jobs 2`` against plain sequential ``nbgrader autograde``.

Builds a synthetic class for all five chapters (about 60% solved, 25% with one or two
mistakes from ``graders.catalogue.WRONG``, 10% untouched stubs, 5% broken notebooks),
then, in the same run and one after the other:

1. plain nbgrader: ``nbgrader autograde <chapter>`` once per chapter (its fastest way,
   one process and one notebook at a time) on the first ``--plain-students`` students, in
   a copy of the course with its own gradebook; its time is extrapolated linearly to the
   whole class;
2. ``dlcourse autograde --jobs N`` re-grading that same copy (the same submissions: the
   direct ratio);
3. ``dlcourse autograde --jobs N`` on the whole class (skipped when the class is the
   subset).

It checks that nbgrader and dlcourse give the same points on the common submissions and
prints students, notebooks, seconds, the ratios and the load average (the machine may be
shared)::

    .venv/bin/python benchmarks/autograde_bench.py --students 100 --plain-students 20
"""

from __future__ import annotations

import argparse
import json
import os
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
from graders.pipeline.course import Course, init_course
from graders.pipeline.release import release
from graders.pipeline.submissions import learner_notebook
from graders.trusted import warm

BIN = Path(sys.executable).parent


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
    picked = rng.choice(len(exercises), size=min(len(exercises), rng.integers(1, 3)), replace=False)
    answers = {}
    for j in picked:
        wrong = WRONG[f"{exercises[j].module}.{exercises[j].function}"]
        answers[exercises[j].solution_id] = wrong[rng.integers(len(wrong))].source
    return answers


def copy_course(course: Course, target: Path, students: int) -> Course:
    """A second course with its own gradebook and the first ``students`` submissions."""
    plain = init_course(target, notebooks_dir=course.root / "source")
    release(plain.root)
    for i in range(students):
        shutil.copytree(course.root / "submitted" / f"s{i:03d}",
                        plain.root / "submitted" / f"s{i:03d}")
    return plain


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if proc.returncode not in (0, 1):  # 1: some submissions failed, as they should
        raise SystemExit(f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def scores(course: Course) -> dict[tuple[str, str], float]:
    """Total auto-score per (student, chapter) from nbgrader's own gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        for chapter in course.chapters:
            for sub in gb.assignment_submissions(chapter):
                out[(sub.student_id, chapter)] = float(sub.score)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--plain-students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
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
          f"{kinds}", flush=True)

    dlcourse = [str(BIN / "dlcourse"), "autograde", "--jobs", str(args.jobs), "--no-progress"]
    loads = [os.getloadavg()[0]]
    plain_s = sum(timed([str(BIN / "nbgrader"), "autograde", c], plain.root) for c in chapters)
    theirs = scores(plain)
    loads.append(os.getloadavg()[0])
    same_s = timed([*dlcourse, str(plain.root)], plain.root)
    ours = scores(plain)
    loads.append(os.getloadavg()[0])
    full = args.students > args.plain_students
    ours_s = timed([*dlcourse, str(course.root)], course.root) if full else same_s
    loads.append(os.getloadavg()[0])

    disagree = [k for k in theirs if ours.get(k) != theirs[k]]
    extrapolated = plain_s * n_all / n_plain
    numbers = {
        "students": args.students, "notebooks": n_all, "jobs": args.jobs,
        "plain_students": args.plain_students, "plain_notebooks": n_plain,
        "plain_seconds": round(plain_s, 1),
        "dlcourse_seconds_same_submissions": round(same_s, 1),
        "speedup_same_submissions": round(plain_s / same_s, 2),
        "dlcourse_seconds_whole_class": round(ours_s, 1),
        "plain_seconds_extrapolated_to_class": round(extrapolated, 1),
        "speedup_extrapolated": round(extrapolated / ours_s, 2),
        "plain_s_per_notebook": round(plain_s / n_plain, 2),
        "dlcourse_s_per_notebook": round(ours_s / n_all, 2),
        "score_disagreements": len(disagree), "compared": len(theirs),
        "loadavg_1min_before_after_each_step": [round(x, 2) for x in loads],
        "cores": os.cpu_count(),
        "warm_kernels": warm.available(),  # kernel factories (root and bwrap) or cold kernels
    }
    print(json.dumps(numbers, indent=2))
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
