"""``dlcourse demo``: the whole instructor pipeline on a sample class, in a few minutes."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from graders.commands._checks import check_jobs, require_sandbox

HELP = "build a course, grade a sample class in parallel, print grades and write the report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", type=Path, default=Path("dlcourse-demo"),
                        help="folder for the demo course (default ./dlcourse-demo; an "
                             "earlier demo there is replaced)")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="submissions graded at once (default: one per core)")


def run(args: argparse.Namespace) -> int:
    check_jobs(args.jobs)
    start = time.monotonic()
    require_sandbox()
    from graders.pipeline.demo import grade_table, run_demo
    from graders.pipeline.report import top_diagnoses

    demo = run_demo(args.dir, jobs=args.jobs, say=lambda s: print(s, flush=True))
    graded = [r for r in demo.results if r.graded]
    failed = [r for r in demo.results if not r.graded]
    print(f"\nautograded {len(demo.results)} submissions: {len(graded)} graded, "
          f"{len(failed)} could not be graded")
    for r in failed:
        print(f"  {r.student} {r.chapter}: {r.reason}")
    print("\nGrades\n" + grade_table(demo.results, demo.course.chapters))
    print("\nMost frequent diagnoses (students: message)")
    for (chapter, function), items in top_diagnoses(graded, top=1).items():
        text, count = items[0]
        print(f"  {chapter}/{function}: {count}: {text[:110]}")
    print(f"\nreport:   {demo.report}")
    print(f"grades:   {demo.csv}")
    print(f"feedback: {demo.course.root / 'feedback'}")
    print(f"done in {time.monotonic() - start:.0f} s")
    return 0
