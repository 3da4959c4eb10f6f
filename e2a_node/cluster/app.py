"""The Celery app both sides share: broker URL, serializer, reliability settings.

Why these settings (the first distributed design of e2a got them wrong):

- msgpack only, never pickle: a broker is a network service, and unpickling what
  comes out of it runs code. msgpack carries unit audio as raw bytes, so a WAV
  does not grow by a third as base64 in JSON would make it.
- ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged
  when the unit is spoken, so a worker process that dies mid-unit has it
  delivered again. The coordinator's farm is the source of truth besides: a
  worker that stops answering has its units handed back and leased elsewhere.
- ``worker_direct``: every worker also listens on a queue of its own, so the
  coordinator gives units to a named worker (one lease per worker slot, the way
  a LAN node holds a unit and asks for the next one ahead), and shows which
  worker speaks which unit.
- One app per process and URL (``cluster_app``): its broker pool and result
  backend are the process's one Redis connection pool, not one per chapter.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import E2AError

if TYPE_CHECKING:
    from celery import Celery

INSTALL_LINE = "pip install 'e2a[cluster]'"
SCHEMES = ("redis", "rediss")
SPEAK_UNIT = "e2a.speak_unit"
"""Task names say what they are: Flower lists them as they are."""
CAPABILITIES = "e2a.capabilities"
QUEUE = "e2a"
SOFT_TIME_LIMIT_S = 1800
"""A unit (about 1,800 characters) takes seconds on a GPU and a few minutes on a slow CPU
with a heavy voice; half an hour means the engine hangs, and the task ends with an error."""
TIME_LIMIT_S = SOFT_TIME_LIMIT_S + 60
VISIBILITY_TIMEOUT_S = 2 * TIME_LIMIT_S
"""How long Redis keeps a delivered, unacknowledged message before giving it out again.
Longer than any task may run, or a slow unit would be spoken twice at once."""
RESULT_EXPIRES_S = 3600
"""Results the coordinator never read (it was killed, the unit was done elsewhere) leave
Redis after an hour; those it reads are deleted at once."""
TASK_EXPIRES_S = 900
"""A unit not started within this time is dropped by the worker (the coordinator has long
since leased it elsewhere): a worker back after a crash does not speak stale units."""
CONNECT_TIMEOUT_S = 5.0


class ClusterError(E2AError):
    """The cluster cannot be used: the extra is missing, a bad URL, Redis unreachable."""


def require_celery() -> None:
    """Raise ClusterError with the line that installs the extra when it is missing."""
    try:
        import celery  # noqa: F401
        import msgpack  # noqa: F401
        import redis  # noqa: F401
    except ImportError as exc:
        raise ClusterError(f"--cluster needs Celery and Redis ({exc.name} is not installed); "
                           f"install them with: {INSTALL_LINE}") from None


def check_url(url: str) -> str:
    """A redis:// or rediss:// URL with a host; else ClusterError (one line)."""
    parts = urlsplit(url)
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if parts.scheme not in SCHEMES or not parts.hostname or not port_ok:
        raise ClusterError(f"'{redact(url)}' is not a cluster URL like "
                           "redis://[:password@]host:6379/0 (or rediss:// for TLS)")
    return url


def redact(url: str) -> str:
    """The URL as it may be printed: any password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{user}:***@{host}{port}").geturl()


def where(url: str) -> str:
    """host:port of a cluster URL, for messages."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}"


def settings(url: str) -> dict[str, Any]:
    """The Celery configuration for a broker URL (the result backend is the same Redis)."""
    return {
        "broker_url": url,
        "result_backend": url,
        "task_serializer": "msgpack",
        "result_serializer": "msgpack",
        "accept_content": ["msgpack"],
        "result_accept_content": ["msgpack"],
        "event_serializer": "json",  # Flower reads events; they carry no audio
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_track_started": True,
        "task_soft_time_limit": SOFT_TIME_LIMIT_S,
        "task_time_limit": TIME_LIMIT_S,
        "task_default_queue": QUEUE,
        "worker_direct": True,
        "worker_prefetch_multiplier": 1,
        "worker_send_task_events": True,  # Flower's live view
        "task_send_sent_event": True,
        "worker_hijack_root_logger": False,
        "result_expires": RESULT_EXPIRES_S,
        "result_extended": False,
        "broker_transport_options": {"visibility_timeout": VISIBILITY_TIMEOUT_S,
                                     "socket_connect_timeout": CONNECT_TIMEOUT_S},
        "redis_socket_connect_timeout": CONNECT_TIMEOUT_S,
        "redis_socket_timeout": 30.0,
        "redis_retry_on_timeout": True,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": CONNECT_TIMEOUT_S,
        "broker_pool_limit": 4,
    }


_apps: dict[str, Celery] = {}
_apps_lock = threading.Lock()


def cluster_app(url: str) -> Celery:
    """This process's Celery app for ``url``: made once, so one connection pool."""
    require_celery()
    check_url(url)
    from celery import Celery

    with _apps_lock:
        app = _apps.get(url)
        if app is None:
            app = _apps[url] = Celery("e2a", set_as_current=False)
            app.conf.update(settings(url))
        return app


def check_broker(url: str) -> None:
    """Connect to the Redis once, now: a wrong password or an unreachable host is one
    line (ClusterError), before anything is planned or spoken."""
    require_celery()
    check_url(url)
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_S,
                                  socket_timeout=CONNECT_TIMEOUT_S)
    try:
        client.ping()
    except redis.AuthenticationError:
        raise ClusterError(f"the Redis at {where(url)} refused the password in the cluster "
                           "URL (redis://:PASSWORD@host:port/0)") from None
    except redis.ResponseError as exc:  # e.g. NOAUTH: the server wants a password
        raise ClusterError(f"the Redis at {where(url)} refused the connection: {exc}") from None
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ClusterError(f"cannot reach the Redis at {where(url)}: {reason}") from None
    finally:
        client.close()
