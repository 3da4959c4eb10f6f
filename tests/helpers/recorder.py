"""An event observer tests can wait on: no sleeps, only conditions on what happened."""

from __future__ import annotations

import threading
from collections.abc import Callable

from e2a_desktop.events import Event


class Recorder:
    """Keeps every event; ``wait_for`` blocks until a predicate over them holds."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(self, predicate: Callable[[list[Event]], bool], timeout: float = 60,
                 what: str = "") -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self.events), timeout):
                raise AssertionError(f"timed out waiting for {what or predicate}; saw "
                                     f"{[type(e).__name__ for e in self.events][-20:]}")

    def wait_kind(self, kind: type, count: int = 1, timeout: float = 60) -> None:
        self.wait_for(lambda evs: sum(isinstance(e, kind) for e in evs) >= count, timeout,
                      f"{count} x {kind.__name__}")


class StateRecorder:
    """A NodeWorker ``on_state`` observer tests can wait on."""

    def __init__(self) -> None:
        from e2a_node.state import NodeSnapshot

        self.seen: list[NodeSnapshot] = []
        self.cond = threading.Condition()

    def __call__(self, state: object) -> None:
        with self.cond:
            self.seen.append(state)  # type: ignore[arg-type]
            self.cond.notify_all()

    def wait(self, status: object, after: int = 0, timeout: float = 30) -> int:
        """Wait for ``status`` among the states after index ``after``; return the new index."""
        with self.cond:
            ok = self.cond.wait_for(lambda: any(s.status is status for s in self.seen[after:]),
                                    timeout)
            assert ok, f"no {status} within {timeout} s: {[s.status for s in self.seen]}"
            return len(self.seen)
