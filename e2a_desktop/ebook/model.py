"""Plain dataclasses passed from the readers to the planner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .language import book_language

VERSE_LINE = "\u2028"
"""Ends a line inside a paragraph (a <br/>: a line of verse, of an address)."""


@dataclass(frozen=True)
class Cover:
    """Cover image bytes with their MIME type."""

    data: bytes
    media_type: str

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
            self.media_type, "jpg"
        )


@dataclass(frozen=True)
class Metadata:
    """What the audiobook's tags will say."""

    title: str
    author: str = ""
    language: str = "en"
    date: str = ""
    description: str = ""
    language_detected: bool = False
    """True when the book did not name its language and it was guessed from the text,
    so the user can tell a guess from what the publisher wrote (`e2a info`)."""

    @property
    def year(self) -> str:
        return self.date[:4] if self.date[:4].isdigit() else ""

    def with_language(self, texts: Iterable[str]) -> Metadata:
        """This metadata with its language settled: its own if it has one, else the text's."""
        language, detected = book_language(self.language, texts)
        return replace(self, language=language, language_detected=detected)


@dataclass(frozen=True)
class Chapter:
    """One chapter: a title and its speakable text (paragraphs separated by blank lines)."""

    title: str
    text: str

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class Book:
    """A whole book as read from a file, before planning."""

    metadata: Metadata
    chapters: list[Chapter]
    cover: Cover | None = None
    source_format: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def char_count(self) -> int:
        return sum(len(c.text) for c in self.chapters)
