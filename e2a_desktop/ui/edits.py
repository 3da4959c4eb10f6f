"""What the person changed in the open book, so that it is never lost without asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..terminal import plural
from .book_panel import BookPanel
from .chapters import ChapterModel
from .dialogs import Question
from .saved import SavedRequest
from .settings_panel import SettingsPanel


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
    def question(title: str, doing: str) -> Question:
        return Question("Lose your changes?", f"You changed the chapters or titles of "
                        f"“{title}”. {doing} and lose those changes?")


def replace_question(existing: list[Path]) -> Question:
    """Converting would write over audiobooks that exist: the question to ask first."""
    others = len(existing) - 1
    more = f" (and {plural(others, 'more file')})" if others else ""
    them = "them" if others else "it"
    return Question(f"Replace the audiobook{'s' if others else ''}?",
                    f"“{existing[0].name}” already exists in {existing[0].parent}{more}. "
                    f"Replace {them}?")


def same_audiobook(made: SavedRequest, now: SavedRequest | None) -> bool:
    """Convert would make now what was made: the same book, chapters, titles, voice and
    output. Whether this PC speaks, and the listening check, are how, not what."""
    return now is not None and replace(now, render_here=made.render_here,
                                       verify=made.verify) == made


def watch_choices(settings: SettingsPanel, chapters: ChapterModel, panel: BookPanel,
                  changed: Callable[[], None]) -> None:
    """Call ``changed`` whenever a choice that shapes the audiobook may have changed."""
    chapters.dataChanged.connect(lambda *_: changed())
    chapters.modelReset.connect(lambda *_: changed())
    for signal in (settings.voice.currentIndexChanged, settings.speaker.currentIndexChanged,
                   settings.speed.valueChanged, settings.format.currentIndexChanged,
                   settings.folder.textChanged, settings.split.toggled,
                   settings.subtitles.currentIndexChanged, settings.read_along.toggled,
                   panel.title.textChanged, panel.author.textChanged):
        signal.connect(lambda *_: changed())
