"""Which cluster workers are alive, found by Celery's broadcast ping.

A worker's main process answers pings while its pool speaks, so a worker that
has not answered for ``GONE_AFTER_S`` is gone (killed, cut off), not busy.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

PING_EVERY_S = 1.0
PING_TIMEOUT_S = 1.0
GONE_AFTER_S = 8.0


class WorkerWatch:
    """A thread pinging the cluster; ``alive()`` is the workers heard recently."""

    def __init__(self, app: Celery, clock: Callable[[], float] = time.monotonic) -> None:
        self._app = app
        self._clock = clock
        self._seen: dict[str, float] = {}
        self._concurrency: dict[str, int] = {}
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._heard = threading.Event()
        self.failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="e2a-cluster-ping", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._halt.set()
        self._thread.join(timeout=PING_TIMEOUT_S + 5)

    def alive(self) -> dict[str, int]:
        """Live workers' hostnames and how many processes each speaks with."""
        now = self._clock()
        with self._lock:
            return {host: self._concurrency.get(host, 1) for host, seen in self._seen.items()
                    if now - seen <= GONE_AFTER_S}

    @property
    def pinged(self) -> bool:
        """A first round of pings has come back (until then, no worker is known absent)."""
        return self._heard.is_set()

    def _run(self) -> None:
        failures = 0
        while not self._halt.is_set():
            try:
                replies: list[dict[str, Any]] = self._app.control.ping(timeout=PING_TIMEOUT_S)
                failures = 0
            except Exception as exc:  # Redis gone: said once the ping keeps failing
                failures += 1
                if failures >= 5:
                    self.failure = exc
                log.debug("cluster ping failed: %s", exc)
                self._halt.wait(PING_EVERY_S)
                continue
            now = self._clock()
            new = []
            with self._lock:
                for reply in replies:
                    for host in reply:
                        if host not in self._concurrency:
                            new.append(host)
                        self._seen[host] = now
            for host in new:
                self._learn_concurrency(host)
            self._heard.set()
            self._halt.wait(PING_EVERY_S)

    def _learn_concurrency(self, host: str) -> None:
        try:
            stats = self._app.control.inspect([host], timeout=PING_TIMEOUT_S).stats() or {}
            size = int(stats[host]["pool"]["max-concurrency"])
        except Exception:  # an old or odd worker: one process
            size = 1
        with self._lock:
            self._concurrency[host] = max(1, size)
