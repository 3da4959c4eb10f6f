"""Subtitles, the read-along EPUB and the ASR check, chosen in the window (issue 25): kept
with a queued or resumed book, remembered, locked while converting, greyed out with the
reason where the check cannot listen, and a real conversion writes them beside the M4B."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.mp4 import MP4
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.audio.asr import listening_problem
from e2a_desktop.service import FINISHED
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.queue_edit import QueuedBookDialog
from e2a_desktop.ui.saved import SavedRequest, load_queue, save_queue
from e2a_node.engines.base import VoiceInfo
from tests.conftest import SAMPLE_TITLES
from tests.helpers.fakes import GateEngine
from tests.ui.test_window import _convert, _open

ASR_HERE = not listening_problem("en")  # PocketSphinx installed (e2a[verify])


def _choose_extras(window: MainWindow) -> None:
    settings = window.settings
    settings.subtitles.setCurrentIndex(settings.subtitles.findData("vtt"))
    settings.read_along.setChecked(True)
    settings.verify.setChecked(True)


def test_the_choices_survive_the_queue_and_reach_the_conversion(
        gate: type[GateEngine], make_window: Callable[[], MainWindow], tmp_path: Path,
        sample_book: Path) -> None:
    window = make_window()
    window.settings.select_voice("gate:gate")
    _choose_extras(window)
    saved = window.settings.request_for(sample_book)
    assert saved is not None
    save_queue(tmp_path / "queue.json", [saved])  # the queue file, as after a restart
    (back,) = load_queue(tmp_path / "queue.json")
    assert back == saved and SavedRequest.from_json(saved.to_json()) == saved
    request = back.convert_request()
    assert request.subtitles == "vtt" and request.read_along is True
    assert request.verify == ("asr" if ASR_HERE else "")

    window.settings.subtitles.setCurrentIndex(0)
    window.settings.read_along.setChecked(False)
    window.settings.verify.setChecked(False)
    assert window.settings.apply(back)  # resuming it shows what it was started with
    assert window.settings.subtitles.currentText() == "WebVTT (.vtt)"
    assert window.settings.read_along.isChecked()
    assert window.settings.verify.isChecked() == ASR_HERE

    old = SavedRequest.from_json(saved.to_json().replace('"subtitles": "vtt"', '"x": 1'))
    assert old.subtitles == ""  # a request saved before the choice existed: none


def test_a_queued_books_extras_show_in_its_dialog_and_a_change_is_kept(
        gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    _choose_extras(window)
    saved = window.settings.request_for(sample_book)
    assert saved is not None
    dialog = QueuedBookDialog(saved, window.core.voices, window)
    assert dialog.settings.read_along.isChecked()  # it shows what is queued
    assert dialog.settings.output().subtitles == "vtt"
    dialog.settings.subtitles.setCurrentIndex(dialog.settings.subtitles.findData("srt"))
    dialog.settings.read_along.setChecked(False)
    changed = dialog.request()
    dialog.deleteLater()
    assert (changed.subtitles, changed.read_along) == ("srt", False)
    assert changed.verify == saved.verify


def test_the_choices_are_remembered_and_locked_while_converting(
        qtbot: QtBot, gate: type[GateEngine], make_window: Callable[[], MainWindow],
        sample_book: Path) -> None:
    first = make_window()
    first.settings.select_voice("gate:gate")
    _choose_extras(first)
    first.close()
    window = make_window()
    assert window.settings.output().subtitles == "vtt"
    assert window.settings.read_along.isChecked()
    assert window.settings.verify.isChecked() == ASR_HERE

    _open(qtbot, window, sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None
    request = window.session.conversion.request  # what the job service was asked to do
    assert (request.subtitles, request.read_along) == ("vtt", True)
    assert request.verify == ("asr" if ASR_HERE else "")
    for box in (window.settings.subtitles, window.settings.read_along,
                window.settings.verify):
        assert not box.isEnabled()
        assert "Cancel first" in box.toolTip()
    with qtbot.waitSignal(window.conversion_ended, timeout=60_000):
        window.controls.cancel.click()
    assert window.settings.read_along.isEnabled() and window.settings.subtitles.isEnabled()
    assert window.settings.verify.isEnabled() == ASR_HERE


def test_the_asr_box_says_why_it_cannot_listen_to_a_voice_that_is_not_english(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-whisper-models"))  # PocketSphinx only
    window.settings.verify.setChecked(True)  # with the English voice
    german = VoiceInfo("piper", "de_DE-thorsten-medium", "de_DE")
    window.settings.set_voices([german])
    assert not window.settings.verify.isEnabled()
    assert not window.settings.verify.isChecked()
    assert "English only" in window.settings.verify.toolTip()
    assert "de_DE" in window.settings.verify.toolTip()
    assert not window.settings.verify_why.isHidden()  # said under it too, not only on hover
    assert "English only" in window.settings.verify_why.text()
    assert window.settings.output().verify == ""


@pytest.mark.slow
def test_a_window_conversion_writes_subtitles_and_the_read_along_beside_the_book(
        qtbot: QtBot, window: MainWindow, sample_book: Path, tmp_path: Path) -> None:
    """The bundled Piper voice, as a person would: SRT and read-along chosen, Convert."""
    window.settings.subtitles.setCurrentIndex(window.settings.subtitles.findData("srt"))
    window.settings.read_along.setChecked(True)
    _open(qtbot, window, sample_book)
    outcome = _convert(qtbot, window)
    assert outcome.state == FINISHED, outcome  # type: ignore[attr-defined]
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "aesop-fables.m4b", "aesop-fables.readalong.epub", "aesop-fables.srt"]
    assert [c.title for c in MP4(str(out / "aesop-fables.m4b")).chapters] == SAMPLE_TITLES
    srt = (out / "aesop-fables.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:0") and "-->" in srt
    message = window.message.text()
    assert "also wrote aesop-fables.srt, aesop-fables.readalong.epub" in message
    assert "also wrote aesop-fables.srt" in window.log_pane.toPlainText()
