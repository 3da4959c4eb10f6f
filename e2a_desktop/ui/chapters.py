"""The chapter list's model: a checkbox, an editable title, size, estimated minutes, state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ..ebook.model import Book
from ..events import ChapterEncoded, Event
from ..progress import estimate_seconds, format_duration
from .rows_model import Index, RowsModel


@dataclass
class ChapterRow:
    title: str
    chars: int
    included: bool = True
    state: str = ""
    seconds: float | None = None  # as spoken, once its chapter is encoded (else estimated)


LOCKED_TIP = "Being converted with these chapters and titles: Cancel first to change them."


class ChapterModel(RowsModel):
    """Rows of the book's chapters; the user's choices are read back by the window."""

    COLUMNS = ("", "Title", "Characters", "Length", "State")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ChapterRow] = []
        self.edited = False  # the person changed checks or titles since the book was shown
        self.locked = False
        """A conversion is running on these choices: they are shown, not changed (a change
        would be shown but not in the audiobook)."""
        self._speed = 1.0

    def set_speed(self, speed: float) -> None:
        """The Speed chosen: each chapter's estimated length is at it, as the book's is
        (at 1.10× the rows added up to 2:22 beside the book's "about 2:09")."""
        if speed <= 0 or speed == self._speed:
            return
        self._speed = speed
        if self.rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self.rows) - 1, 3))

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        if self.rows:  # the view asks the flags again
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 4))

    def load(self, book: Book) -> None:
        self.beginResetModel()
        self.rows = [ChapterRow(c.title, len(c.text)) for c in book.chapters]
        self.edited = False
        self.endResetModel()

    def included(self) -> list[int]:
        return [i for i, row in enumerate(self.rows) if row.included]

    def titles(self) -> list[str]:
        return [row.title for row in self.rows]

    def restore(self, included: tuple[int, ...] | None, titles: tuple[str, ...] | None) -> None:
        """Put back the choices a saved request made (for resuming or a queued book)."""
        for i, row in enumerate(self.rows):
            row.included = included is None or i in included
            if titles is not None and len(titles) == len(self.rows):
                row.title = titles[i]
        self.edited = False
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 4))

    def set_state(self, chapter: int, state: str) -> None:
        self.set_states({chapter: state})

    def set_states(self, states: dict[int, str]) -> None:
        """Chapters' states, told to the view in one change: a change per chapter had the
        view measure the whole State column again each time (150 chapters starting
        together stalled the window for seconds)."""
        changed = [c for c, state in states.items()
                   if 0 <= c < len(self.rows) and self.rows[c].state != state]
        for chapter in changed:
            self.rows[chapter].state = states[chapter]
        if changed:
            self.dataChanged.emit(self.index(min(changed), 4), self.index(max(changed), 4))

    def on_event(self, event: Event) -> None:
        """A chapter encoded: its Length is what was spoken, no longer an estimate (the
        household run saw 0:55 estimated beside a chapter of 0:47 after the book was done)."""
        if isinstance(event, ChapterEncoded) and 0 <= event.chapter < len(self.rows):
            self.rows[event.chapter].seconds = event.duration
            self.dataChanged.emit(self.index(event.chapter, 3), self.index(event.chapter, 3))

    def reset_states(self) -> None:
        for row in self.rows:
            row.state = ""
        if self.rows:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self.rows) - 1, 4))

    def set_all(self, included: bool) -> None:
        self.set_rows(range(len(self.rows)), included)

    def set_rows(self, rows: Iterable[int], included: bool) -> None:
        """Check (or uncheck) these rows: the bulk commands and Space over a selection."""
        if self.locked:
            return
        for i in rows:
            if 0 <= i < len(self.rows):
                self.rows[i].included = included
        self.edited = True
        self._checks_changed()

    def invert(self) -> None:
        if self.locked:
            return
        for row in self.rows:
            row.included = not row.included
        self.edited = True
        self._checks_changed()

    def check_state(self) -> Qt.CheckState:
        """All, none or some chapters checked: what the header's checkbox shows."""
        chosen = len(self.included())
        if chosen and chosen == len(self.rows):
            return Qt.CheckState.Checked
        return Qt.CheckState.PartiallyChecked if chosen else Qt.CheckState.Unchecked

    def _checks_changed(self) -> None:
        if self.rows:  # the whole row: an unchecked chapter is drawn grey
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 4))

    # -- QAbstractTableModel --------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)  # chapter numbers
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = self.rows[index.row()], index.column()
        if column == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.included else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, column, self._speed)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not row.included:
            return Qt.GlobalColor.gray
        if role == Qt.ItemDataRole.ToolTipRole and self.locked:
            return LOCKED_TIP
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return "As spoken" if row.seconds is not None else \
                "Estimated at an average narrator's pace; the real length once it is spoken"
        if role == Qt.ItemDataRole.ToolTipRole and column == 4 and row.state:
            return f"Chapter {index.row() + 1}: {row.state}"  # whole where the column is narrow
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return "Double-click to edit: the title becomes the chapter mark"
        return None

    @staticmethod
    def _text(row: ChapterRow, column: int, speed: float) -> str | None:
        if column == 1:
            return row.title
        if column == 2:
            return f"{row.chars:,}"
        if column == 3:
            return format_duration(row.seconds if row.seconds is not None
                                   else estimate_seconds(row.chars, speed))
        if column == 4:
            return row.state
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.rows[index.row()]
        if self.locked:
            return False
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole:
            row.included = Qt.CheckState(value) == Qt.CheckState.Checked
        elif index.column() == 1 and role == Qt.ItemDataRole.EditRole and str(value).strip():
            row.title = str(value).strip()
        else:
            return False
        self.edited = True
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 4))
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.locked:
            return base
        if index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == 1:
            return base | Qt.ItemFlag.ItemIsEditable
        return base
