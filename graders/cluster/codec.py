"""Dataclasses to JSON-ready data and back, driven by their fields (no field listed here).

A worker's :class:`~graders.trusted.TrustedResult` crosses the broker as JSON, never as a
pickle. :func:`to_data` turns a dataclass (with nested dataclasses, lists, tuples, dicts
and optional values) into plain data; :func:`from_data` rebuilds it from the class's type
hints, so a field added to a result type travels without touching this module::

    data = to_data(result)                      # dict of str, int, float, list, ...
    assert from_data(TrustedResult, data) == result

Unknown keys are an error (both ends run the same version: see
:mod:`~graders.cluster.fingerprint`); a missing key takes the field's default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

_SCALARS = (str, int, float, bool, type(None))


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses become dicts of their fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, _SCALARS):
        return value
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


def from_data(cls: type, data: Any) -> Any:
    """Rebuild a ``cls`` (a dataclass or a typing form of one) from :func:`to_data` output."""
    return _build(cls, data)


def _build(hint: Any, data: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        errors = []
        for arg in (a for a in args if a is not type(None)):
            try:
                return _build(arg, data)
            except (TypeError, ValueError) as error:
                errors.append(str(error))
        raise TypeError(f"{data!r} fits none of {hint}: {'; '.join(errors)}")
    if origin is list:
        return [_build(args[0] if args else Any, v) for v in _expect(data, list)]
    if origin is tuple:
        items = _expect(data, list)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in items)
        if args and len(args) != len(items):
            raise ValueError(f"expected {len(args)} items, got {len(items)}")
        return tuple(_build(a, v) for a, v in zip(args or [Any] * len(items), items, strict=True))
    if origin is dict:
        value = args[1] if args else Any
        return {k: _build(value, v) for k, v in _expect(data, dict).items()}
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, _expect(data, dict))
    if hint is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"expected a number, got {type(data).__name__}")
        return float(data)
    if hint is int and isinstance(data, bool):
        raise TypeError("expected an int, got a bool")
    if hint in _SCALARS:
        return _expect(data, hint)
    raise TypeError(f"cannot rebuild a {hint!r} from JSON")


def _dataclass(cls: type, data: dict) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    return cls(**{name: _build(hints[name], value) for name, value in data.items()})


def _expect(data: Any, kind: type) -> Any:
    if not isinstance(data, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data
