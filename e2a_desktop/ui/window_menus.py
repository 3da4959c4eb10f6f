"""The main window's menu bar: File (open, close, what will be said, quit), Voices, and Help
(About e2a: which version is installed, and where it keeps its data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenuBar, QMessageBox, QWidget

from .. import __version__

WHAT_IT_IS = "Turns an ebook into an audiobook, spoken by this PC and the other PCs at home."
LICENCE = "Free software under the MIT licence."  # pyproject.toml: license = "MIT"


def about_text(data_dir: Path) -> str:
    """What About e2a says: the version first (the household test found it nowhere in the
    window), what e2a is, where its voices and books in progress are, and the licence."""
    return (f"<h3>e2a {__version__}</h3><p>{WHAT_IT_IS}</p>"
            f"<p>Data folder (voices, books in progress, pairings):<br>{data_dir}</p>"
            f"<p>{LICENCE}</p>")


def show_about(parent: QWidget | None, data_dir: Path) -> None:
    """Help → About e2a, with the data folder the app uses (E2A_DATA_DIR where it is set)."""
    QMessageBox.about(parent, "About e2a", about_text(data_dir))


def add_menus(bar: QMenuBar, *, open_book: Callable[[], object],
              close_book: Callable[[], object], preview: QAction, quit_app: Callable[[], object],
              manage_voices: Callable[[], object], data_dir: Path) -> None:
    """File, Voices and Help, with the shortcuts a person looks for there (Ctrl+O, Ctrl+W,
    Ctrl+Q; Alt+H opens Help)."""
    menu = bar.addMenu("&File")
    menu.addAction("&Open a book…", "Ctrl+O", open_book)
    menu.addAction("&Close book", "Ctrl+W", close_book)
    menu.addAction(preview)  # Ctrl+T: what will be said
    menu.addSeparator()
    menu.addAction("&Quit", "Ctrl+Q", quit_app)
    voices = bar.addMenu("Vo&ices")  # Alt+V is the Voice field
    voices.addAction("&Manage voices…", "Ctrl+Shift+V", manage_voices)
    help_menu = bar.addMenu("&Help")
    about = help_menu.addAction("&About e2a", lambda: show_about(bar.window(), data_dir))
    about.setObjectName("aboutAction")
    about.setMenuRole(QAction.MenuRole.AboutRole)
