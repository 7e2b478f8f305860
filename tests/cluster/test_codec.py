"""Dataclasses cross the broker as JSON: the generic round trip of graders.cluster.codec."""

from __future__ import annotations

import dataclasses
import json
import types
import typing

import pytest

from graders.cluster.codec import from_data, to_data
from graders.cluster.messages import MessageError, blob, grade_payload, task_id
from graders.trusted.results import TrustedResult


@dataclasses.dataclass(frozen=True)
class Inner:
    name: str
    weight: float = 1.0


@dataclasses.dataclass
class Outer:
    """Every kind of field the codec supports (its hints are strings, resolved)."""

    inner: Inner
    maybe: Inner | None
    pairs: tuple[int, str]
    many: tuple[Inner, ...]
    table: dict[str, list[Inner]]
    note: str | None = None
    count: int = 3


def _example(hint, n: int = 0):
    """A value of type ``hint`` built from its fields alone (so that the result types can
    change under this test: another engineer refactors them), every field set."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(
            **{
                f.name: _example(hints[f.name], n + i)
                for i, f in enumerate(dataclasses.fields(hint))
                if f.init
            }
        )
    if origin in (typing.Union, types.UnionType):
        return _example(next(a for a in args if a is not type(None)), n)
    if origin is list:
        return [_example(args[0], n), _example(args[0], n + 1)]
    if origin is dict:
        return {f"k{n}": _example(args[1], n)}
    return {str: f"text {n} ✓\n", int: 2**31 - 1 - n, float: 0.1 + 0.2 * n, bool: n % 2 == 0}[hint]


def _trusted() -> TrustedResult:
    result = _example(TrustedResult)
    assert result.exercises and result.cells  # nested records, as a real result has
    return result


def test_a_trusted_result_survives_json():
    result = _trusted()
    text = json.dumps(to_data(result))
    back = from_data(TrustedResult, json.loads(text))
    assert back == result and type(back.exercises[0]) is type(result.exercises[0])
    assert type(back.cells[0]) is type(result.cells[0])


def test_every_field_travels_whatever_the_fields_are():
    """No field list to keep up to date: a new field of any supported kind travels."""
    value = Outer(Inner("a", 2), None, (1, "x"), (Inner("b"),), {"k": [Inner("c", 0.5)]})
    data = json.loads(json.dumps(to_data(value)))
    assert from_data(Outer, data) == value
    assert set(data) == {f.name for f in dataclasses.fields(Outer)}
    del data["count"]
    assert from_data(Outer, data).count == 3  # a missing field takes its default


@pytest.mark.parametrize(
    "change",
    [
        {"surprise": 1},  # a field this version does not have
        {"seed": "12"},  # a string where an int belongs
        {"seed": True},
        {"exercises": [{"function": "f"}]},  # a nested record missing required fields
    ],
)
def test_data_that_does_not_fit_is_refused(change):
    data = {**to_data(_trusted()), **change}
    with pytest.raises((TypeError, ValueError)):
        from_data(TrustedResult, data)


def test_task_ids_are_content_hashes():
    args = ("grade", "ada", "01_numpy", 7, "f" * 64)
    assert task_id(*args, b"{}") == task_id(*args, b"{}")
    assert task_id(*args, b"{}") != task_id(*args, b"{ }")  # other bytes
    assert task_id("grade", "bob", *args[2:], b"{}") != task_id(*args, b"{}")  # other student
    assert task_id("grade", "ada", "01_numpy", 8, "f" * 64, b"{}") != task_id(*args, b"{}")


def test_payload_blobs_are_checked():
    payload = grade_payload("01_numpy", 1, 30, "f" * 64, b"src", b"\xff\x00 not utf-8")
    assert json.loads(json.dumps(payload)) == payload
    assert blob(payload, "notebook") == b"\xff\x00 not utf-8"
    with pytest.raises(MessageError):
        blob({**payload, "notebook": "not base64!"}, "notebook")
    with pytest.raises(MessageError):
        blob({**payload, "notebook": 3}, "notebook")


def test_a_broker_password_is_never_shown():
    from graders.cluster.broker import redact

    assert redact("redis://:s3cret@10.0.0.5:6379/0") == "redis://:***@10.0.0.5:6379/0"
    assert redact("rediss://grader:s3cret@[::1]:6380/1") == "rediss://grader:***@[::1]:6380/1"
    assert redact("redis+socket://:s3cret@/run/redis.sock") == "redis+socket://:***@/run/redis.sock"
    assert redact("redis://10.0.0.5:6379/0") == "redis://10.0.0.5:6379/0"


def test_a_broker_url_can_come_from_the_environment(monkeypatch):
    from graders.cluster.broker import BrokerUnavailableError, broker_url

    monkeypatch.setenv("DLC_TEST_BROKER", "redis://:pw@10.0.0.5:6379/0")
    assert broker_url("env:DLC_TEST_BROKER") == "redis://:pw@10.0.0.5:6379/0"
    assert broker_url("redis://10.0.0.5/0") == "redis://10.0.0.5/0"
    monkeypatch.delenv("DLC_TEST_BROKER")
    with pytest.raises(BrokerUnavailableError, match="DLC_TEST_BROKER is not set"):
        broker_url("env:DLC_TEST_BROKER")
