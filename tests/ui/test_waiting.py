"""Books waiting: a stopped book is listed at the next start and resumes; the queue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from e2a_desktop.config import AppPaths
from e2a_desktop.events import UnitFinished, UnitStarted
from e2a_desktop.jobs import list_jobs
from e2a_desktop.service import CANCELLED, FINISHED
from e2a_desktop.ui import dialogs
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from tests.conftest import SAMPLE_TITLES
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder

WAIT_MS = 120_000


def _drop(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    window.drop.dropEvent(QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def _start_and_hold(qtbot: QtBot, window: MainWindow, gate: type[GateEngine],
                    book: Path, seen: Recorder) -> None:
    """Start converting; let the first unit finish and hold the voice inside the second."""
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        _drop(window, [book])
    model = window.chapters
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(2, 1), "Slow and Steady", Qt.ItemDataRole.EditRole)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    first = window.session.conversion.prepared.units[0]
    gate.allow(len(first.sentences) + 1)  # the first unit, and one sentence of the next
    qtbot.waitUntil(lambda: bool(seen.of(UnitFinished)), timeout=60_000)
    qtbot.waitUntil(lambda: window.controls.cancel.isVisible())


def _short_book(folder: Path) -> Path:
    path = folder / "crow.md"
    path.write_text("# The Crow\n\nA thirsty crow found a jug with a little water in it.\n\n"
                    "# The Jug\n\nShe dropped pebbles in until the water rose. She drank.\n",
                    encoding="utf-8")
    return path


def _unfinished(paths: AppPaths) -> list[str]:
    return [j.title for j in list_jobs(paths) if not j.finished]


def test_a_cancelled_book_is_listed_at_start_and_resumes_without_respeaking(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore,
        make_window: Callable[[], MainWindow], sample_book: Path, tmp_path: Path) -> None:
    seen = Recorder()
    core.bus.subscribe(seen)
    window = make_window()
    _start_and_hold(qtbot, window, gate, sample_book, seen)
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000) as blocker:
        qtbot.mouseClick(window.controls.cancel, Qt.MouseButton.LeftButton)
        gate.allow(1)
    assert blocker.args[0].state == CANCELLED
    spoken = {e.unit_id for e in seen.of(UnitFinished) if e.accepted}
    started_before = len(seen.of(UnitStarted))
    assert spoken

    later = make_window()  # as the app opens again
    panel = later.waiting_panel
    qtbot.waitUntil(lambda: len(panel.unfinished_rows) == 1, timeout=30_000)
    assert later.tabs.currentWidget() is panel  # what can be resumed is shown at start
    assert "Books waiting (1)" in later.tabs.tabText(later.tabs.indexOf(panel))
    gate.open()
    resume = panel.unfinished_rows[0].buttons[0]
    assert resume.text() == "Resume" and resume.isEnabled()
    with qtbot.waitSignal(later.conversion_ended, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
    assert blocker.args[0].state == FINISHED
    again = {e.unit_id for e in seen.of(UnitStarted)[started_before:]}
    assert again and not again & spoken  # nothing spoken is spoken again
    book = MP4(str(tmp_path / "out" / "aesop-fables.m4b"))
    assert [c.title for c in book.chapters] == [SAMPLE_TITLES[0], "Slow and Steady"]
    qtbot.waitUntil(lambda: not panel.unfinished_rows, timeout=30_000)


def test_closing_mid_job_keeps_the_book_for_later_and_discard_deletes_it(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore,
        make_window: Callable[[], MainWindow], sample_book: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Recorder()
    core.bus.subscribe(seen)
    window = make_window()
    _start_and_hold(qtbot, window, gate, sample_book, seen)
    monkeypatch.setattr(window, "ask_keep", lambda: dialogs.KEEP)
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000) as blocker:
        window.close()
        assert window.isVisible()  # it waits for the unit in hand, without blocking
        gate.allow(1)
    assert blocker.args[0].state == CANCELLED
    qtbot.waitUntil(lambda: not window.isVisible())
    assert _unfinished(core.paths) == ["Three Fables of Aesop"]

    later = make_window()
    panel = later.waiting_panel
    qtbot.waitUntil(lambda: len(panel.unfinished_rows) == 1, timeout=30_000)
    monkeypatch.setattr(later, "confirm", lambda _question: True)
    qtbot.mouseClick(panel.unfinished_rows[0].buttons[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.unfinished_rows, timeout=30_000)
    assert list_jobs(core.paths) == []


def test_a_queue_of_two_books_makes_two_audiobooks_and_survives_a_restart(
        qtbot: QtBot, core: DesktopCore, make_window: Callable[[], MainWindow],
        sample_book: Path, tmp_path: Path) -> None:
    second = _short_book(tmp_path)
    window = make_window()
    window.waiting.enqueue([r for r in (window.settings.request_for(p)
                                        for p in (sample_book, second)) if r])
    assert len(window.waiting_panel.queue_rows) == 2

    later = make_window()  # the queue is kept in the data dir: a restarted app has it
    assert [r.book_path for r in later.waiting.queue] == [sample_book, second]
    assert not later.waiting_panel.start_queue.isHidden()
    window.waiting.queue.clear()  # only the new window runs it
    ended: list[str] = []
    later.conversion_ended.connect(lambda outcome: ended.append(outcome.state))
    qtbot.mouseClick(later.waiting_panel.start_queue, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=2 * WAIT_MS)
    assert ended == [FINISHED, FINISHED]
    out = tmp_path / "out"
    assert len(MP4(str(out / "aesop-fables.m4b")).chapters) == 3
    assert [c.title for c in MP4(str(out / "crow.m4b")).chapters] == ["The Crow", "The Jug"]
    assert later.waiting.queue == [] and not later.waiting_panel.queue_rows


def test_several_books_dropped_at_once_form_a_queue(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path,
        tmp_path: Path) -> None:
    second = _short_book(tmp_path)
    window.settings.select_voice("gate:gate")
    _drop(window, [sample_book, second])
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    # The first book converts; the second waits in the queue, with the same settings.
    assert [r.book_path for r in window.waiting.queue] == [second]
    assert window.waiting.queue[0].voice.engine == "gate"
    assert window.tabs.currentWidget() is window.waiting_panel
