"""Nothing the sandbox can import computes a graded answer, whatever its name.

For each chapter, every callable that dlnotes defines in the chapter's view (what
``import dlnotes...`` finds in the sandbox) is called, in a process that sees only that
view, on the hidden cases of every exercise of that chapter and the later ones, with the
arguments as given and as one-line wrappers would adapt them (a ``dA`` of ones in front,
the two arguments swapped). Its results are then judged in this process by the real
checks, exactly as a learner's function would be: none may pass. The check library itself
is not in the sandbox at all (its stand-in only records calls).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from graders.checks import get_spec
from graders.exercises import CHAPTERS, EXERCISES
from graders.trusted import verify, wire
from graders.trusted.overlay import build_engine, build_views, ensure_view

PROBE = Path(__file__).with_name("sandbox_probe.py")


def _variants(calls: list[dict]) -> dict[str, list[dict]]:
    """The case's calls as given, and as a wrapper might adapt them."""
    out = {"as given": calls}
    first = calls[0]["args"]
    if first and isinstance(first[0], np.ndarray):
        out["ones in front"] = [{"args": [np.ones_like(c["args"][0]), *c["args"]],
                                 "kwargs": c["kwargs"]} for c in calls]
    if len(first) == 2:
        out["swapped"] = [{"args": c["args"][::-1], "kwargs": c["kwargs"]} for c in calls]
    return out


def _probe(chapter: str, cases: dict) -> dict:
    views = build_views()
    ensure_view(views, chapter)
    tree, npz = wire.dumps(cases)
    done = subprocess.run([sys.executable, "-I", str(PROBE), str(views / chapter),
                           str(build_engine())], input=f"{len(tree)} {len(npz)}\n".encode()
                          + tree + npz, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    head, _, body = done.stdout.partition(b"\n")
    a, b = map(int, head.split())
    return wire.loads(body[:a], body[a:a + b])


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_importable_callable_reproduces_a_graded_answer(chapter):
    later = CHAPTERS[CHAPTERS.index(chapter):]
    exercises = [e for e in EXERCISES if e.chapter in later]
    specs, cases, keys = {}, {}, {}
    for e in exercises:
        spec = get_spec(e.module, e.function)
        specs[e.function] = spec
        hidden = spec.cases(1234, hidden=True)
        plans = verify.calls_for(spec, hidden)
        for name, calls in _variants(plans[0]).items():
            key = f"{e.module}.{e.function} / {name}"
            cases[key] = calls
            keys[key] = (spec, hidden[0])
    found = _probe(chapter, cases)
    assert len(found) > 30, sorted(found)  # the view's dlnotes really was probed
    reproduced = []
    for callable_name, by_key in found.items():
        for key, outcomes in by_key.items():
            spec, case = keys[key]
            if verify.replay(spec, case, outcomes) is None:
                reproduced.append(f"{callable_name} reproduces {key}")
    assert reproduced == []


def test_the_probe_finds_an_answer_where_there_is_one():
    """The same probe on the full dlnotes (the grader's own view) does find answers."""
    spec = get_spec("logistic", "forward")
    case = spec.cases(1234, hidden=True)[0]
    root = Path(__file__).resolve().parents[2]
    tree, npz = wire.dumps({"forward": verify.calls_for(spec, [case])[0]})
    done = subprocess.run([sys.executable, "-I", str(PROBE), str(root), str(build_engine())],
                          input=f"{len(tree)} {len(npz)}\n".encode() + tree + npz,
                          capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    head, _, body = done.stdout.partition(b"\n")
    a, b = map(int, head.split())
    found = wire.loads(body[:a], body[a:a + b])
    passing = [n for n, by in found.items() if verify.replay(spec, case, by["forward"]) is None]
    assert "dlnotes.logistic.forward" in passing
