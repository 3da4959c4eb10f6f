"""The window's questions: which book to open, keep a book for later, are you sure."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from ..ebook import EXTENSIONS

KEEP, DISCARD, STAY = "keep", "discard", "stay"
BOOK_FILTER = f"Ebooks ({' '.join('*' + e for e in EXTENSIONS)});;All files (*)"


def choose_books(parent: QWidget) -> list[Path]:
    """One book opens; several form a queue."""
    paths, _ = QFileDialog.getOpenFileNames(parent, "Open books", str(Path.home()), BOOK_FILTER)
    return [Path(p) for p in paths]


class Question(str):
    """A yes/no question's text, with the title its box shows (what it asks, in short).

    A plain string to whoever reads or answers it (the tests answer the window's
    ``confirm`` with it); the title was "e2a" for every question, which said nothing in
    the taskbar or the window switcher."""

    heading: str
    undoable: bool
    """False for a question whose Yes loses work for good ("Delete what was spoken?"):
    its box starts on No, so an Enter pressed in passing deletes nothing."""

    def __new__(cls, heading: str, text: str, undoable: bool = True) -> Question:
        made = super().__new__(cls, text)
        made.heading = heading
        made.undoable = undoable
        return made


def question_box(parent: QWidget, question: str) -> QMessageBox:
    """The box for a yes/no question: titled with what it asks, and modal to the window it
    is about (its child, so it stays in front of it: it went behind another window)."""
    window = parent.window()
    box = QMessageBox(QMessageBox.Icon.Question, getattr(question, "heading", "e2a"), question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    if not getattr(question, "undoable", True):
        box.setDefaultButton(QMessageBox.StandardButton.No)
    return box


def confirm(parent: QWidget, question: str) -> bool:
    box = question_box(parent, question)
    window = box.parentWidget()
    if window is not None:
        QApplication.alert(window)  # asked while the person is elsewhere: the taskbar says so
    box.exec()
    answer = box.standardButton(box.clickedButton()) if box.clickedButton() else None
    box.deleteLater()
    return answer == QMessageBox.StandardButton.Yes


def ask_keep(parent: QWidget) -> str:
    """Closing mid-job: KEEP it for later, DISCARD it, or STAY (do not close)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Keep this book for later?",
                      "A book is being converted. Keep what was spoken so far, to go on later "
                      "from “Books waiting”? Nothing spoken is lost unless you discard it.",
                      parent=parent.window())
    box.setWindowModality(Qt.WindowModality.WindowModal)
    keep = box.addButton("Keep for later", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Don't close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return KEEP if clicked is keep else DISCARD if clicked is discard else STAY
