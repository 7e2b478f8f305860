"""What a graded function returns, and how a check reads it: output structures.

Each output turns the learner's return value into a flat ``{name: float array}`` (its
``flatten``), or raises :class:`CheckFailure` saying what is wrong with its *structure*
(a number where an array belongs, a missing key, a tuple in the wrong order); values are
compared afterwards, by :class:`~graders.checks._spec.Spec`.

- ``Array(name, hint)``: an exact float64 ``ndarray`` (``hint`` when a number comes back);
- ``Scalar(name, hint)``: a float, ``np.float64`` or 0-d float array (a cost);
- ``Dict(name, {key: output})``: exact keys, checked first (``None``: any keys of arrays);
- ``Tuple(name, [outputs])``: a tuple of named items;
- ``Seq(name, [outputs])``: a tuple or list in a fixed order (a cache; a swapped pair is
  named); ``SeqOf(name, output)``: a list of any length.

Flattened keys are the output names, nested ones joined with dots (``"cache.Z1"``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from graders.checks._diagnose import key_message
from graders.checks._spec import CheckFailure
from graders.checks._tamper import seal


class Array:
    """A float64 ``numpy.ndarray`` output named ``name`` (exact type: no subclasses)."""

    def __init__(self, name: str, hint: str = ""):
        self.name = name
        self.hint = hint  # added when the value is a number instead of an array

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        key = path or self.name
        if type(value) is not np.ndarray:
            message = f"{key} is {_describe(value)}, expected a numpy ndarray"
            number = isinstance(value, (float, int, np.floating, np.integer))
            raise CheckFailure(f"{message}: {self.hint}" if number and self.hint else message)
        out[key] = np.array(value, copy=True)


class Scalar:
    """A number output (a cost): a Python float, a numpy float64 scalar, or the 0-d float64
    array that ``np.squeeze`` returns. Any other array (e.g. ``(1, 1)``) is rejected."""

    def __init__(self, name: str, hint: str = "return float(...) of it"):
        self.name = name
        self.hint = hint

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        key = path or self.name
        kind = type(value)
        if kind is float or kind is np.float64:
            out[key] = np.array(value, dtype=np.float64)
            return
        if kind is np.ndarray and value.shape == () and value.dtype == np.float64:
            out[key] = np.array(value, copy=True)
            return
        if kind is np.ndarray:
            outer = value.ndim == 2 and value.shape[0] == value.shape[1] > 1
            hint = _OUTER_HINT if outer else self.hint
            raise CheckFailure(
                f"{key} is an array of shape {value.shape}, expected a number: {hint}"
            )
        raise CheckFailure(f"{key} is {_describe(value)}, expected a float: {self.hint}")


class Dict:
    """A dict output. ``fields`` maps key -> output; None accepts any keys of arrays."""

    def __init__(self, name: str, fields: dict[str, Any] | None = None):
        self.name = name
        self.fields = fields

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        label = path or self.name
        if type(value) is not dict:
            keys = f" with keys {', '.join(map(repr, self.fields))}" if self.fields else ""
            raise CheckFailure(f"{label} is {_describe(value)}, expected a dict{keys}")
        for key in value:
            if type(key) is not str:
                raise CheckFailure(f"{label} has a key {key!r} that is not a string")
        if self.fields is not None and set(value) != set(self.fields):
            raise CheckFailure(f"{label}: {key_message(set(value), set(self.fields))}")
        for key, item in value.items():
            inner = (self.fields or {}).get(key, Array(key))
            inner.flatten(item, f"{path}.{key}" if path else key, out)


class Tuple:
    """A tuple output with named items, e.g. ``Tuple("result", [Array("Z"), cache])``."""

    def __init__(self, name: str, items: Sequence[Any]):
        self.name = name
        self.items = tuple(items)

    def flatten(self, value: Any, path: str, out: dict[str, np.ndarray]) -> None:
        label = path or self.name
        if not isinstance(value, tuple):
            raise CheckFailure(
                f"{label} is {_describe(value)}, expected a tuple of {len(self.items)} items "
                f"({', '.join(i.name for i in self.items)})"
            )
        if len(value) != len(self.items):
            raise CheckFailure(
                f"{label} has {len(value)} items, expected {len(self.items)} "
                f"({', '.join(i.name for i in self.items)})"
            )
        for item, spec in zip(value, self.items, strict=True):
            spec.flatten(item, f"{path}.{spec.name}" if path else spec.name, out)


_OUTER_HINT = (
    "an (m, m) outer product, a column times a row such as np.dot(Y.T, np.log(A)), pairs "
    "every label with every prediction; pair each label with its own prediction, "
    "np.dot(Y, np.log(A).T) or np.sum(Y * np.log(A))"
)


def _describe(value: Any) -> str:
    kind = type(value)
    if kind is np.ndarray:
        return f"an array of shape {value.shape}"
    if isinstance(value, np.ndarray):
        return f"an ndarray subclass ({kind.__name__}), not a plain numpy array"
    if isinstance(value, (np.floating, np.integer)):
        return f"a numpy scalar ({kind.__name__}), a single number"
    if value is None:
        return "None (did you forget to return it?)"
    return f"a {kind.__name__}"


class Seq:
    """A tuple or list of named items in a fixed order, e.g. a cache ``(A_prev, W, b)``.

    Named tuples pass (they are tuples). When the items come in another order, say so.
    """

    def __init__(self, name: str, items):
        self.name = name
        self.items = tuple(items)

    @property
    def order(self) -> str:
        return "(" + ", ".join(item.name for item in self.items) + ")"

    def flatten(self, value, path: str, out: dict) -> None:
        label = path or self.name
        if not isinstance(value, (tuple, list)):
            raise CheckFailure(f"{label} is {_describe(value)}, expected a tuple {self.order}")
        if len(value) != len(self.items):
            raise CheckFailure(
                f"{label} has {len(value)} entries, expected {len(self.items)} entries {self.order}"
            )
        try:
            self._flatten_items(value, path, out)
        except CheckFailure:
            if len(value) == 2 and self._fits(value[::-1], path):
                raise CheckFailure(
                    f"{label} is in the wrong order: it must be {self.order}"
                ) from None
            raise

    def _flatten_items(self, value, path: str, out: dict) -> None:
        for item, spec in zip(value, self.items, strict=True):
            spec.flatten(item, f"{path}.{spec.name}" if path else spec.name, out)

    def _fits(self, value, path: str) -> bool:
        try:
            self._flatten_items(value, path, {})
        except CheckFailure:
            return False
        return True


class SeqOf:
    """A list (or tuple) of any length, every item flattened by ``item`` as ``name[i]``."""

    def __init__(self, name: str, item):
        self.name = name
        self.item = item

    def flatten(self, value, path: str, out: dict) -> None:
        label = path or self.name
        if not isinstance(value, (tuple, list)):
            raise CheckFailure(f"{label} is {_describe(value)}, expected a list")
        for i, entry in enumerate(value):
            self.item.flatten(entry, f"{label}[{i}]", out)


seal(sys.modules[__name__])
