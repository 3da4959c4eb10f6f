"""Play sample: the selected chapter's first sentences in the chosen voice, off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from ..ebook.model import Book
from ..lexicon import for_book
from ..plan import planning_language
from .bridge import run_task
from .chapter_view import ChapterView
from .core import DesktopCore
from .settings_panel import SettingsPanel

SAMPLE_TEXT = "▶ Play sample"


class SamplePlayer(QObject):
    """Wires the settings panel's sample button to the core's sample speaker."""

    def __init__(self, core: DesktopCore, settings: SettingsPanel, chapters: ChapterView,
                 book: Callable[[], Book | None], failed: Callable[[str], None],
                 parent: QObject | None = None,
                 book_path: Callable[[], Path | None] = lambda: None) -> None:
        super().__init__(parent)
        self._core, self._settings, self._chapters = core, settings, chapters
        self._book, self._failed, self._book_path = book, failed, book_path
        settings.sample_requested.connect(self._on_sample)

    def _on_sample(self) -> None:
        book, voice = self._book(), self._settings.chosen_engine()
        if book is None or voice is None or not book.chapters:
            return
        row = self._chapters.currentIndex().row()
        chapter = book.chapters[row if row >= 0 else 0]
        self._settings.sample.setEnabled(False)
        self._settings.sample.setText("Speaking…")
        # As a conversion says it: the voice's language rules and the user's lexicon
        # (read afresh: the point of a sample is often to hear an entry just written).
        core, path = self._core, self._book_path()
        language = planning_language(voice.language, book.metadata.language)

        def speak() -> Path:
            lexicon = for_book(path, core.paths.data_dir) if path is not None else None
            return core.play_sample(chapter, language, voice, lexicon)

        run_task(speak, self._on_done, self._on_failed)

    def _on_done(self, _path: object) -> None:
        self._settings.sample.setEnabled(True)
        self._settings.sample.setText(SAMPLE_TEXT)

    def _on_failed(self, message: str) -> None:
        self._on_done(None)
        self._failed(message)
