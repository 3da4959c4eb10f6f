"""The one crossing between the core's threads and the GUI thread.

Core events arrive on the event bus's thread; ``CoreBridge`` re-emits each as a
Qt signal, which Qt queues to the GUI thread because the receivers live there.
Slow work the window asks for (reading a book, speaking a sample) runs on a
worker thread through ``run_task``, and its result comes back the same way. No
widget is ever touched from another thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from ..errors import E2AError
from ..eventbus import EventBus
from ..events import Event

log = logging.getLogger(__name__)


class CoreBridge(QObject):
    """Forwards every bus event to the GUI thread as ``event_arrived(event)``."""

    event_arrived = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = bus.subscribe(self._forward)

    def _forward(self, event: Event) -> None:  # on the bus thread
        self.event_arrived.emit(event)

    def close(self) -> None:
        self._unsubscribe()


class _Relay(QObject):
    """Runs callables on the GUI thread; the only QObject a worker thread ever touches."""

    delivered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._run)

    @Slot(object)
    def _run(self, call: Callable[[], None]) -> None:
        try:
            call()
        except RuntimeError as exc:  # the window it was for has been closed meanwhile
            if "already deleted" not in str(exc):
                raise


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="e2a-ui-task")
_relay: _Relay | None = None


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[str], None] | None = None) -> None:
    """Run ``fn`` off the GUI thread (call from the GUI thread); ``on_done(result)`` or
    ``on_error(message)`` then run on the GUI thread. A user-facing error (E2AError)
    fails with its message; anything else fails with a plain sentence and is logged,
    never a traceback dialog. Worker threads hold no Qt object but the relay, so no
    widget is ever created, touched or freed off the GUI thread."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    relay = _relay
    done = on_done or (lambda _result: None)
    failed = on_error or (lambda _message: None)

    def work() -> None:
        try:
            result = fn()
        except E2AError as exc:
            relay.delivered.emit(partial(failed, str(exc)))
        except Exception as exc:  # a bug: logged for the log pane, a sentence for the user
            log.exception("background task failed")
            relay.delivered.emit(partial(failed, f"something went wrong: {exc}"))
        else:
            relay.delivered.emit(partial(done, result))

    _POOL.submit(work)
