"""Voices…: the person hears, downloads and removes voices in the window, sees size and
licence first, and the voice list follows (issue 23: a voice manager in the window)."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.ui import core as core_module
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.voice_manager import VoiceManager
from e2a_node.voices import ModelStore
from tests.integration.test_voices_cli import FRENCH, french_voice
from tests.unit.test_model_store import Serve, piper_listing, serve  # noqa: F401 - fixture


@pytest.fixture
def french_served(serve: Serve, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                  core: DesktopCore) -> None:
    """The catalogue (refreshed from a server on loopback) offers a French voice."""
    model, config = french_voice()
    listing = piper_listing(FRENCH, model, config)
    files = {path: (model if path.endswith(".onnx") else config)
             for path in listing[FRENCH]["files"]}
    files["voices.json"] = json.dumps(listing).encode()
    server = serve(files)
    monkeypatch.setenv("E2A_PIPER_VOICES_URL", server.url)
    ModelStore(core.paths.voices_dir).refresh()


def _row_of(dialog: VoiceManager, name: str) -> int:
    return [r.name for r in dialog.rows].index(name)


def test_a_voice_is_downloaded_heard_and_removed_and_the_voice_list_follows(
        french_served: None, qtbot: QtBot, window: MainWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    played: list[Path] = []
    monkeypatch.setattr(core_module, "play_wav", played.append)
    dialog = window.manage_voices()
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData(""))  # all languages
    row = _row_of(dialog, FRENCH)
    assert dialog.table.item(row, 4).text().endswith("MB")  # its size, before downloading
    assert dialog.table.item(row, 6).text() == ""  # not installed yet
    dialog.table.selectRow(row)
    assert dialog.download.isEnabled() and not dialog.remove.isEnabled()
    qtbot.mouseClick(dialog.download, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is installed" in dialog.status.text(), timeout=60_000)
    assert dialog.table.item(_row_of(dialog, FRENCH), 6).text() == "installed"
    assert any(v.name == FRENCH for v in window.settings.voices)  # the window can use it

    assert dialog.hear.isEnabled()
    qtbot.mouseClick(dialog.hear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "speaking" not in dialog.status.text(), timeout=60_000)
    assert dialog.status.text() == f"That was {FRENCH}."
    with wave.open(str(played[0])) as wav:  # its own line, in its own voice
        assert 2 < wav.getnframes() / wav.getframerate() < 15

    qtbot.mouseClick(dialog.remove, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == f"{FRENCH} was removed."
    assert not any(v.name == FRENCH for v in window.settings.voices)


def test_a_non_commercial_model_asks_first_and_a_no_downloads_nothing(
        qtbot: QtBot, core: DesktopCore) -> None:
    asked: list[str] = []
    dialog = VoiceManager(core, "en", ask=lambda row, text: asked.append(text) or False)
    qtbot.addWidget(dialog)
    row = _row_of(dialog, "tts_models/en/vctk/fast_pitch")
    assert dialog.table.item(row, 5).text() == "CC BY-NC-ND 4.0 (non-commercial)"
    dialog.table.selectRow(row)
    qtbot.mouseClick(dialog.download, Qt.MouseButton.LeftButton)
    assert asked and "NON-COMMERCIAL" in asked[0]
    assert "was not downloaded: its licence was not accepted" in dialog.status.text()
    assert not (core.paths.voices_dir / "coqui").exists()


def test_the_bundled_voice_cannot_be_removed_and_the_books_language_comes_first(
        qtbot: QtBot, core: DesktopCore) -> None:
    dialog = VoiceManager(core, "en")
    qtbot.addWidget(dialog)
    assert dialog.language.currentText() == "The book's language (en)"
    assert all(r.language.lower().startswith("en") or "en" in r.language.split(",")
               for r in dialog.rows)
    dialog.select("piper:en_US-joe-medium")
    assert dialog.rows[0].bundled and not dialog.remove.isEnabled() and dialog.hear.isEnabled()
