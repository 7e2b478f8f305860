"""The failure message of a check, for the tests of graders.checks (one copy for all)."""

from __future__ import annotations

import warnings


def failure_message(check, fn, **kwargs) -> str:
    """The check's failure message; no warning may escape it (pytest would otherwise turn
    a RuntimeWarning into an exception that a diagnosis swallows)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check(fn, **kwargs)
        except AssertionError as failure:
            assert not caught, [str(w.message) for w in caught]
            return str(failure)
    raise AssertionError(f"{getattr(fn, '__name__', fn)!r} passed its check")
