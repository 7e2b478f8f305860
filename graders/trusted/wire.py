"""Plain data across the sandbox boundary: a JSON tree plus one buffer of array bytes.

Both sides use this module; it imports only the standard library and numpy, because the
child runs it too. :func:`dumps` turns a value into ``(tree, blob)``: the JSON tree encodes
``None``, bool, int, float, str, ndarrays (``{"nd": [offset, dtype, shape]}`` into the
blob), numpy random Generators (``{"rng": state}``: the child gets a generator in the
same state), dlnotes named tuples (rebuilt only where allowed) and lists, tuples and
str-keyed dicts of those. :func:`loads` trusts nothing in what it is given: only plain
numeric dtypes, shapes and offsets that fit the blob, bounded sizes; nothing is unpickled
or executed.
"""

from __future__ import annotations

import importlib
import json
import math

import numpy as np

MAX_MESSAGE_BYTES = 64_000_000
MAX_ARRAY_BYTES = 16_000_000
MAX_DIMENSIONS = 8


class WireError(Exception):
    """A message from the other side is too large or malformed."""


def encode(value, blob: bytearray):
    """``value`` as a JSON-able tree; its arrays' bytes are appended to ``blob``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.random.Generator):
        return {"rng": value.bit_generator.state}
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)  # a plain base-class copy of the data
        if array.dtype.kind not in "biufc":
            raise TypeError(f"cannot send an array of dtype {array.dtype}")
        offset = len(blob)
        blob += array.tobytes()
        return {"nd": [offset, array.dtype.str, list(array.shape)]}
    if isinstance(value, tuple) and _is_dlnotes_namedtuple(type(value)):
        kind = type(value)
        return {"named": [kind.__module__, kind.__qualname__, [encode(v, blob) for v in value]]}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, blob) for v in value]}
    if isinstance(value, list):
        return {"list": [encode(v, blob) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, encode(v, blob)] for k, v in value.items()]}
    raise TypeError(f"cannot send a {type(value).__name__} across the sandbox boundary")


def _is_dlnotes_namedtuple(kind: type) -> bool:
    return hasattr(kind, "_fields") and kind.__module__.startswith("dlnotes.")


def _array(body, blob: bytes) -> np.ndarray:
    offset, dtype, shape = body
    dtype = np.dtype(str(dtype))
    if dtype.kind not in "biufc" or dtype.hasobject or dtype.itemsize > 16:
        raise ValueError("not a plain numeric dtype")
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMENSIONS
            and all(type(n) is int and 0 <= n for n in shape) and type(offset) is int):
        raise ValueError("a malformed shape")
    count = math.prod(shape)
    size = count * dtype.itemsize
    if size > MAX_ARRAY_BYTES or not 0 <= offset <= len(blob) - size:
        raise ValueError("an array outside its message")
    return np.frombuffer(blob, dtype=dtype, count=count, offset=offset).reshape(shape).copy()


def decode(tree, blob: bytes, *, named: bool = False):
    """The value ``encode`` turned into ``tree``.

    dlnotes named tuples (caches) are rebuilt only when ``named`` (in the child, which
    receives them from the parent); elsewhere they are refused.
    """
    if tree is None or isinstance(tree, bool | int | float | str):
        return tree
    try:
        ((kind, body),) = tree.items()
        if kind == "nd":
            return _array(body, blob)
        if kind == "tuple":
            return tuple(decode(v, blob, named=named) for v in body)
        if kind == "list":
            return [decode(v, blob, named=named) for v in body]
        if kind == "dict":
            return {str(k): decode(v, blob, named=named) for k, v in body}
        if kind == "rng" and named:
            generator = np.random.Generator(np.random.PCG64())
            generator.bit_generator.state = body
            return generator
        if kind == "named" and named:
            module, qualname, items = body
            if module.startswith("dlnotes."):
                cls = getattr(importlib.import_module(module), qualname)
                if _is_dlnotes_namedtuple(cls):
                    return cls(*(decode(v, blob, named=named) for v in items))
    except (AttributeError, KeyError, TypeError, ValueError, ImportError, OverflowError):
        pass
    raise WireError(f"malformed value {str(tree)[:80]!r}")


def dumps(value) -> tuple[bytes, bytes]:
    """``value`` as (JSON bytes, array bytes)."""
    blob = bytearray()
    tree = json.dumps(encode(value, blob)).encode()
    return tree, bytes(blob)


def loads(tree: bytes, blob: bytes, *, named: bool = False):
    """Read what :func:`dumps` made, trusting nothing in the bytes."""
    if len(tree) > MAX_MESSAGE_BYTES or len(blob) > MAX_MESSAGE_BYTES:
        raise WireError("a message from the other side is too large")
    try:
        decoded = json.loads(tree)
    except (ValueError, RecursionError):
        raise WireError("a message from the other side is not valid JSON") from None
    try:
        return decode(decoded, bytes(blob), named=named)
    except RecursionError:
        raise WireError("a message from the other side is nested too deeply") from None
