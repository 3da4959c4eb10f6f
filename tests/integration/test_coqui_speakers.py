"""Multi-speaker Coqui models speak, with the speaker the user picks (issue 23, finding 2:
"the voice engine failed on 3 units in a row … you are using a multi-speaker model").

A tiny two-speaker VITS with random weights, saved as a trained model is: its config
names its speaker file by the path it had where it was made, not where e2a keeps it.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from e2a_desktop.job import STORE_NAME
from e2a_desktop.store import JobStore
from e2a_node.engines import find_voice
from e2a_node.engines.coqui import CoquiEngine
from e2a_node.errors import VoiceError
from e2a_node.settings import EngineSettings
from tests.integration.cli_runner import e2a

pytest.importorskip("TTS.api", reason="the coqui extra is not installed")
pytestmark = pytest.mark.slow

MODEL = "tiny-two-speakers"
SPEAKERS = {"alice": 0, "bob": 1}


def build_two_speaker_vits(folder: Path, trained_at: Path) -> Path:
    """A VITS of two speakers whose config points at ``trained_at`` for its speaker ids."""
    import torch
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits, VitsArgs

    trained_at.mkdir(parents=True, exist_ok=True)
    ids = trained_at / "speaker_ids.json"
    ids.write_text(json.dumps(SPEAKERS))
    args = VitsArgs(hidden_channels=16, hidden_channels_ffn_text_encoder=32,
                    num_heads_text_encoder=2, num_layers_text_encoder=1,
                    kernel_size_text_encoder=3, num_layers_posterior_encoder=1,
                    num_layers_flow=1, resblock_type_decoder="2",
                    resblock_kernel_sizes_decoder=[3], resblock_dilation_sizes_decoder=[[1, 3]],
                    upsample_rates_decoder=[8, 8, 4], upsample_initial_channel_decoder=32,
                    upsample_kernel_sizes_decoder=[16, 16, 8], use_sdp=False,
                    init_discriminator=False, use_speaker_embedding=True,
                    speakers_file=str(ids))
    config = VitsConfig(model_args=args, use_phonemes=False, text_cleaner="basic_cleaners",
                        audio=BaseAudioConfig(sample_rate=16000), use_speaker_embedding=True,
                        speakers_file=str(ids))
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Vits(config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    shutil.copy(ids, folder / "speaker_ids.json")  # the model's files travel together
    return folder


@pytest.fixture(scope="module")
def two_speakers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("coqui-speakers")
    model = build_two_speaker_vits(base / MODEL, base / "where-it-was-trained")
    shutil.rmtree(base / "where-it-was-trained")  # as on the user's PC: that path is gone
    return model


@pytest.fixture
def voices(two_speakers: Path, data_dir: Path) -> Path:
    folder = data_dir / "voices"
    shutil.copytree(two_speakers, folder / "coqui" / MODEL)
    return folder


def _speak(voices: Path, speaker: str = "") -> np.ndarray:
    engine = CoquiEngine(voices)
    engine.load(EngineSettings(engine="coqui", voice=MODEL, model=MODEL, language="en",
                               speaker=speaker))
    return engine.speak("The quick brown fox.").samples


def test_a_multi_speaker_model_speaks_with_the_speaker_asked(voices: Path) -> None:
    assert find_voice(f"coqui:{MODEL}", voices).speakers == ("alice", "bob")
    first, alice, bob = _speak(voices), _speak(voices, "alice"), _speak(voices, "bob")
    assert len(first) > 0 and np.array_equal(first, alice)  # no choice: the first speaker
    assert not np.array_equal(alice, bob)  # the other speaker is another voice
    with pytest.raises(VoiceError, match="has no speaker 'carol' .*alice, bob"):
        _speak(voices, "carol")


def test_voices_lists_the_speakers_and_convert_takes_one(
        voices: Path, sample_book: Path, tmp_path: Path, data_dir: Path) -> None:
    listed = e2a("voices")
    assert f"coqui:{MODEL}\t" in listed.stdout and "speakers: alice, bob" in listed.stdout
    refused = e2a("convert", str(sample_book), "--engine", "coqui", "--model", MODEL,
                  "--speaker", "carol", "--no-farm", "-o", str(tmp_path / "no.m4b"))
    assert refused.returncode == 2
    assert "has no speaker 'carol' (it has: alice, bob)" in refused.stderr
    assert "Traceback" not in refused.stderr
    out = e2a("convert", str(sample_book), "--engine", "coqui", "--model", MODEL,
              "--speaker", "bob", "--chapters", "1", "--no-farm", "-o", str(tmp_path / "b.m4b"))
    assert out.returncode == 0, out.stderr
    assert out.stderr.startswith(f"voice coqui:{MODEL} (en), speaker bob, device auto")
    (store_file,) = data_dir.glob(f"jobs/*/{STORE_NAME}")
    engine = json.loads(JobStore(store_file).meta()["settings"])["engine"]
    assert engine["speaker"] == "bob"
    assert "not found in the vocabulary" not in out.stderr  # the library's chatter stays out
    assert "Could not identify language" not in out.stderr
