"""What a task carries and what comes back: plain JSON, built and read here.

A grading task (``dlcourse.grade``) carries one dict::

    {"chapter": "02_logistic", "seed": 12345, "time_limit": 30.0,
     "fingerprint": "<sha256>", "source": "<base64>", "notebook": "<base64>"}

``source`` is the chapter's source notebook (the instructor's setup and test cells),
``notebook`` the submission's bytes; neither names a student or a path. A setup task
(``dlcourse.check_setup``) carries the same without ``notebook``, ``seed`` and
``time_limit``. A worker answers with exactly one of ``{"result": <TrustedResult as
data>}``, ``{"failed": reason}`` (not gradable there: it ended its worker too often),
``{"refused": reason}`` (built for another version) or, for a setup task, ``{"ok": true}``
or ``{"setup_error": message}``.

The task id is a hash of the submission's content and of what it is graded against
(:func:`task_id`), so a redelivered message is the same task and its result is stored
under the same key: the instructor's side records each id once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

GRADE_TASK = "dlcourse.grade"
SETUP_TASK = "dlcourse.check_setup"
QUEUE = "dlcourse"
MAX_NOTEBOOK_BYTES = 20_000_000  # as graders.trusted.notebook reads it


class MessageError(ValueError):
    """A task whose payload is not what :mod:`~graders.cluster.messages` builds."""


def grade_payload(
    chapter: str, seed: int, time_limit: float, fingerprint: str, source: bytes, notebook: bytes
) -> dict:
    """The payload of one grading task."""
    return {
        "chapter": chapter,
        "seed": int(seed),
        "time_limit": float(time_limit),
        "fingerprint": fingerprint,
        "source": _b64(source),
        "notebook": _b64(notebook),
    }


def setup_payload(chapter: str, fingerprint: str, source: bytes) -> dict:
    """The payload of a task that runs the instructor's setup cells alone."""
    return {"chapter": chapter, "fingerprint": fingerprint, "source": _b64(source)}


def task_id(
    kind: str, student: str, chapter: str, seed: int, fingerprint: str, notebook: bytes
) -> str:
    """The id of a task: sha256 of who, which chapter, the seed, the version and the bytes.

    The same submission graded in the same batch always has the same id (a redelivery
    included); the student is part of it so that two students' identical notebooks are
    two results, each written to its own gradebook row.
    """
    digest = hashlib.sha256(f"{kind}\0{student}\0{chapter}\0{int(seed)}\0{fingerprint}\0".encode())
    digest.update(hashlib.sha256(notebook).digest())
    return f"{kind}-{digest.hexdigest()[:40]}"


def field(payload: object, name: str, kind: type):
    """``payload[name]``, checked to be a ``kind`` (:class:`MessageError` otherwise)."""
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get(name), kind)
        or isinstance(payload.get(name), bool)
        and kind is not bool
    ):
        raise MessageError(f"the task has no valid {name!r}")
    return payload[name]


def blob(payload: object, name: str) -> bytes:
    """The bytes of a base64 field, bounded by :data:`MAX_NOTEBOOK_BYTES`."""
    text = field(payload, name, str)
    if len(text) > MAX_NOTEBOOK_BYTES * 4 // 3 + 4:
        raise MessageError(f"the task's {name!r} is larger than {MAX_NOTEBOOK_BYTES} bytes")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise MessageError(f"the task's {name!r} is not base64") from None


def _b64(data: bytes) -> str:
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise MessageError(f"a notebook of {len(data)} bytes is larger than {MAX_NOTEBOOK_BYTES}")
    return base64.b64encode(data).decode("ascii")
