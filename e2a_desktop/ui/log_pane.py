"""The job's log lines, in a pane the window can fold away."""

from __future__ import annotations

import contextlib
import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ..events import Event
from ..loglines import log_line

__all__ = ["LogPane", "QtLogHandler", "log_line"]


class LogPane(QPlainTextEdit):
    """Follows the newest line, unless the person has scrolled up to read an older one.

    (QPlainTextEdit alone followed only sometimes: never while its tab was hidden, so
    the Log tab opened on the oldest lines.)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(5000)
        self.setAccessibleName("Log")
        self.setObjectName("logPane")
        self._follow = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    @property
    def following(self) -> bool:
        return self._follow

    def _on_scrolled(self, value: int) -> None:
        # A new line grows the range without moving the value: only a scroll (by the
        # person, or to the end below) gets here, and at the end means "follow".
        self._follow = value >= self.verticalScrollBar().maximum()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

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
