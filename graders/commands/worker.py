"""``dlcourse worker``: grade submissions sent through a Redis broker (see graders.cluster)."""

from __future__ import annotations

import argparse
import os

from graders.commands._checks import require_sandbox
from graders.errors import UsageError

HELP = (
    "grade the submissions that `dlcourse autograde --broker` sends, in the bubblewrap "
    "sandbox; never touches a gradebook"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--broker",
        required=True,
        metavar="URL",
        help="the Redis broker, e.g. redis://:PASSWORD@10.0.0.5:6379/0 "
        "(rediss:// across machines), or env:NAME to read it from the environment variable "
        "NAME; keep the broker off the internet",
    )
    parser.add_argument(
        "--concurrency",
        "-c",
        type=int,
        default=None,
        metavar="N",
        help="submissions graded at once, one process each (default: one per core)",
    )
    parser.add_argument(
        "--visibility-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="a task taken by a worker that vanished is given to another "
        "after this long; above the longest task (default 900)",
    )
    parser.add_argument(
        "--loglevel",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING"],
        help="how much the worker logs (default INFO)",
    )


def run(args: argparse.Namespace) -> int:
    if args.concurrency is not None and args.concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, not {args.concurrency}")
    if args.visibility_timeout is not None and args.visibility_timeout < 5:
        raise UsageError("--visibility-timeout must be at least 5 seconds")
    require_sandbox()  # or DLCOURSE_ALLOW_WEAK_SANDBOX=1, which every result then states
    from graders.cluster.broker import DEFAULT_VISIBILITY_TIMEOUT
    from graders.cluster.worker import run_worker

    return run_worker(
        args.broker,
        concurrency=args.concurrency or os.cpu_count() or 1,
        visibility_timeout=args.visibility_timeout or DEFAULT_VISIBILITY_TIMEOUT,
        loglevel=args.loglevel,
    )
