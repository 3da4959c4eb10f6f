"""The window's questions: which book to open, keep a book for later, are you sure."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..ebook import EXTENSIONS

KEEP, DISCARD, STAY = "keep", "discard", "stay"
BOOK_FILTER = f"Ebooks ({' '.join('*' + e for e in EXTENSIONS)});;All files (*)"


def choose_books(parent: QWidget) -> list[Path]:
    """One book opens; several form a queue."""
    paths, _ = QFileDialog.getOpenFileNames(parent, "Open books", str(Path.home()), BOOK_FILTER)
    return [Path(p) for p in paths]


def confirm(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "e2a", question)
    return answer == QMessageBox.StandardButton.Yes


def ask_keep(parent: QWidget) -> str:
    """Closing mid-job: KEEP it for later, DISCARD it, or STAY (do not close)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Keep this book for later?",
                      "A book is being converted. Keep what was spoken so far, to go on later "
                      "from “Books waiting”? Nothing spoken is lost unless you discard it.",
                      parent=parent)
    keep = box.addButton("Keep for later", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Don't close", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return KEEP if clicked is keep else DISCARD if clicked is discard else STAY
