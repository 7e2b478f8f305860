"""The Celery application both sides use, its delivery settings, and the broker's errors.

Delivery is "at least once", made "exactly once" where it counts (the gradebook) by the
instructor's side recording each task id once:

- ``task_acks_late``: a message is acknowledged when its task has finished, not when a
  worker took it, so a worker that dies mid-task leaves it to be delivered again;
- ``task_reject_on_worker_lost``: a pool process that dies (killed, out of memory) puts
  its message back at once; ``task_acks_on_timeout=False`` does the same when Celery
  kills a task at its hard time limit (the worker counts deliveries and gives up on a
  submission that ends its worker every time: :mod:`~graders.cluster.worker`);
- ``worker_prefetch_multiplier=1``: a worker process holds one message beyond the one it
  grades, so a slow submission does not hold others hostage;
- JSON only (``accept_content``): a message is data, never a pickle to unpickle;
- ``visibility_timeout``: a message taken by a whole worker that vanished (its machine
  died) is given to another after this many seconds; it must exceed the longest task.

The broker's URL may hold a password: :func:`redact` is the only form ever printed.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from graders.errors import DlcourseError

from .messages import QUEUE

DEFAULT_VISIBILITY_TIMEOUT = 900.0  # seconds; above the default task time limit
RESULT_TTL = 2 * 24 * 3600  # results and delivery counts are kept two days


class ClusterNotInstalledError(DlcourseError):
    """Celery or the Redis client is missing: the ``cluster`` extra is not installed."""


class BrokerUnavailableError(DlcourseError):
    """The broker cannot be reached, or no worker answers on it."""

    exit_code = 1


def redact(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``, safe to print or log."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit(
            (parts.scheme, f"{user}:***@{host}{port}", parts.path, parts.query, parts.fragment)
        )
    except ValueError:
        return "<a broker URL that cannot be parsed>"


def broker_url(value: str) -> str:
    """The broker's URL: ``value``, or with ``env:NAME`` the environment variable NAME's.

    ``--broker env:DLCOURSE_BROKER`` keeps the password off the command line (where other
    users of the machine could read it in the process list).
    """
    if not value.startswith("env:"):
        return value
    name = value[4:]
    url = os.environ.get(name, "")
    if not url:
        raise BrokerUnavailableError(
            f"--broker {value}: the environment variable {name} is "
            "not set; set it to the broker's URL"
        )
    return url


def make_app(url: str, *, visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT):
    """The Celery application on the broker ``url`` (also its result store)."""
    try:
        from celery import Celery
    except ImportError:
        raise ClusterNotInstalledError(
            "grading with --broker needs Celery and the Redis client: "
            '`pip install "dlnotes[cluster]"`'
        ) from None
    if not url.startswith(("redis://", "rediss://", "redis+socket://")):
        raise BrokerUnavailableError(
            f"the broker URL {redact(url)} is not a Redis URL "
            "(redis://, rediss:// or redis+socket://)"
        )
    app = Celery("dlcourse", broker=url, backend=url, set_as_current=False)
    transport = {
        "visibility_timeout": int(visibility_timeout),
        "unacked_restore_interval": max(1, min(10, int(visibility_timeout) // 4)),
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 10,
    }
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        event_serializer="json",
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure=True,
        task_acks_on_timeout=False,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        result_expires=RESULT_TTL,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
    )
    return app


def check_broker(app, url: str) -> None:
    """Connect once to the broker and to the result store, or one-line error."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=10)
        app.backend.client.ping()
    except Exception as error:  # any kind of connection failure is the same for the user
        raise BrokerUnavailableError(
            f"cannot reach the broker {redact(url)} ({type(error).__name__}); check that "
            "redis-server runs there, the password and the network"
        ) from None
