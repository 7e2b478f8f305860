"""Is the learner's function vectorized over the examples?

Timing cannot tell on a busy machine, so we count instead: ``sys.settrace`` reports every
Python line executed in the learner's own code (code outside numpy, the standard library,
site-packages, ``dlnotes`` and ``graders``). A vectorized function runs the same lines for
m = 4 and m = 40 examples; a loop over the examples runs at least one more line per
extra example. The count is deterministic, so machine load cannot change the verdict.

Known blind spot: a loop driven entirely from C (``map(math.exp, ...)``,
``np.vectorize(math.exp)``) runs no Python lines and is not seen.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import numpy

import dlnotes
import graders
from graders.checks._tamper import seal

_settrace = sys.settrace
_gettrace = sys.gettrace


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    for package in (numpy, dlnotes, graders):
        dirs.update(getattr(package, "__path__", []))
    return tuple(sorted(str(Path(d).resolve()) + os.sep for d in dirs if d))


_LIBRARY_DIRS = _library_dirs()


def _is_learner_code(filename: str, cache: dict[str, bool]) -> bool:
    known = cache.get(filename)
    if known is None:
        if filename.startswith("<frozen") or filename.startswith("<string>"):
            known = False
        elif filename.startswith("<"):
            known = True  # exec'd source, e.g. the catalogue's "<catalogue ...>"
        else:
            resolved = str(Path(filename).resolve())
            known = not resolved.startswith(_LIBRARY_DIRS)
        cache[filename] = known
    return known


def count_lines(call: Callable[[], object]) -> int:
    """Run ``call()`` and count the Python line events in the learner's own code.

    Exceptions from ``call`` propagate; the previous trace function is restored.
    """
    count = 0
    cache: dict[str, bool] = {}

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame, event, arg):
        if event == "call" and _is_learner_code(frame.f_code.co_filename, cache):
            return local
        return None

    previous = _gettrace()
    _settrace(global_)
    try:
        call()
    finally:
        _settrace(previous)
    return count


def loops_over_examples(
    call_with_m: Callable[[int], object], small: int = 4, large: int = 40
) -> tuple[bool, int, int]:
    """Compare line counts for ``small`` and ``large`` numbers of examples.

    Returns ``(loops, lines_small, lines_large)``; ``loops`` is True when the large run
    executes at least one extra line per two extra examples.
    """
    lines_small = count_lines(lambda: call_with_m(small))
    lines_large = count_lines(lambda: call_with_m(large))
    loops = (lines_large - lines_small) * 2 >= large - small
    return loops, lines_small, lines_large


seal(sys.modules[__name__])
