"""Closing the window: mid-job it asks to keep the book for later, discard it, or stay, and
closes once the unit in hand is handed back (part of the main window)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QCloseEvent

from . import dialogs, prefs
from .conversion_control import ConversionControl


class WindowClosing(ConversionControl):
    """Quit, the close button and the session's end (SIGTERM) mid-job."""

    def close_keeping(self) -> None:
        """Close as Quit does, keeping a book in progress for later without asking: the
        session is ending (logout, shutdown, `systemctl stop`) and nobody can answer."""
        session = self.session
        if session is not None and session.conversion.wait(0) is None and not self._closing:
            self._closing = dialogs.KEEP  # as the question's "Keep for later" does
            self._on_cancel()  # the window closes once the units in hand are handed back
        self.close()

    def _closed_after_ending(self, choice: str) -> bool:
        """Quit was answered after the book ended (its last seconds went by during the
        question): nothing is left to wait for, so the window closes now, as answered.
        A stopped book asked to be discarded is; a finished one is kept whatever the
        answer. Should the queue have started the next book meanwhile, that one stops as
        answered and the window closes once it has (False: not yet)."""
        if choice == dialogs.DISCARD and self._stopped_at is not None:
            self.waiting.discard(self._stopped_at[0])
        if self.session is not None:
            self._on_cancel()
            return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Mid-job, ask: keep it for later, discard it, or stay. The window closes once the
        unit in hand is handed back (``_on_ended``); the GUI thread never waits for it."""
        session = self.session
        if session is not None and session.conversion.wait(0) is None:
            if self._closing:  # already stopping to close: _on_ended closes the window
                event.ignore()
                return
            choice = self.ask_keep()
            if choice == dialogs.STAY:
                event.ignore()
                return
            self._closing = choice
            if self.session is session:
                self._on_cancel()
                event.ignore()
                return
            if not self._closed_after_ending(choice):  # the book ended while it was asked
                event.ignore()
                return
        logging.getLogger("e2a").removeHandler(self._log_handler)
        prefs.save(self.settings, self)
        event.accept()
