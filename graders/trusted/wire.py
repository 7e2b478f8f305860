"""Plain data across the sandbox boundary: a JSON tree plus the arrays of one ``.npz``.

Both sides use this module; it imports only the standard library and numpy, because the
child runs it too. Arrays are read with ``allow_pickle=False`` from uncompressed ``.npz``
members of bounded size, so a hostile file can neither run code nor exhaust memory.

The JSON tree encodes ``None``, bool, int, float, str, ndarrays (``{"nd": key}``),
numpy random Generators (``{"rng": state}``: the child gets a generator in the same state)
and lists, tuples and str-keyed dicts of those. :func:`dumps` and :func:`loads` do the same
in memory, for pipes.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import stat
import zipfile

import numpy as np

MAX_FILE_BYTES = 64_000_000
MAX_ARRAY_BYTES = 16_000_000


class WireError(Exception):
    """A file from the other side is missing, too large or malformed."""


def encode(value, arrays: dict[str, np.ndarray]):
    """``value`` as a JSON-able tree; its ndarrays are added to ``arrays``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.random.Generator):
        return {"rng": value.bit_generator.state}
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = np.array(value)  # a plain base-class copy
        return {"nd": key}
    if isinstance(value, tuple) and _is_dlnotes_namedtuple(type(value)):
        kind = type(value)
        return {"named": [kind.__module__, kind.__qualname__, [encode(v, arrays) for v in value]]}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return {"list": [encode(v, arrays) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": [[k, encode(v, arrays)] for k, v in value.items()]}
    raise TypeError(f"cannot send a {type(value).__name__} across the sandbox boundary")


def _is_dlnotes_namedtuple(kind: type) -> bool:
    return hasattr(kind, "_fields") and kind.__module__.startswith("dlnotes.")


def decode(tree, arrays, *, named: bool = False):
    """The value ``encode`` turned into ``tree``; ``arrays`` maps keys to ndarrays.

    dlnotes named tuples (caches) are rebuilt only when ``named`` (in the child, which
    receives them from the parent); elsewhere they are refused.
    """
    if tree is None or isinstance(tree, bool | int | float | str):
        return tree
    try:
        ((kind, body),) = tree.items()
        if kind == "nd":
            return arrays[body]
        if kind == "tuple":
            return tuple(decode(v, arrays, named=named) for v in body)
        if kind == "list":
            return [decode(v, arrays, named=named) for v in body]
        if kind == "dict":
            return {str(k): decode(v, arrays, named=named) for k, v in body}
        if kind == "rng" and named:
            generator = np.random.Generator(np.random.PCG64())
            generator.bit_generator.state = body
            return generator
        if kind == "named" and named:
            module, qualname, items = body
            if module.startswith("dlnotes."):
                cls = getattr(importlib.import_module(module), qualname)
                return cls(*(decode(v, arrays, named=named) for v in items))
    except (AttributeError, KeyError, TypeError, ValueError, ImportError, OverflowError):
        pass
    raise WireError(f"malformed value {str(tree)[:80]!r}")


def open_regular(path: str):
    """Open a regular file without following symlinks and without blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise WireError(f"{os.path.basename(path)} is missing ({error.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        os.close(fd)
        raise WireError(f"{os.path.basename(path)} is not a regular file of sane size")
    return os.fdopen(fd, "rb")


def dumps(value) -> tuple[bytes, bytes]:
    """``value`` as (JSON bytes, uncompressed ``.npz`` bytes)."""
    arrays: dict[str, np.ndarray] = {}
    tree = json.dumps(encode(value, arrays)).encode()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return tree, buffer.getvalue()


def loads(tree: bytes, npz: bytes, *, named: bool = False):
    """Read what :func:`dumps` made, trusting nothing in the bytes."""
    if len(tree) > MAX_FILE_BYTES or len(npz) > MAX_FILE_BYTES:
        raise WireError("a message from the other side is too large")
    try:
        decoded = json.loads(tree)
    except (ValueError, RecursionError):
        raise WireError("a message from the other side is not valid JSON") from None
    return decode(decoded, _arrays(io.BytesIO(npz), "the message"), named=named)


def save(path_json: str, path_npz: str, value) -> None:
    """Write ``value`` as ``path_json`` plus ``path_npz``."""
    arrays: dict[str, np.ndarray] = {}
    tree = encode(value, arrays)
    np.savez(path_npz, **arrays)
    with open(path_json, "w") as file:
        json.dump(tree, file)


def load(path_json: str, path_npz: str, *, named: bool = False):
    """Read what ``save`` wrote, trusting nothing in the files."""
    with open_regular(path_json) as file:
        try:
            tree = json.loads(file.read())
        except (ValueError, RecursionError):
            raise WireError(f"{os.path.basename(path_json)} is not valid JSON") from None
    return decode(tree, load_arrays(path_npz), named=named)


def load_arrays(path_npz: str) -> dict[str, np.ndarray]:
    """Every array of an uncompressed ``.npz``, refusing pickles and oversized members."""
    with open_regular(path_npz) as file:
        return _arrays(file, os.path.basename(path_npz))


def _arrays(file, name: str) -> dict[str, np.ndarray]:
    try:
        with zipfile.ZipFile(file) as archive:
            for info in archive.infolist():
                if info.compress_type != zipfile.ZIP_STORED or info.file_size > MAX_ARRAY_BYTES:
                    raise WireError(f"{info.filename} is compressed or too large")
        file.seek(0)
        with np.load(file, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except WireError:
        raise
    except Exception as error:  # zipfile, numpy header and pickle refusals alike
        raise WireError(f"{name} is malformed: {type(error).__name__}") from None
