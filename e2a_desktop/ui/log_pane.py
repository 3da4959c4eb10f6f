"""The job's log lines, in a pane the window can fold away."""

from __future__ import annotations

import contextlib
import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class LogPane(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(5000)
        self.setAccessibleName("Log")
        self.setObjectName("logPane")

    def add(self, line: str) -> None:
        self.appendPlainText(f"{time.strftime('%H:%M:%S')}  {line}")


class _Relay(QObject):
    line = Signal(str)


class QtLogHandler(logging.Handler):
    """Python log records → the log pane, from any thread (a queued signal)."""

    def __init__(self, pane: LogPane) -> None:
        super().__init__(logging.INFO)
        self._relay = _Relay()
        self._relay.line.connect(pane.add)

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(RuntimeError):  # the pane is gone (window closed)
            self._relay.line.emit(self.format(record))
