"""The Coqui engine through the real ``TTS(model_path=..., config_path=...)`` path, offline.

The model is a VITS with random weights, built here in a second (about 1 MB): it speaks
noise, but through every step a real model takes (config, checkpoint, tokenizer,
synthesis), so loading, limits, devices and the CLI are exercised for real.
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
from e2a_node.engines import engine_class, find_voice
from e2a_node.engines.coqui import CoquiEngine
from e2a_node.errors import VoiceError
from e2a_node.settings import EngineSettings
from tests.integration.cli_runner import e2a

pytest.importorskip("TTS.api", reason="the coqui extra is not installed")
pytestmark = pytest.mark.slow

TINY = "tiny-vits"
RATE = 16000


def build_tiny_vits(folder: Path) -> Path:
    """A VITS of ~260 k random weights saved as Coqui saves its checkpoints."""
    import torch
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits, VitsArgs

    args = VitsArgs(hidden_channels=16, hidden_channels_ffn_text_encoder=32,
                    num_heads_text_encoder=2, num_layers_text_encoder=1,
                    kernel_size_text_encoder=3, num_layers_posterior_encoder=1,
                    num_layers_flow=1, resblock_type_decoder="2",
                    resblock_kernel_sizes_decoder=[3], resblock_dilation_sizes_decoder=[[1, 3]],
                    upsample_rates_decoder=[8, 8, 4], upsample_initial_channel_decoder=32,
                    upsample_kernel_sizes_decoder=[16, 16, 8], use_sdp=False,
                    init_discriminator=False)
    config = VitsConfig(model_args=args, use_phonemes=False, text_cleaner="basic_cleaners",
                        audio=BaseAudioConfig(sample_rate=RATE))
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Vits(config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_vits(tmp_path_factory.mktemp("coqui") / TINY)


@pytest.fixture
def voices(tiny_model: Path, data_dir: Path) -> Path:
    """The user's voices folder with the tiny model installed as the store installs models."""
    folder = data_dir / "voices"
    shutil.copytree(tiny_model, folder / "coqui" / TINY)
    return folder


def test_the_engine_is_registered_and_lists_models_without_loading_them(voices: Path) -> None:
    assert engine_class("coqui") is CoquiEngine
    info = find_voice(f"coqui:{TINY}", voices)
    assert info.sample_rate == RATE and info.max_chars == 250


def test_a_tiny_model_loads_and_speaks_through_the_real_tts_path(voices: Path) -> None:
    engine = CoquiEngine(voices, device="cuda")  # no GPU here: falls back to the CPU
    progress: list[float] = []
    engine.load(EngineSettings(engine="coqui", voice=TINY, model=TINY, language="en"),
                progress.append)
    assert progress == [0.0, 1.0] and engine.sample_rate == RATE
    speech = engine.speak("Hello there. This is a test of the tiny model.")
    assert speech.sample_rate == RATE and speech.samples.dtype == np.int16
    assert len(speech.samples) > RATE // 10 and np.abs(speech.samples).max() > 0
    again = engine.speak("Hello there. This is a test of the tiny model.")
    assert np.array_equal(speech.samples, again.samples)  # a fixed seed per text
    long = engine.speak("A clause, " * 60)  # 600 characters: over the limit, split inside
    assert len(long.samples) > len(speech.samples)
    engine.unload()


def test_a_missing_model_and_a_missing_language_are_refused_up_front(voices: Path) -> None:
    engine = CoquiEngine(voices)
    with pytest.raises(VoiceError, match="coqui model 'xtts_v2' is not installed here; "
                       "get it with `e2a voices --download xtts_v2`"):
        engine.load(EngineSettings(engine="coqui", voice="xtts_v2", model="xtts_v2"))
    multi = voices / "coqui" / "multi"
    multi.mkdir()
    (multi / "config.json").write_text(json.dumps({"model": "xtts", "languages": ["en", "fr"]}))
    with pytest.raises(VoiceError, match="coqui model multi does not speak 'de'"):
        engine.load(EngineSettings(engine="coqui", voice="multi", model="multi", language="de"))


def test_convert_with_engine_coqui(voices: Path, sample_book: Path, tmp_path: Path,
                                   data_dir: Path) -> None:
    out = e2a("convert", str(sample_book), "--engine", "coqui", "--model", TINY,
              "--chapters", "1", "--no-farm", "-o", str(tmp_path / "tiny.m4b"))
    assert out.returncode == 0, out.stderr
    (store_file,) = data_dir.glob(f"jobs/*/{STORE_NAME}")
    engine = json.loads(JobStore(store_file).meta()["settings"])["engine"]
    assert (engine["engine"], engine["model"]) == ("coqui", TINY)


def test_convert_names_what_is_missing_for_xtts(voices: Path, sample_book: Path) -> None:
    out = e2a("convert", str(sample_book), "--engine", "coqui", "--model", "xtts_v2")
    assert out.returncode == 2
    assert "e2a voices --download xtts_v2" in out.stderr and "Traceback" not in out.stderr


def test_out_of_gpu_memory_splits_the_text_then_moves_to_the_cpu(
        voices: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import torch

    engine = CoquiEngine(voices)
    engine.load(EngineSettings(engine="coqui", voice=TINY, model=TINY))
    real = engine._synthesize
    calls: list[str] = []

    def short_of_memory(text: str) -> np.ndarray:
        calls.append(text)
        if len(text) > 30 and len(calls) < 4:
            raise torch.OutOfMemoryError("CUDA out of memory")
        return real(text)

    engine._synthesize = short_of_memory  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        speech = engine.speak("A first clause that is long, and a second clause as well.")
    assert len(speech.samples) > 0
    assert "in two parts" in caplog.text
    assert all(len(c) <= 60 for c in calls[1:])


def test_out_of_gpu_memory_on_a_short_text_moves_to_the_cpu(
        voices: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import torch

    engine = CoquiEngine(voices)
    engine.load(EngineSettings(engine="coqui", voice=TINY, model=TINY))
    real = engine._synthesize
    failed: list[bool] = []

    def once(text: str) -> np.ndarray:
        if not failed:
            failed.append(True)
            raise torch.OutOfMemoryError("CUDA out of memory")
        return real(text)

    engine._synthesize = once  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        assert len(engine.speak("Short.").samples) > 0
    assert "moving to the CPU" in caplog.text
