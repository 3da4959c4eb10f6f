"""Runs a NodeWorker on its own thread and asyncio loop, commanded from any thread.

The tray, the desktop's built-in node and tests use this; `e2a-node --headless`
runs the worker on the main thread's loop instead. Commands return at once and
take effect within a sentence (stop and pause hand the unit in hand back).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from .state import NodeSnapshot
from .worker import NodeWorker

log = logging.getLogger("e2a.node")


class NodeRunner:
    """Owns the worker's thread. ``on_exit(error)`` is called on that thread when it ends."""

    def __init__(self, worker: NodeWorker, name: str = "e2a-node",
                 on_exit: Callable[[BaseException | None], None] | None = None) -> None:
        self.worker = worker
        self.error: BaseException | None = None
        self._on_exit = on_exit or (lambda _e: None)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            asyncio.run(self.worker.async_run())
        except BaseException as exc:  # reported to the owner, who decides what it means
            self.error = exc
            if not isinstance(exc, Exception):
                log.exception("node stopped")
        self._on_exit(self.error)

    def stop(self, timeout: float | None = 10.0) -> None:
        """Stop, hand back the unit in hand, and wait for the thread to end."""
        self.worker.stop()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def pause(self) -> None:
        self.worker.pause()

    def resume(self) -> None:
        self.worker.resume()

    def forget_farm(self, fingerprint: str) -> None:
        """Un-pair from a coordinator: it has to be paired with its code again."""
        self.worker.trust.forget(fingerprint)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def snapshot(self) -> NodeSnapshot:
        return self.worker.state
