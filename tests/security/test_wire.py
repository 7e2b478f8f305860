"""The parent reads the child's files as hostile: no pickles, no bombs, no links, no FIFOs."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import pytest

from graders.trusted import wire


def test_round_trip_of_plain_data(tmp_path):
    value = {"A": np.arange(6.0).reshape(2, 3), "pair": (1, 2.5), "names": ["x", None, True]}
    wire.save(str(tmp_path / "v.json"), str(tmp_path / "v.npz"), value)
    back = wire.load(str(tmp_path / "v.json"), str(tmp_path / "v.npz"))
    assert back["pair"] == (1, 2.5) and back["names"] == ["x", None, True]
    assert type(back["A"]) is np.ndarray and np.array_equal(back["A"], value["A"])


def test_pickled_object_arrays_are_refused(tmp_path):
    np.savez(tmp_path / "r.npz", a0=np.array([object()], dtype=object))
    with pytest.raises(wire.WireError, match="malformed"):
        wire.load_arrays(str(tmp_path / "r.npz"))


def test_compressed_members_are_refused(tmp_path):
    np.savez_compressed(tmp_path / "r.npz", a0=np.zeros(1000))  # a zip bomb would look alike
    with pytest.raises(wire.WireError, match="compressed or too large"):
        wire.load_arrays(str(tmp_path / "r.npz"))


def test_oversized_members_are_refused_before_reading(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(wire.MAX_ARRAY_BYTES // 8 + 1))
    with zipfile.ZipFile(tmp_path / "r.npz", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a0.npy", buffer.getvalue())
    with pytest.raises(wire.WireError, match="too large"):
        wire.load_arrays(str(tmp_path / "r.npz"))


def test_symlinks_and_fifos_are_not_followed(tmp_path):
    secret = tmp_path / "gradebook.json"
    secret.write_text('{"nd": "a0"}')
    (tmp_path / "link.json").symlink_to(secret)
    os.mkfifo(tmp_path / "fifo.json")  # opening it for reading would block forever
    for name in ("link.json", "fifo.json"):
        with pytest.raises(wire.WireError):
            wire.load(str(tmp_path / name), str(tmp_path / "missing.npz"))


def test_named_tuples_are_rebuilt_only_when_allowed():
    from dlnotes.deep import LinearCache

    arrays: dict = {}
    cache = LinearCache(np.ones((2, 1)), np.ones((1, 2)), np.zeros((1, 1)))
    tree = wire.encode(cache, arrays)
    assert type(wire.decode(tree, arrays, named=True)) is LinearCache
    with pytest.raises(wire.WireError):
        wire.decode(tree, arrays)
    with pytest.raises(wire.WireError):
        wire.decode({"named": ["os", "system", []]}, {}, named=True)
