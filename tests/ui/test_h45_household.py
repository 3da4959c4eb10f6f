"""A household test of the installed app: no version anywhere (Help → About e2a now), this
PC's Nodes row "ready" with "This PC speaks too" unticked, "The audiobook is ready" left
beside "Ready to convert" after the Speed changed, a length estimate a fifth too long and
blind to Speed, and a pip hint in a .deb install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import e2a_desktop.ui.settings_panel as settings_panel
from e2a_desktop import __version__
from e2a_desktop.events import NodeChanged
from e2a_desktop.localnode import LOCAL_NAME, LOCAL_NODE
from e2a_desktop.progress import estimate_seconds, format_duration
from e2a_desktop.ui import window_menus
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.nodes import NodesModel
from e2a_node.recognisers import pocketsphinx_missing
from tests.helpers.fakes import GateEngine
from tests.ui.test_after_done import _finish, _open

STATE = 3
PIP_HINT = "needs PocketSphinx: pip install 'e2a[verify]' (its English model comes with it)"


def test_help_menu_has_about_with_the_version(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert "&Help" in menus  # Alt+H
    about = next(a for a in menus["&Help"].actions() if a.text() == "&About e2a")
    said: list[tuple[QWidget | None, str, str]] = []
    monkeypatch.setattr(QMessageBox, "about",
                        lambda parent, title, text: said.append((parent, title, text)))
    about.trigger()
    assert len(said) == 1 and said[0][0] is window and said[0][1] == "About e2a"
    assert f"e2a {__version__}" in said[0][2] and "MIT" in said[0][2]
    assert str(window.core.paths.data_dir) in said[0][2]  # the folder this window uses


def test_about_says_the_data_folder(tmp_path: Path) -> None:
    text = window_menus.about_text(tmp_path / "data")
    assert str(tmp_path / "data") in text and __version__ in text and "audiobook" in text


def test_this_pc_row_is_off_while_it_does_not_speak(qtbot: QtBot) -> None:
    model = NodesModel()
    model.apply(NodeChanged(LOCAL_NODE, LOCAL_NAME, "ready"))
    model.apply(NodeChanged("k1", "laptop", "ready"))
    box = QCheckBox("This PC speaks too")
    qtbot.addWidget(box)
    box.setChecked(False)
    model.follow_speaking_here(box)
    state = model.data(model.index(0, STATE))
    assert state.startswith("off") and "This PC speaks too" in state
    assert model.data(model.index(0, STATE), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(1, STATE)) == "ready"  # the others speak as before
    box.setChecked(True)
    assert model.data(model.index(0, STATE)) == "ready"
    assert model.state_of(LOCAL_NODE) == "ready"


def test_the_windows_own_row_follows_its_box(window: MainWindow, qtbot: QtBot) -> None:
    """The window wires its "This PC speaks too" to its own row (the model alone did not)."""
    window.nodes.apply(NodeChanged(LOCAL_NODE, LOCAL_NAME, "ready"))
    row = window.nodes.index(0, STATE)
    window.settings.render_here.setChecked(False)
    assert window.nodes.data(row).startswith("off")
    window.settings.render_here.setChecked(True)
    assert window.nodes.data(row) == "ready"


def test_estimate_is_calibrated_on_the_bundled_voice() -> None:
    assert format_duration(estimate_seconds(2_455)) == "2:22"  # measured 2:22.3 (Aesop)
    assert abs(estimate_seconds(511_335) - (8 * 3600 + 5 * 60 + 9)) < 10 * 60  # 8:05:09


def test_book_estimate_follows_the_speed(
        qtbot: QtBot, window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    chars = window.book.char_count if window.book else 0
    assert f"about {format_duration(estimate_seconds(chars))} of audio" in (
        window.book_panel.facts.text())
    window.settings.speed.setValue(1.10)
    assert f"about {format_duration(estimate_seconds(chars, 1.10))} of audio" in (
        window.book_panel.facts.text())
    # ...and each chapter's Length with it (the rows added up to the old book length)
    lengths = [window.chapters.data(window.chapters.index(r, 3))
               for r in range(window.chapters.rowCount())]
    assert lengths == [format_duration(estimate_seconds(len(c.text), 1.10))
                       for c in window.book.chapters]


def test_ready_banner_goes_once_the_speed_differs(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    _open(qtbot, window, sample_book)
    _finish(qtbot, gate, window)
    assert window.message.isVisibleTo(window)
    assert window.message.text().startswith("The audiobook is ready: ")
    window.settings.speed.setValue(1.10)
    assert window.controls.status.text() == "Ready to convert"
    assert not window.message.isVisibleTo(window)


def test_a_frozen_bundle_is_not_told_to_pip_install() -> None:
    assert pocketsphinx_missing(frozen=False) == PIP_HINT
    frozen = pocketsphinx_missing(frozen=True)
    assert "pip" not in frozen and "not part of this installation" in frozen


def test_the_asr_hint_in_a_frozen_window(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_panel, "listening_problem",
                        lambda _language: pocketsphinx_missing())
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    window.settings._show_asr()
    hint = window.settings.verify_why.text()
    assert hint.startswith("Not available: ") and "not part of this installation" in hint
    assert "pip" not in window.settings.verify.toolTip()
