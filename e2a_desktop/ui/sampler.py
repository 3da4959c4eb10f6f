"""Play sample: the selected chapter's first sentences in the chosen voice, off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from ..ebook.model import Book
from .bridge import run_task
from .chapter_view import ChapterView
from .core import DesktopCore
from .settings_panel import SettingsPanel

SAMPLE_TEXT = "▶ Play sample"


class SamplePlayer(QObject):
    """Wires the settings panel's sample button to the core's sample speaker."""

    def __init__(self, core: DesktopCore, settings: SettingsPanel, chapters: ChapterView,
                 book: Callable[[], Book | None], failed: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core, self._settings, self._chapters = core, settings, chapters
        self._book, self._failed = book, failed
        settings.sample_requested.connect(self._on_sample)

    def _on_sample(self) -> None:
        book, voice = self._book(), self._settings.chosen_engine()
        if book is None or voice is None or not book.chapters:
            return
        row = self._chapters.currentIndex().row()
        chapter = book.chapters[row if row >= 0 else 0]
        self._settings.sample.setEnabled(False)
        self._settings.sample.setText("Speaking…")
        core, language = self._core, book.metadata.language
        run_task(lambda: core.play_sample(chapter, language, voice), self._on_done,
                 self._on_failed)

    def _on_done(self, _path: object) -> None:
        self._settings.sample.setEnabled(True)
        self._settings.sample.setText(SAMPLE_TEXT)

    def _on_failed(self, message: str) -> None:
        self._on_done(None)
        self._failed(message)
