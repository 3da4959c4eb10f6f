"""The empty window: what to do, in one glance. Drop a book, or open one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from ..ebook import SUPPORTED
from ..resources import assets

ICON = assets() / "ui" / "e2a.svg"


def formats_line(supported: str = SUPPORTED) -> str:
    """The readers' own list, as a line of the empty window: it cannot drift from what
    e2a reads (it once left out PDF, DOCX, ODT, MOBI and AZW3)."""
    names = supported.replace(" and ", ", ").split(", ")
    return " · ".join(names) + " (DRM-free)"


FORMATS_LINE = formats_line()


def dropped_files(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]


class DropZone(QFrame):
    """Signals: ``files_dropped(list[Path])``, ``open_requested()``."""

    files_dropped = Signal(list)
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setAccessibleName("Drop an ebook here")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        if ICON.is_file():
            icon = QSvgWidget(str(ICON))
            icon.setFixedSize(96, 96)
            layout.addWidget(icon, alignment=Qt.AlignmentFlag.AlignCenter)
            layout.addSpacing(8)
        for text, name in (("Drop an ebook here", "dropTitle"),
                           ("e2a reads it aloud and makes an audiobook (M4B) with chapters, "
                            "title, author and cover. Drop several to queue them.", "dropHint"),
                           (FORMATS_LINE, "dropFormats")):
            label = QLabel(text)
            label.setObjectName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
        button = QPushButton("Open a book…")
        button.setObjectName("openButton")
        button.setToolTip("Open a book (Ctrl+O)")  # the File menu owns the shortcut
        button.clicked.connect(self.open_requested)
        self.open_button = button
        layout.addSpacing(12)
        layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_files(event):
            event.acceptProposedAction()
            self.setProperty("hovered", True)
            self.style().polish(self)

    def dragLeaveEvent(self, event: object) -> None:  # noqa: N802
        self.setProperty("hovered", False)
        self.style().polish(self)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self.setProperty("hovered", False)
        self.style().polish(self)
        files = dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
