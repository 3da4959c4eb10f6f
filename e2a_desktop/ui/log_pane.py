"""The job's log lines, in a pane the window can fold away."""

from __future__ import annotations

import contextlib
import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ..events import ChapterEncoded, Event, JobFailed, NodeGone, NodePaired, UnitRejected


class LogPane(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(5000)
        self.setAccessibleName("Log")
        self.setObjectName("logPane")

    def add(self, line: str) -> None:
        self.appendPlainText(f"{time.strftime('%H:%M:%S')}  {line}")

    def add_event(self, event: Event) -> None:
        """The core events a person wants in the log (a node lost, a chapter encoded…)."""
        line = log_line(event)
        if line:
            self.add(line)


class _Relay(QObject):
    line = Signal(str)


class QtLogHandler(logging.Handler):
    """Python log records → the log pane, from any thread (a queued signal)."""

    def __init__(self, pane: LogPane) -> None:
        super().__init__(logging.INFO)
        self._relay = _Relay()
        self._relay.line.connect(pane.add)

    @classmethod
    def attach(cls, pane: LogPane, logger: logging.Logger) -> QtLogHandler:
        """Show ``logger``'s records in ``pane``; remove the handler when the pane goes."""
        handler = cls(pane)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        return handler

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(RuntimeError):  # the pane is gone (window closed)
            self._relay.line.emit(self.format(record))


def log_line(event: Event) -> str:
    if isinstance(event, NodePaired):
        return f"node {event.name} paired with this farm"
    if isinstance(event, NodeGone):
        return f"node {event.name} is lost (silent {event.silent_seconds:.0f} s); its unit " \
               "goes to another node"
    if isinstance(event, UnitRejected):
        return f"audio of unit {event.unit_id} from {event.node} refused: {event.reason}"
    if isinstance(event, ChapterEncoded):
        return f"chapter {event.chapter + 1} encoded: {event.title}"
    if isinstance(event, JobFailed):
        return f"stopped: {event.message}"
    return ""

