"""The empty window names every format e2a reads."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from e2a_desktop.ebook import SUPPORTED
from e2a_desktop.ui.dropzone import DropZone


def test_the_drop_zone_lists_every_format_the_readers_take(qtbot: QtBot) -> None:
    """Household test: it listed only EPUB · FB2 · HTML · Markdown · plain text."""
    zone = DropZone()
    qtbot.addWidget(zone)
    line = zone.findChild(QLabel, "dropFormats")
    assert line is not None
    for name in ("EPUB", "PDF", "MOBI", "AZW3", "FB2", "DOCX", "ODT", "HTML", "Markdown",
                 "plain text"):
        assert name in line.text()
    for name in SUPPORTED.replace(" and ", ", ").split(", "):
        assert name in line.text()
