"""The book at a glance: cover, title and author (editable: they become the tags), facts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..ebook.model import Book
from ..progress import estimate_seconds, format_duration

COVER_SIZE = (120, 170)


class BookPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cover = QLabel()
        self.cover.setObjectName("cover")
        self.cover.setFixedSize(*COVER_SIZE)
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLineEdit()
        self.title.setAccessibleName("Title")
        self.author = QLineEdit()
        self.author.setAccessibleName("Author")
        self.facts = QLabel()
        self.facts.setObjectName("bookFacts")
        self.facts.setWordWrap(True)
        self._speed = 1.0
        self._shown: tuple[Book, int, int] | None = None  # what the facts say, for set_speed
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("&Author", self.author)
        column = QVBoxLayout()
        column.addLayout(form)
        column.addWidget(self.facts)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.cover, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addLayout(column, 1)

    def tab_stops(self) -> tuple[QWidget, ...]:
        """Its fields in the order Tab visits them (as they stand on screen)."""
        return (self.title, self.author)

    def show_book(self, book: Book) -> None:
        meta = book.metadata
        self.title.setText(meta.title)
        self.author.setText(meta.author)
        self._from_start()
        pixmap = QPixmap()
        if book.cover is not None and pixmap.loadFromData(book.cover.data):
            self.cover.setPixmap(pixmap.scaled(*COVER_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation))
        else:
            self.cover.setPixmap(QPixmap())
            self.cover.setText("no cover")
        self.show_facts(book, len(book.chapters), book.char_count)

    def restore(self, title: str | None, author: str | None) -> None:
        """Put back the title and author a person had typed (None: the book's own)."""
        if title:
            self.title.setText(title)
        if author is not None:
            self.author.setText(author)
        self._from_start()

    def _from_start(self) -> None:
        """Show a long title from its first word: setText leaves the cursor at the end, and
        a narrow field (800×600) would show "hree Fables of Aesop"."""
        for field in (self.title, self.author):
            field.setCursorPosition(0)

    def show_facts(self, book: Book, chapters: int, chars: int) -> None:
        self._shown = (book, chapters, chars)
        language = book.metadata.language or "unknown"
        self.facts.setText(
            f"{book.source_format.upper() or 'Book'} · language {language} · "
            f"{chapters} of {len(book.chapters)} chapters · {chars:,} characters · "
            f"about {format_duration(estimate_seconds(chars, self._speed))} of audio")

    def set_speed(self, speed: float) -> None:
        """The Speed chosen: the length said is at that speed (1.10× is a tenth shorter;
        the household saw 2:49 at any speed)."""
        if speed <= 0 or speed == self._speed:
            return
        self._speed = speed
        if self._shown is not None:
            self.show_facts(*self._shown)
