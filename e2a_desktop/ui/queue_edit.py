"""Change a queued book's voice and output before its turn comes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from e2a_node.engines.base import VoiceInfo

from .saved import SavedRequest
from .settings_panel import SettingsPanel


class QueuedBookDialog(QDialog):
    """The voice and output boxes of the window, for one queued book.

    The chapters, titles, title and author chosen when it was queued stay as they were.
    """

    def __init__(self, saved: SavedRequest, voices: list[VoiceInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saved = saved
        self.setWindowTitle(f"{saved.label} — voice and output")
        self.settings = SettingsPanel(voices, saved.folder)
        self.settings.sample.hide()  # a sample speaks the open book, not this one
        self.settings.apply(saved)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.settings)
        layout.addWidget(buttons)

    def request(self) -> SavedRequest:
        """The queued book with the voice and output shown now."""
        chosen = self.settings.request_for(self.saved.book_path)
        if chosen is None:  # no voice installed at all: nothing to change
            return self.saved
        return replace(self.saved, voice=chosen.voice, folder=chosen.folder,
                       format=chosen.format, split_chapters=chosen.split_chapters,
                       render_here=chosen.render_here, subtitles=chosen.subtitles,
                       read_along=chosen.read_along, verify=chosen.verify)


def edit_queued(saved: SavedRequest, voices: list[VoiceInfo],
                parent: QWidget | None = None) -> SavedRequest | None:
    """Ask; the changed request, or None when the person cancels."""
    dialog = QueuedBookDialog(saved, voices, parent)
    try:
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
