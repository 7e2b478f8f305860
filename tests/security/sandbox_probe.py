"""Run inside ``python -I`` with only a chapter's view of dlnotes importable: call every
callable dlnotes defines there on the cases it is given, and describe what came back.

Usage: ``python -I sandbox_probe.py VIEW ENGINE`` with the cases as JSON+npz on stdin
(``graders.trusted.wire``), ``{exercise: [case calls]}``; prints the outcomes as JSON+npz.
Each call gets a short CPU alarm, so training loops called with odd arguments stop.
"""

from __future__ import annotations

import importlib
import pkgutil
import signal
import sys

view, engine = sys.argv[1], sys.argv[2]
sys.path[:0] = [view, engine]

from graders.trusted import child, wire  # noqa: E402

ALARM = 0.3


class _LateError(Exception):
    pass


def _alarm(signum, frame):
    raise _LateError


def callables() -> dict[str, object]:
    """Every function and class that a dlnotes module of the view defines, by name."""
    import dlnotes

    found: dict[str, object] = {}
    for info in pkgutil.walk_packages(dlnotes.__path__, "dlnotes."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if callable(value) and str(getattr(value, "__module__", "")).startswith("dlnotes"):
                found.setdefault(f"{value.__module__}.{getattr(value, '__qualname__', name)}",
                                 value)
    return found


def main() -> None:
    size = [int(n) for n in sys.stdin.buffer.readline().split()]
    cases = wire.loads(sys.stdin.buffer.read(size[0]), sys.stdin.buffer.read(size[1]),
                       named=True)
    signal.signal(signal.SIGALRM, _alarm)
    out: dict[str, dict[str, list]] = {}
    for name, fn in sorted(callables().items()):
        for exercise, calls in cases.items():
            outcomes = []
            for call in calls:
                signal.setitimer(signal.ITIMER_REAL, ALARM)
                try:
                    outcomes.append(child.call_once(fn, call))
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            out.setdefault(name, {})[exercise] = outcomes
    tree, npz = wire.dumps(out)
    sys.stdout.buffer.write(f"{len(tree)} {len(npz)}\n".encode() + tree + npz)


if __name__ == "__main__":
    main()
