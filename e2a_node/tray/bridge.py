"""The one crossing between the node's worker thread and the tray's GUI thread.

The worker runs on its own thread and asyncio loop (runner.NodeRunner). Its
state snapshots and its request for a farm code arrive here on that thread and
leave as Qt signals, which Qt queues to the GUI thread because the receivers
live there. Commands go back as the runner's thread-safe calls. The worker
thread holds no Qt object but this bridge, and only ever emits its signals.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ..engines.base import Engine
from ..runner import NodeRunner
from ..settings import EngineSettings
from ..state import NodeSnapshot
from ..worker import NodeConfig, NodeWorker

TRAY_NODE_NICE = 10
"""The tray node speaks at low priority: the person at the PC comes first."""


@dataclass(frozen=True)
class PairingAsk:
    """A farm this node is not paired with wants its code; ``wrong``: the last one was not."""

    farm: str
    wrong: bool = False


class NodeBridge(QObject):
    """Owns the worker's thread; forwards its state and pairing requests as signals.

    Signals:
        state_changed(NodeSnapshot): the worker's state changed.
        pairing_requested(PairingAsk): a farm asks for its code (answer with ``answer_pairing``).
        ended(object): the worker has stopped; carries the error, or None.
    """

    state_changed = Signal(object)
    pairing_requested = Signal(object)
    ended = Signal(object)

    def __init__(self, config: NodeConfig,
                 engine_factory: Callable[[EngineSettings], Engine] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: concurrent.futures.Future[str | None] | None = None
        self._closing = False
        self.worker = NodeWorker(config, prompt=self._async_prompt,
                                 engine_factory=engine_factory, on_state=self._forward)
        # Background work on someone's PC: the voice yields the CPU to whatever they run.
        self.runner = NodeRunner(self.worker, name="e2a-tray-node", on_exit=self.ended.emit,
                                 nice=TRAY_NODE_NICE)

    def start(self) -> None:
        self.runner.start()

    def _forward(self, state: NodeSnapshot) -> None:  # on the worker's thread
        self.state_changed.emit(state)

    async def _async_prompt(self, farm: str) -> str | None:  # on the worker's loop
        future: concurrent.futures.Future[str | None] = concurrent.futures.Future()
        with self._lock:
            if self._closing:
                return None
            self._pending = future
        self.pairing_requested.emit(PairingAsk(farm, self.worker.last_pairing_refused == farm))
        return await asyncio.wrap_future(future)

    # -- commands (GUI thread) ---------------------------------------------------------

    def answer_pairing(self, code: str | None) -> None:
        """The code a person typed, or None to pass this farm over."""
        with self._lock:
            future, self._pending = self._pending, None
        if future is not None and not future.done():
            future.set_result(code)

    @property
    def pairing_pending(self) -> bool:
        with self._lock:
            return self._pending is not None

    def pause(self) -> None:
        self.runner.pause()

    def resume(self) -> None:
        self.runner.resume()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker (the unit in hand is handed back) and wait for its thread."""
        with self._lock:
            self._closing = True
        self.answer_pairing(None)
        self.runner.stop(timeout)
