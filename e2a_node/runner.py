"""Runs a NodeWorker on its own thread and asyncio loop, commanded from any thread.

The tray, the desktop's built-in node and tests use this; `e2a-node --headless`
runs the worker on the main thread's loop instead. Commands return at once and
take effect within a sentence (stop and pause hand the unit in hand back).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .state import NodeSnapshot
from .worker import NodeWorker

log = logging.getLogger("e2a.node")


def lower_thread_priority(nice: int) -> None:
    """Make the calling thread (and the threads it starts from now on) yield the CPU.

    Linux keeps a nice value per thread, and a thread starts with its creator's: a
    voice loaded and spoken from such a thread runs its compute threads niced too.
    Elsewhere this does nothing (macOS and Windows have no per-thread nice).
    """
    if sys.platform.startswith("linux") and nice > 0:
        thread = threading.get_native_id()
        try:  # relative to where it runs now: never raises a priority (as root it could)
            os.setpriority(os.PRIO_PROCESS, thread,
                           min(19, os.getpriority(os.PRIO_PROCESS, thread) + nice))
        except OSError as exc:  # a sandbox may forbid it: the node works as before
            log.debug("could not lower the speaking threads' priority: %s", exc)


class NodeRunner:
    """Owns the worker's thread. ``on_exit(error)`` is called on that thread when it ends.

    ``nice`` lowers the priority of the threads that load the voice and speak (the
    worker's loop itself, which talks to the farm, keeps its own): the desktop's
    built-in node then leaves the CPU first to the window, to serving the farm's
    nodes and to encoding chapters, which no other PC can do for it, and a node's
    speech work gets out of the way of whatever its owner is doing.
    """

    def __init__(self, worker: NodeWorker, name: str = "e2a-node",
                 on_exit: Callable[[BaseException | None], None] | None = None,
                 nice: int = 0) -> None:
        self.worker = worker
        self.error: BaseException | None = None
        self._on_exit = on_exit or (lambda _e: None)
        self._nice = nice
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    async def _async_main(self) -> None:
        if self._nice:  # the default executor runs the voice's loading and speaking
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(
                thread_name_prefix=f"{self._thread.name}-speech",
                initializer=lower_thread_priority, initargs=(self._nice,)))
        await self.worker.async_run()

    def _run(self) -> None:
        try:
            asyncio.run(self._async_main())
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
        """Un-pair from a coordinator (and leave it now): it needs its code again."""
        self.worker.forget_farm(fingerprint)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def snapshot(self) -> NodeSnapshot:
        return self.worker.state
