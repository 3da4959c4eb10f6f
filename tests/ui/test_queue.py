"""The queue: it goes on by itself after a resumed book; queued books are changed or removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from e2a_desktop.events import UnitFinished
from e2a_desktop.service import FINISHED
from e2a_desktop.ui import dialogs
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.queue_edit import QueuedBookDialog
from e2a_desktop.ui.saved import SavedRequest
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder

WAIT_MS = 120_000


def _crow(folder: Path) -> Path:
    path = folder / "crow.md"
    path.write_text("# The Crow\n\nA thirsty crow found a jug with a little water in it.\n\n"
                    "# The Jug\n\nShe dropped pebbles in until the water rose. She drank.\n",
                    encoding="utf-8")
    return path


def test_after_a_kept_book_is_resumed_the_queue_goes_on_by_itself(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore,
        make_window: Callable[[], MainWindow], sample_book: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Recorder()
    core.bus.subscribe(seen)
    window = make_window()
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    gate.allow(len(window.session.conversion.prepared.units[0].sentences))
    qtbot.waitUntil(lambda: bool(seen.of(UnitFinished)), timeout=60_000)
    window.enqueue([_crow(tmp_path)])  # a second book, queued while the first converts
    assert window.waiting_panel.start_queue.isHidden()  # nothing to start: it goes on by itself
    monkeypatch.setattr(window, "ask_keep", lambda: dialogs.KEEP)
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000):
        window.close()
        gate.open()

    later = make_window()  # the app opened again: the kept book, and the queue
    panel = later.waiting_panel
    qtbot.waitUntil(lambda: len(panel.unfinished_rows) == 1, timeout=30_000)
    assert [r.book_path.name for r in later.waiting.queue] == ["crow.md"]
    ended: list[str] = []
    later.conversion_ended.connect(lambda outcome: ended.append(outcome.state))
    qtbot.mouseClick(panel.unfinished_rows[0].buttons[0], Qt.MouseButton.LeftButton)  # Resume
    qtbot.waitUntil(lambda: later.session is not None and later.waiting.busy is not None,
                    timeout=60_000)
    assert panel.start_queue.isHidden()  # never offered mid-conversion
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=2 * WAIT_MS)  # no click in between
    assert ended == [FINISHED, FINISHED]
    assert [c.title for c in MP4(str(tmp_path / "out" / "crow.m4b")).chapters] == \
        ["The Crow", "The Jug"]
    assert later.waiting.queue == []


def test_a_queued_book_can_be_changed_and_removed(
        qtbot: QtBot, gate: type[GateEngine], make_window: Callable[[], MainWindow],
        sample_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window()
    crow = _crow(tmp_path)
    window.waiting.enqueue([r for r in (window.settings.request_for(p)
                                        for p in (sample_book, crow)) if r])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def person_changes_it(saved: SavedRequest) -> SavedRequest | None:
        dialog = QueuedBookDialog(saved, window.core.voices, window)
        assert dialog.settings.folder.text() == str(saved.folder)  # it shows what is queued
        dialog.settings.select_voice("gate:gate")
        dialog.settings.format.setCurrentIndex(dialog.settings.format.findData("mp3"))
        dialog.settings.folder.setText(str(elsewhere))
        return dialog.request()

    monkeypatch.setattr(window, "ask_queue_edit", person_changes_it)
    rows = window.waiting_panel.queue_rows
    edit, remove = rows[1].buttons
    assert (edit.text(), remove.text()) == ("Edit…", "Remove")
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    changed = window.waiting.queue[1]
    assert (changed.voice.engine, changed.format, changed.folder) == ("gate", "mp3", elsewhere)
    assert changed.book_path == crow
    text = window.waiting_panel.queue_rows[1].findChild(QLabel).text()
    assert "MP3" in text and "gate" in text

    qtbot.mouseClick(window.waiting_panel.queue_rows[0].buttons[1], Qt.MouseButton.LeftButton)
    assert [r.book_path for r in window.waiting.queue] == [crow]
    later = make_window()  # both changes are kept in the data dir
    assert later.waiting.queue == [changed]


def test_queueing_says_book_or_books_as_english_does(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        tmp_path: Path) -> None:
    """It said "Queued 2 book(s)"."""
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    crow = _crow(tmp_path)
    window.enqueue([crow])
    assert window.message.text() == "Queued 1 book: it starts when this one is done."
    window.enqueue([crow, sample_book])
    assert window.message.text() == "Queued 2 books: they start when this one is done."


def test_the_queue_moves_on_by_itself_without_a_question(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Household test: when a book finished the queue waited on "You changed the chapters
    or titles of …? Convert … and lose those changes?", and a queued book whose audiobook
    existed waited on "… already exists … Replace it?": an overnight queue sat there."""
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm", lambda q: asked.append(q) or False)
    crow = _crow(tmp_path)
    jug = tmp_path / "jug.md"
    jug.write_text(crow.read_text(encoding="utf-8"), encoding="utf-8")
    kept = tmp_path / "out" / "crow.m4b"
    kept.parent.mkdir(exist_ok=True)
    kept.write_bytes(b"last year's recording")
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    window.chapters.edited = True  # the open book reads as edited when it ends
    window.enqueue([crow, jug])
    ended: list[str] = []
    window.conversion_ended.connect(lambda outcome: ended.append(outcome.state))
    gate.open()
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=2 * WAIT_MS)
    assert ended == [FINISHED, FINISHED] and asked == []
    assert kept.read_bytes() == b"last year's recording"  # skipped, never written over
    assert (tmp_path / "out" / "jug.m4b").exists()  # the book after it was not held up
    assert "Skipped “crow.md”" in window.log_pane.toPlainText()
    assert window.waiting.queue == []
