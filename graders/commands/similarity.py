"""``dlcourse similarity``: pairs of submissions whose solution cells are suspiciously alike."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = (
    "rank pairs of submissions whose solution cells are alike (normalised tokens, "
    "winnowed fingerprints; the released code left out): a reason to look, not a verdict"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from graders.pipeline.similarity import DEFAULT_THRESHOLD

    parser.add_argument("dir", type=Path, help="the course directory")
    parser.add_argument("chapters", nargs="*", metavar="CHAPTER",
                        help="chapters to compare (default: all)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help="list pairs scoring at least this, 0 to 1 "
                        f"(default {DEFAULT_THRESHOLD})")


def run(args: argparse.Namespace) -> int:
    from graders.errors import UsageError
    from graders.pipeline.course import load_course
    from graders.pipeline.similarity import find_similar
    from graders.pipeline.untrusted import printable as for_terminal

    if not 0.0 <= args.threshold <= 1.0:
        raise UsageError(f"--threshold must be between 0 and 1, not {args.threshold:g}")
    course = load_course(args.dir)
    pairs = find_similar(course, args.chapters or None, args.threshold)
    print(f"{len(pairs)} pair(s) at or above {args.threshold:g}; a similarity is a reason "
          "to look at two notebooks, not a verdict.")
    if pairs:
        width = max(len("student"), *(len(for_terminal(p.student_a)) for p in pairs))
        print(f"score  chapter         {'student':<{width}}  student       alike cells")
    for p in pairs:
        cells = ", ".join(f"{c.grade_id} {c.score:.2f}" for c in p.cells if c.shared)
        print(f"{p.score:5.2f}  {p.chapter:<14}  {for_terminal(p.student_a):<{width}}  "
              f"{for_terminal(p.student_b):<12}  {cells}")
    if pairs:
        print("The class report (dlcourse report) shows each pair's cells side by side.")
    return 0
