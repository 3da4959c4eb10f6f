"""The job's log lines, in a pane the window can fold away."""

from __future__ import annotations

import contextlib
import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ..events import (
    ChapterEncoded,
    Event,
    JobFailed,
    NodeBack,
    NodeGone,
    NodeJoined,
    NodePaired,
    PairingRefused,
    UnitRejected,
    UnitRequeued,
)
from ..nodestate import display_name


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
    """The log's line for an event ("" for none); nodes named as the Nodes table names them."""
    if isinstance(event, NodePaired):
        return f"node {display_name(event.node, event.name)} paired with this farm"
    if isinstance(event, PairingRefused):
        return f"{display_name(event.node, event.name)} tried to pair with a wrong farm code"
    if isinstance(event, NodeJoined):
        return f"node {display_name(event.node, event.name)} joined"
    if isinstance(event, NodeGone):
        return f"node {display_name(event.node, event.name)} is lost (silent " \
               f"{event.silent_seconds:.0f} s); its unit goes to another node"
    if isinstance(event, NodeBack):
        return f"node {display_name(event.node, event.name)} is back (silent " \
               f"{event.silent_seconds:.0f} s)"
    if isinstance(event, UnitRequeued):
        return _requeued_line(event)
    if isinstance(event, UnitRejected):
        return f"audio of unit {event.unit_id} from {display_name(event.node, event.name)} " \
               f"refused: {event.reason}"
    if isinstance(event, ChapterEncoded):
        return f"chapter {event.chapter + 1} encoded: {event.title}"
    if isinstance(event, JobFailed):
        return f"stopped: {event.message}"
    return ""


def _requeued_line(event: UnitRequeued) -> str:
    who = display_name(event.node, event.name or event.node)
    if event.reason == "paused":
        return f"unit {event.unit_id} taken back from {who} (paused); it stops at its next " \
               "sentence"
    if event.reason == "handed back":
        return f"unit {event.unit_id} handed back by {who}"
    return f"unit {event.unit_id} of {who} goes to another node ({event.reason})"
