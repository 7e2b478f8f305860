"""The parent reads what the child sends as hostile: no pickles, no bombs, no lies about
where an array is, how large it is or what it holds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from graders.trusted import wire


def test_round_trip_of_plain_data():
    value = {"A": np.arange(6.0).reshape(2, 3), "pair": (1, 2.5), "names": ["x", None, True],
             "mask": np.array([True, False]), "ints": np.arange(3, dtype=np.int8)[::2]}
    back = wire.loads(*wire.dumps(value))
    assert back["pair"] == (1, 2.5) and back["names"] == ["x", None, True]
    for key in ("A", "mask", "ints"):
        assert type(back[key]) is np.ndarray and back[key].dtype == value[key].dtype
        assert np.array_equal(back[key], value[key])
    assert back["A"].flags.writeable and back["A"].base is None  # a copy, not a view


def test_a_generator_arrives_in_the_same_state():
    rng = np.random.default_rng(7)
    rng.standard_normal(3)
    copy = wire.loads(*wire.dumps({"rng": rng}), named=True)["rng"]
    assert np.array_equal(copy.standard_normal(4), rng.standard_normal(4))
    with pytest.raises(wire.WireError):
        wire.loads(*wire.dumps({"rng": rng}))  # only the child rebuilds generators


def test_object_arrays_cannot_be_sent_or_received():
    with pytest.raises(TypeError):
        wire.dumps(np.array([object()], dtype=object))
    tree = json.dumps({"nd": [0, "|O", [1]]}).encode()
    with pytest.raises(wire.WireError, match="malformed"):
        wire.loads(tree, b"\0" * 8)


@pytest.mark.parametrize("body", [
    [0, "<f8", [10]],  # more than the blob holds
    [-8, "<f8", [1]],  # before the blob
    [0, "<f8", [-1]],  # a negative dimension
    [0, "<f8", [2**40, 2**40]],  # a size that overflows into nonsense
    [0, "<f8", [1] * 40],  # too many dimensions
    [0, "V8", [1]],  # raw bytes
    [0, "f8,i4", [1]],  # a structured dtype
    [0.5, "<f8", [1]],  # an offset that is not an integer
])
def test_arrays_that_lie_about_their_place_or_kind_are_refused(body):
    tree = json.dumps({"nd": body}).encode()
    with pytest.raises(wire.WireError, match="malformed"):
        wire.loads(tree, b"\0" * 16)


def test_oversized_messages_and_arrays_are_refused():
    size = wire.MAX_ARRAY_BYTES // 8 + 1
    with pytest.raises(wire.WireError):
        wire.loads(json.dumps({"nd": [0, "<f8", [size]]}).encode(), b"\0" * (size * 8))
    with pytest.raises(wire.WireError, match="too large"):
        wire.loads(b"[]", b"\0" * (wire.MAX_MESSAGE_BYTES + 1))


def test_deep_nesting_is_refused_not_a_crash():
    tree = b'{"list": [' * 100_000 + b"1" + b"]}" * 100_000
    with pytest.raises(wire.WireError):
        wire.loads(tree, b"")


def test_named_tuples_are_rebuilt_only_when_allowed():
    from dlnotes.deep import LinearCache

    cache = LinearCache(np.ones((2, 1)), np.ones((1, 2)), np.zeros((1, 1)))
    message = wire.dumps(cache)
    assert type(wire.loads(*message, named=True)) is LinearCache
    with pytest.raises(wire.WireError):
        wire.loads(*message)
    with pytest.raises(wire.WireError):
        wire.loads(json.dumps({"named": ["os", "system", []]}).encode(), b"", named=True)
