"""``dlcourse autograde``: grade submissions in parallel, with a time limit and a summary."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from graders.commands._checks import check_jobs, require_sandbox
from graders.errors import UsageError

HELP = ("autograde submissions in parallel (each run once, sandboxed), then summarise what "
        "failed and why")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER", help="default: all chapters")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="submissions graded at once (default: one per core)")
    parser.add_argument("--student", default=None, metavar="PATTERN",
                        help="only students matching this shell pattern, e.g. 'a*'")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="wall-clock limit for all of a submission's cells together "
                             "(default 30)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--broker", default=None, metavar="URL",
                        help="grade on `dlcourse worker` machines through this Redis broker "
                             "(redis://:PASSWORD@HOST:6379/0, or env:NAME: from that environment "
                             "variable); needs the cluster extra")
    parser.add_argument("--task-time-limit", type=float, default=None, metavar="SECONDS",
                        help="with --broker: a worker kills a task after this long (default: "
                             "the time limit plus 60)")


def run(args: argparse.Namespace) -> int:
    from graders.pipeline.course import load_course
    from graders.pipeline.results import open_results

    check_jobs(args.jobs)
    if args.time_limit is not None and args.time_limit <= 0:
        raise UsageError(f"--time-limit must be positive, not {args.time_limit:g}")
    course = load_course(args.dir)
    chapters = course.check_chapters(args.chapters)
    if args.task_time_limit is not None and (args.task_time_limit <= 0 or not args.broker):
        raise UsageError("--task-time-limit must be positive, and goes with --broker")
    if not args.broker:  # with a broker, the workers need the sandbox, not this machine
        require_sandbox()
    open_results(course.db_url)
    from graders.pipeline.autograde import autograde

    bar = None
    if not args.no_progress:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread in a process that forks
        total = sum(len(course.submissions(c)) for c in chapters)
        bar = tqdm(total=total, unit="nb", desc="autograde", file=sys.stderr)
    try:
        results = autograde(course.root, chapters, jobs=args.jobs, student=args.student,
                            time_limit=args.time_limit, progress=bar and (lambda r: bar.update()),
                            broker=args.broker, task_time_limit=args.task_time_limit)
    finally:
        if bar is not None:
            bar.close()
    print(summary(results))
    return 0 if all(r.graded for r in results) else 1


def summary(results) -> str:
    """Counts of graded and failed submissions, each failure with its reason."""
    graded = [r for r in results if r.graded]
    failed = [r for r in results if not r.graded]
    lines = [f"{len(results)} submission(s): {len(graded)} graded, {len(failed)} failed"]
    for chapter, n in sorted(Counter(r.chapter for r in graded).items()):
        scores = [r.score / r.max_score for r in graded if r.chapter == chapter and r.max_score]
        mean = 100 * sum(scores) / len(scores) if scores else 0.0
        lines.append(f"  {chapter:<16} {n:4d} graded, mean score {mean:.0f}%")
    for r in failed:
        lines.append(f"  FAILED {r.student} {r.chapter}: {r.reason}")
    return "\n".join(lines)
