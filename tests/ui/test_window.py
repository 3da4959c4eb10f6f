"""The desktop window, driven as a person would: drop, choose, convert, pause, watch nodes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import wave
from pathlib import Path

from mutagen.mp4 import MP4
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from e2a_desktop.events import NodeChanged, UnitFinished, UnitStarted
from e2a_desktop.localnode import LOCAL_NODE
from e2a_desktop.service import CANCELLED, FINISHED
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from tests.conftest import SAMPLE_TITLES
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder
from tests.ui.conftest import CODE

LONG_WAIT_MS = 240_000


def _drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.drop.dropEvent(event)


def _open(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        _drop(window, path)


def _convert(qtbot: QtBot, window: MainWindow, timeout: int = LONG_WAIT_MS) -> object:
    with qtbot.waitSignal(window.conversion_ended, timeout=timeout) as blocker:
        qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_an_empty_window_says_what_to_do_and_shows_the_farm_code(window: MainWindow) -> None:
    assert window.pages.currentIndex() == 0
    assert "Drop an ebook here" in [c.text() for c in window.drop.findChildren(QLabel)]
    assert window.banner.code.text() == "482-913"
    assert window.nodes.rows[0].node == LOCAL_NODE  # this PC is listed before any book


def test_dropping_a_book_shows_its_chapters(qtbot: QtBot, window: MainWindow,
                                            sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    assert window.pages.currentIndex() == 1
    assert window.chapters.titles() == SAMPLE_TITLES
    assert window.book_panel.title.text() == "Three Fables of Aesop"
    assert "3 of 3 chapters" in window.book_panel.facts.text()


def test_a_book_opened_from_the_finder_opens_in_the_window(qtbot: QtBot, window: MainWindow,
                                                          sample_book: Path) -> None:
    """macOS sends "Open With" and Dock drops to a running app as a QFileOpenEvent."""
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    from e2a_desktop.ui.app import FileOpenHandler

    app = QApplication.instance()
    handler = FileOpenHandler(window)
    app.installEventFilter(handler)
    try:
        with qtbot.waitSignal(window.book_opened, timeout=60_000):
            QApplication.sendEvent(app, QFileOpenEvent(str(sample_book)))
    finally:
        app.removeEventFilter(handler)
    assert window.chapters.titles() == SAMPLE_TITLES


def test_a_broken_file_gets_the_clis_sentence_not_a_traceback(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path) -> None:
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"this is no zip file")
    _drop(window, broken)
    qtbot.waitUntil(lambda: "broken.epub:" in window.message.text(), timeout=30_000)
    assert window.message.isVisible() and "Traceback" not in window.message.text()
    assert window.pages.currentIndex() == 0


def test_chosen_chapters_and_edited_titles_make_the_audiobook(qtbot: QtBot, window: MainWindow,
                                                              sample_book: Path,
                                                              tmp_path: Path) -> None:
    _open(qtbot, window, sample_book)
    model = window.chapters
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(0, 1), "The Wolf Who Wanted Lunch", Qt.ItemDataRole.EditRole)
    window.book_panel.title.setText("Fables, Abridged")
    assert "2 of 3 chapters" in window.book_panel.facts.text()

    gaps: list[float] = []  # the event loop keeps turning while the book is rendered
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    outcome = _convert(qtbot, window)
    timer.stop()
    assert outcome.state == FINISHED, outcome  # type: ignore[attr-defined]
    book = MP4(str(tmp_path / "out" / "aesop-fables.m4b"))
    assert [c.title for c in book.chapters] == ["The Wolf Who Wanted Lunch",
                                                "The Hare and the Tortoise"]
    assert book.tags["\xa9nam"] == ["Fables, Abridged"]
    assert [model.rows[i].state for i in (0, 2)] == ["done", "done"]
    assert window.controls.play.isVisible() and window.controls.show_folder.isVisible()
    print(f"longest pause of the window's event loop while converting: {max(gaps):.3f} s "
          f"over {len(gaps)} ticks")
    assert max(gaps) < 2.0


def test_pause_then_resume_finishes_without_respeaking(qtbot: QtBot, gate: type[GateEngine],
                                                       core: DesktopCore, window: MainWindow,
                                                       sample_book: Path) -> None:
    seen = Recorder()
    core.bus.subscribe(seen)
    window.settings.select_voice("gate:gate")
    _open(qtbot, window, sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    # The GUI thread must keep turning while we wait: qtbot's waits spin its event loop.
    qtbot.waitUntil(lambda: bool(seen.of(UnitStarted)), timeout=60_000)
    qtbot.waitUntil(lambda: window.controls.pause.isVisible())
    qtbot.mouseClick(window.controls.pause, Qt.MouseButton.LeftButton)
    assert window.controls.resume.isVisible() and not window.controls.pause.isVisible()
    gate.open()
    qtbot.waitUntil(lambda: any(e.node == LOCAL_NODE and e.state == "paused"
                                for e in seen.of(NodeChanged)), timeout=60_000)
    assert len(seen.of(UnitStarted)) == 1
    with qtbot.waitSignal(window.conversion_ended, timeout=LONG_WAIT_MS) as blocker:
        qtbot.mouseClick(window.controls.resume, Qt.MouseButton.LeftButton)
    assert blocker.args[0].state == FINISHED
    done = [e.unit_id for e in seen.of(UnitFinished) if e.accepted]
    assert len(done) == len(set(done))


def test_cancel_then_convert_again_goes_on_where_it_stopped(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore, window: MainWindow,
        sample_book: Path) -> None:
    seen = Recorder()
    core.bus.subscribe(seen)
    window.settings.select_voice("gate:gate")
    _open(qtbot, window, sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    first = window.session.conversion.prepared.units[0]
    gate.allow(len(first.sentences) + 1)  # the first unit, and one sentence of the next
    qtbot.waitUntil(lambda: bool(seen.of(UnitFinished)), timeout=60_000)
    qtbot.waitUntil(lambda: window.controls.cancel.isVisible())
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000) as blocker:
        qtbot.mouseClick(window.controls.cancel, Qt.MouseButton.LeftButton)
        gate.allow(1)
    assert blocker.args[0].state == CANCELLED
    assert "Everything spoken so far is kept" in window.message.text()
    before = {e.unit_id for e in seen.of(UnitFinished) if e.accepted}
    gate.open()
    outcome = _convert(qtbot, window)
    assert outcome.state == FINISHED  # type: ignore[attr-defined]
    after = [e.unit_id for e in seen.of(UnitFinished) if e.accepted]
    assert len(after) == len(set(after)) and before <= set(after)


def test_play_sample_speaks_the_chapter_in_the_chosen_voice(qtbot: QtBot, core: DesktopCore,
                                                            window: MainWindow, sample_book: Path,
                                                            monkeypatch: object) -> None:
    played: list[Path] = []
    import e2a_desktop.ui.core as core_module

    monkeypatch.setattr(core_module, "play_wav", lambda wav: played.append(wav))  # type: ignore[attr-defined]
    _open(qtbot, window, sample_book)
    window.chapter_view.selectRow(2)
    began = time.monotonic()
    qtbot.mouseClick(window.settings.sample, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(played), timeout=60_000)
    print(f"sample ready to play after {time.monotonic() - began:.2f} s")
    with wave.open(str(played[0])) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 3 < seconds < 30
    qtbot.waitUntil(lambda: window.settings.sample.isEnabled())


def test_a_node_that_joins_shows_in_the_table_and_its_work_counts(
        qtbot: QtBot, core: DesktopCore, window: MainWindow, sample_book: Path,
        tmp_path: Path) -> None:
    assert core.host.info is not None
    node = subprocess.Popen(
        [sys.executable, "-m", "e2a_node", "--headless", "--name", "pc-two", "--code", CODE,
         "--url", f"https://127.0.0.1:{core.host.info.port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "E2A_DATA_DIR": str(tmp_path / "node")})
    try:
        def row() -> object:
            return next((r for r in window.nodes.rows if r.name == "pc-two"), None)

        qtbot.waitUntil(lambda: row() is not None and row().state == "ready",  # type: ignore[attr-defined]
                        timeout=60_000)
        _open(qtbot, window, sample_book)
        window.settings.render_here.setChecked(False)  # the node speaks the whole book
        window.chapters.set_all(False)
        window.chapters.setData(window.chapters.index(0, 0), Qt.CheckState.Checked.value,
                                Qt.ItemDataRole.CheckStateRole)
        outcome = _convert(qtbot, window)
        assert outcome.state == FINISHED  # type: ignore[attr-defined]
        assert row().units_done >= 1  # type: ignore[attr-defined]
        text = [window.nodes.data(window.nodes.index(window.nodes.rows.index(row()), c))
                for c in range(len(window.nodes.COLUMNS))]
        # Its name as chosen at pairing, with its key id (two "laptop"s stay apart).
        assert text[0] == f"pc-two · {row().node[-4:]}" and text[7] == "100%"

        # Its row's menu stops it: unpaired (401 "not paired" from now on; the farm layer's
        # tests check that), its row marked.
        node_id = row().node  # type: ignore[attr-defined]
        assert window.nodes_view.menu_for(0) is None  # this PC cannot be revoked
        menu = window.nodes_view.menu_for(window.nodes.rows.index(row()))
        assert menu is not None
        window.confirm = lambda _question: True  # type: ignore[method-assign]
        with qtbot.waitSignal(core.bridge.event_arrived, timeout=30_000,
                              check_params_cb=lambda e: isinstance(e, NodeChanged)
                              and e.node == node_id and e.state == "revoked"):
            menu.actions()[0].trigger()
        assert window.nodes.state_of(node_id) == "revoked"
        assert window.nodes.data(window.nodes.index(window.nodes.rows.index(row()), 3)) == \
            "revoked"
    finally:
        node.terminate()
        node.wait(30)
