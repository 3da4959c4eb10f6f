"""A multi-speaker model shows its speakers in the window and the job speaks with the one
chosen (issue 23, finding 2); one-voice models show no speaker row."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow
from e2a_node.engines import VoiceInfo

JOE = VoiceInfo("piper", "en_US-joe-medium", "en_US")
VCTK = VoiceInfo("coqui", "tts_models/en/vctk/vits", "en", speakers=("p225", "p226", "p227"))


def test_the_speaker_row_appears_for_a_multi_speaker_model_and_its_choice_is_used(
        qtbot: QtBot, window: MainWindow) -> None:
    panel = window.settings
    panel.set_voices([JOE, VCTK])
    panel.select_voice("piper:en_US-joe-medium")
    assert panel.speaker.isHidden()
    panel.select_voice("coqui:tts_models/en/vctk/vits")
    assert not panel.speaker.isHidden()
    assert [panel.speaker.itemText(i) for i in range(panel.speaker.count())] == \
        ["p225", "p226", "p227"]
    panel.speaker.setCurrentText("p226")
    engine = panel.chosen_engine()
    assert engine is not None and engine.speaker == "p226"
    saved = panel.request_for(window.core.output_folder / "book.epub")
    assert saved is not None
    panel.select_voice("piper:en_US-joe-medium")
    assert panel.apply(saved) and panel.speaker.currentText() == "p226"  # a resumed job
    joe = panel.set_voices([JOE]) or panel.chosen_engine()
    assert joe is not None and joe.speaker == ""
