"""The one crossing between the node's worker thread and the tray's GUI thread.

The worker runs on its own thread and asyncio loop (runner.NodeRunner). Its
state snapshots and the farms it offers to join arrive here on that thread and
leave as Qt signals, which Qt queues to the GUI thread because the receivers
live there. Commands go back as the runner's thread-safe calls. The worker
thread holds no Qt object but this bridge, and only ever emits its signals.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ..engines.base import Engine
from ..joining import FarmOffer
from ..runner import NodeRunner
from ..settings import EngineSettings
from ..state import NodeSnapshot
from ..worker import NodeConfig, NodeWorker

TRAY_NODE_NICE = 10
"""The tray node speaks at low priority: the person at the PC comes first."""


class NodeBridge(QObject):
    """Owns the worker's thread; forwards its state and the farms it offers as signals.

    Signals:
        state_changed(NodeSnapshot): the worker's state changed.
        offers_changed(tuple[FarmOffer, ...]): the farms this PC is not paired with that
            can be joined now, every one of them (answer with ``answer_offer``; the worker
            does not wait for it); empty when none is.
        ended(object): the worker has stopped; carries the error, or None.
    """

    state_changed = Signal(object)
    offers_changed = Signal(object)
    ended = Signal(object)

    def __init__(self, config: NodeConfig,
                 engine_factory: Callable[[EngineSettings], Engine] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = NodeWorker(config, engine_factory=engine_factory, on_state=self._forward,
                                 on_offer=self.offers_changed.emit)
        # Background work on someone's PC: the voice yields the CPU to whatever they run.
        self.runner = NodeRunner(self.worker, name="e2a-tray-node", on_exit=self.ended.emit,
                                 nice=TRAY_NODE_NICE)

    def start(self) -> None:
        self.runner.start()

    def _forward(self, state: NodeSnapshot) -> None:  # on the worker's thread
        self.state_changed.emit(state)

    # -- commands (GUI thread) ---------------------------------------------------------

    def answer_offer(self, offer: FarmOffer, code: str | None) -> None:
        """The code a person typed for ``offer``, or None to pass that farm over."""
        self.worker.answer_offer(offer.fingerprint, code)

    def pause(self) -> None:
        self.runner.pause()

    def resume(self) -> None:
        self.runner.resume()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker (the unit in hand is handed back) and wait for its thread."""
        self.runner.stop(timeout)
