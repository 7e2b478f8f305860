"""Benchmark: the same submissions graded locally, through one worker, through two workers.

Builds the synthetic class of ``autograde_bench.py`` (all five chapters; about 60% solved,
25% with mistakes, 10% untouched, 5% broken), 20 students by default = 100 notebooks, in
three copies of the course, then times ``autograde`` on each copy:

1. locally, ``--jobs N`` (the lanes of this machine);
2. with ``--broker``, one ``dlcourse worker --concurrency 1`` on a local redis-server;
3. with ``--broker``, two such workers (the ratio 2-worker / 1-worker is the point).

Each time covers the whole command as an instructor runs it: the setup check, grading,
writing the gradebook, the canary. The workers are started (and warm) before the clock
starts; every process runs one snapshot of the code. The gradebooks' points must agree.
Prints a table and the load average::

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/cluster_bench.py --students 20
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from autograde_bench import copy_course, points, write_class  # noqa: E402

from graders.paths import DATA_DIR, REPO_ROOT  # noqa: E402
from graders.pipeline.course import init_course  # noqa: E402
from graders.pipeline.release import release  # noqa: E402

BIN = Path(sys.executable).parent


def snapshot(folder: Path) -> None:
    """Copy graders and dlnotes to ``folder`` and make the subprocesses run that copy, so
    that files saved in the working tree meanwhile cannot change a side's fingerprint."""
    for package in ("graders", "dlnotes"):
        shutil.copytree(
            REPO_ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    os.environ.update(PYTHONPATH=str(folder), DLNOTES_DATA=str(DATA_DIR))


@contextlib.contextmanager
def redis_server(folder: Path):
    """A redis-server on a unix socket in ``folder``, with a password; its URL."""
    password, sock, log = secrets.token_hex(12), folder / "redis.sock", folder / "redis.log"
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--requirepass",
            password,
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(log),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: log.exists() and "ready to accept" in log.read_text(), 20, log)
        yield f"redis+socket://:{password}@{sock}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextlib.contextmanager
def workers(url: str, count: int, folder: Path):
    """``count`` warm ``dlcourse worker --concurrency 1`` processes on ``url``."""
    started = []
    try:
        for i in range(count):
            log = folder / f"worker{count}-{i}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [str(BIN / "dlcourse"), "worker", "--broker", url, "--concurrency", "1"],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started.append(proc)
            _wait(lambda log=log: " ready." in log.read_text(), 60, log)
        yield
    finally:
        for proc in started:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in started:
            proc.wait(timeout=60)


def _wait(condition, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out; see {log}")
        time.sleep(0.1)


def children_cpu() -> float:
    """CPU seconds of this process's waited-for descendants (not bwrap's sandboxes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(course_root: Path, log: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds of ``dlcourse autograde COURSE ...`` and its CPU seconds (with its
    lanes when local; the instructor's side alone with --broker)."""
    cpu, start = children_cpu(), time.monotonic()
    with log.open("w") as out:
        code = subprocess.run(
            [str(BIN / "dlcourse"), "autograde", str(course_root), "--no-progress", *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
        ).returncode
    if code not in (0, 1):
        raise SystemExit(f"dlcourse autograde exited {code}; see {log}")
    return time.monotonic() - start, children_cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20, help="x 5 chapters (default 20)")
    parser.add_argument("--jobs", type=int, default=2, help="local lanes (default 2)")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    work = args.dir or Path(tempfile.mkdtemp(prefix="dlc-cb-"))
    work.mkdir(parents=True, exist_ok=True)

    snapshot(work / "code")  # every dlcourse process below runs this copy of the code
    base = init_course(work / "class")
    release(base.root)
    kinds = write_class(base, args.students)
    copies = {
        name: copy_course(base, work / name, args.students) for name in ("local", "one", "two")
    }
    n = args.students * len(base.chapters)
    print(f"{n} notebooks {kinds}; machine: {os.cpu_count()} cores", flush=True)

    loads, seconds, cpu = {"start": os.getloadavg()}, {}, {}
    local = timed(copies["local"].root, work / "local.log", "--jobs", str(args.jobs))
    seconds["local"], cpu["local"] = local
    loads["after local"] = os.getloadavg()
    with redis_server(work) as url:
        for name, count in (("one", 1), ("two", 2)):
            before = children_cpu()
            with workers(url, count, work):
                seconds[name], cpu[name] = timed(
                    copies[name].root, work / f"{name}.log", "--broker", url
                )
            cpu[f"{name} workers"] = children_cpu() - before - cpu[name]  # they end here
            loads[f"after {count} worker(s)"] = os.getloadavg()

    students = [f"s{i:03d}" for i in range(args.students)]
    marks = {name: points(course, students) for name, course in copies.items()}
    agree = marks["local"] == marks["one"] == marks["two"]
    rows = [
        (f"local --jobs {args.jobs}", "local", f"{cpu['local']:.1f} (with its lanes)"),
        ("1 worker (-c 1)", "one", f"{cpu['one']:.1f} + worker {cpu['one workers']:.1f}"),
        ("2 workers (-c 1 each)", "two", f"{cpu['two']:.1f} + workers {cpu['two workers']:.1f}"),
    ]
    print(
        f"\n  {'':<24} {'wall s':>7}   {'s/notebook':>10}   CPU s: autograde + workers "
        "(outside the sandboxes; workers include their start and stop)"
    )
    for label, key, cpus in rows:
        wall = seconds[key]
        print(f"  {label:<24} {wall:7.1f}   {wall / n:10.3f}   {cpus}")
    print(f"  2-worker / 1-worker ratio: {seconds['two'] / seconds['one']:.2f}")
    print(f"  points agree across the three gradebooks: {agree}")
    print(
        "  load average (1, 5, 15 min): "
        + "; ".join(f"{k} {a:.2f} {b:.2f} {c:.2f}" for k, (a, b, c) in loads.items())
    )
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
