"""What the person changed in the open book, so that it is never lost without asking."""

from __future__ import annotations

from pathlib import Path

from .book_panel import BookPanel
from .chapters import ChapterModel


class BookEdits:
    """The chapter checks and titles, and the title and author, as edited since shown."""

    def __init__(self, chapters: ChapterModel, panel: BookPanel) -> None:
        self._chapters, self._panel = chapters, panel

    def changed(self) -> bool:
        return (self._chapters.edited or self._panel.title.isModified()
                or self._panel.author.isModified())

    def kept(self) -> None:
        """The edits are in the job now (a resume keeps them): nothing is left to lose."""
        self._chapters.edited = False
        self._panel.title.setModified(False)
        self._panel.author.setModified(False)

    @staticmethod
    def question(title: str, doing: str) -> str:
        return f"You changed the chapters or titles of “{title}”. {doing} and lose those changes?"


def replace_question(existing: list[Path]) -> str:
    """Converting would write over audiobooks that exist: the question to ask first."""
    others = len(existing) - 1
    more = f" (and {others} more file{'s' if others != 1 else ''})" if others else ""
    them = "them" if others else "it"
    return f"“{existing[0].name}” already exists in {existing[0].parent}{more}. Replace {them}?"
