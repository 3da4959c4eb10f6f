"""The Review tab (issue 25, "fix what you hear"): the last book's chapters with their
start and parts, every part the audio check flagged with its time and text, and Redo,
which speaks exactly that part again and binds the book again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.events import UnitStarted
from e2a_desktop.farm.farm import FLAGGED_KEY
from e2a_desktop.job import STORE_NAME
from e2a_desktop.review import clock
from e2a_desktop.service import FINISHED
from e2a_desktop.store import JobStore
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.review_tab import (
    CONVERTING_AGAIN,
    CONVERTING_FIRST,
    NO_FLAGS,
    NOTHING_YET,
)
from tests.conftest import SAMPLE_TITLES
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder
from tests.ui.test_window import _convert, _open


def _tree_rows(window: MainWindow) -> list[list[str]]:
    tree, rows = window.review.tree, []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        assert top is not None
        rows.append([top.text(c) for c in range(4)])
        children = [top.child(j) for j in range(top.childCount())]
        rows.extend(["", *[child.text(c) for c in range(4)]] for child in children if child)
    return rows


def test_a_flagged_part_is_listed_and_redo_speaks_only_it(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore, window: MainWindow,
        sample_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.review.summary.text() == NOTHING_YET
    window.settings.select_voice("gate:gate")
    _open(qtbot, window, sample_book)
    with qtbot.waitSignal(window.conversion_ended, timeout=120_000) as first:
        qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
        # Its first conversion: the tab says when it will have something, not "Convert".
        qtbot.waitUntil(lambda: window.review.summary.text() == CONVERTING_FIRST)
        gate.open()
    outcome = first.args[0]
    assert outcome.state == FINISHED, outcome  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.review.shown is not None, timeout=60_000)  # read off-thread
    assert window.review.summary.text().endswith(NO_FLAGS)
    titles = [row[0] for row in _tree_rows(window)]
    assert titles == [f"{n}. {t}" for n, t in enumerate(SAMPLE_TITLES, 1)]
    assert _tree_rows(window)[0][1:] == ["0:00:00", _tree_rows(window)[0][2], "all spoken"]

    # The judge kept a part of chapter 2 whose every try it refused, as the farm records it.
    folder = next((core.paths.jobs_dir).iterdir())
    store = JobStore(folder / STORE_NAME)
    try:
        flagged = [u for u in store.units(1) if u.status == "done"][-1]
        store.set_meta({FLAGGED_KEY: json.dumps({str(flagged.id): "a stretch repeats"})})
    finally:
        store.close()
    with qtbot.waitSignal(window.review.loaded, timeout=60_000) as shown:
        _open(qtbot, window, sample_book)  # the book opened again: its last job is reviewed
    assert shown.args == [1]
    assert window.tabs.tabText(window.tabs.indexOf(window.review)) == "Review (1 flagged)"
    assert "1 part flagged by the audio check" in window.review.summary.text()
    (row,) = [r for r in _tree_rows(window) if r[0] == ""]
    placed = window.review.shown.job.placed(flagged.id)  # type: ignore[union-attr]
    assert placed is not None and placed.start is not None
    assert row[2] == clock(placed.start) and row[4] == "⚠ a stretch repeats"
    assert " ".join(flagged.text.split())[:40] in row[1]
    chapter_two = window.review.shown.job.chapters[1].start  # type: ignore[union-attr]
    assert chapter_two is not None and chapter_two <= placed.start < chapter_two + 60

    played: list[Path] = []  # no speakers here: what Play hands the player is checked
    monkeypatch.setattr(core, "play_file", played.append)
    qtbot.mouseClick(window.review.play_buttons[flagged.id], Qt.MouseButton.LeftButton)
    assert played == [folder / "units" / str(flagged.audio_path)] and played[0].is_file()

    seen = Recorder()
    core.bus.subscribe(seen)
    with qtbot.waitSignal(window.conversion_ended, timeout=120_000) as ended:
        with qtbot.waitSignal(window.review.redo_done, timeout=60_000):
            qtbot.mouseClick(window.review.redo_buttons[flagged.id], Qt.MouseButton.LeftButton)
        assert not window.review.redo_at.isEnabled()  # no second redo while it converts
        assert window.review.summary.text().startswith(CONVERTING_AGAIN)  # the old one
        qtbot.waitUntil(lambda: window.message.text().startswith(
            f"Speaking again with gate: chapter 2 at {row[2]}"), timeout=60_000)
        assert "options this book was converted with" in window.message.text()
    assert ended.args[0].state == FINISHED
    # That part and no other: the farm may cut a long part into pieces for the node that
    # speaks it (units sized to the node), but nothing of chapters 1 and 3 is spoken.
    started = seen.of(UnitStarted)
    assert flagged.id in {e.unit_id for e in started}
    assert {e.chapter for e in started} == {1}
    qtbot.waitUntil(lambda: window.review.summary.text().endswith(NO_FLAGS), timeout=60_000)
    assert not window.review.summary.text().startswith(CONVERTING_AGAIN)
    assert (tmp_path / "out" / "aesop-fables.m4b").is_file()


def test_redo_at_a_time_speaks_the_part_heard_then(
        qtbot: QtBot, gate: type[GateEngine], core: DesktopCore, window: MainWindow,
        sample_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window.settings.select_voice("gate:gate")
    gate.open()
    _open(qtbot, window, sample_book)
    _convert(qtbot, window)
    qtbot.waitUntil(lambda: window.review.shown is not None, timeout=60_000)
    job = window.review.shown.job  # type: ignore[union-attr]
    second = job.chapters[1].units[0]
    assert second.start is not None
    window.review.at.setText(clock(second.start + 1))
    played: list[Path] = []  # Play first, to check before Redo: any part, not only flagged
    monkeypatch.setattr(core, "play_file", played.append)
    window.review.play_at.click()
    assert played == [job.folder / "units" / str(second.unit.audio_path)]
    qtbot.keyClick(window.review.at, Qt.Key.Key_Return)  # Enter plays too: never a Redo
    assert len(played) == 2 and window.session is None
    seen = Recorder()
    core.bus.subscribe(seen)
    with qtbot.waitSignal(window.conversion_ended, timeout=120_000) as ended:
        qtbot.mouseClick(window.review.redo_at, Qt.MouseButton.LeftButton)
    assert ended.args[0].state == FINISHED
    started = seen.of(UnitStarted)
    assert second.unit.id in {e.unit_id for e in started}
    assert {e.chapter for e in started} == {1}

    window.review.at.setText("9:59:59")  # past the end: one plain sentence, nothing spoken
    window.review.redo_at.click()
    assert "past its end" in window.message.text()
    assert window.session is None
