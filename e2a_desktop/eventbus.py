"""One place where core events are published and delivered.

Publishing only enqueues, so any thread may publish, even under its own lock.
Delivery happens on one thread ("e2a-events"), in publication order, to every
subscriber; a subscriber that raises is logged and the others still get the
event. Front ends hop from that thread to theirs (Qt: a queued signal).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from .events import Event, Observer

log = logging.getLogger(__name__)

_CLOSE = object()


class EventBus:
    """Several observers, one delivery thread, order preserved."""

    def __init__(self) -> None:
        self._queue: queue.Queue[object] = queue.Queue()
        self._observers: list[Observer] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._deliver, name="e2a-events", daemon=True)
        self._thread.start()

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Add an observer; returns the call that removes it again."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def emit(self, event: Event) -> None:
        """Publish from any thread; returns at once."""
        self._queue.put(event)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything published so far has been delivered."""
        if threading.current_thread() is self._thread:
            return True  # an observer flushing would wait for itself
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self) -> None:
        """Deliver what is queued, then stop the delivery thread."""
        if self._thread.is_alive():
            self._queue.put(_CLOSE)
            if threading.current_thread() is not self._thread:
                self._thread.join(timeout=10)

    def _deliver(self) -> None:
        while True:
            item = self._queue.get()
            if item is _CLOSE:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            with self._lock:
                observers = list(self._observers)
            for observer in observers:
                try:
                    observer(item)  # type: ignore[arg-type]
                except Exception:  # one broken observer must not silence the others
                    log.exception("observer %r failed on %r", observer, item)
