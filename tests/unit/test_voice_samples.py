"""Reference recordings for cloning: checked once, stored by content hash, named by id."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from e2a_node.errors import VoiceError
from e2a_node.voices.samples import read_wav, sample_path, store_sample


def wav(path: Path, seconds: float, amplitude: int = 8000, channels: int = 1,
        width: int = 2, rate: int = 22050) -> Path:
    n = int(seconds * rate)
    tone = (amplitude * np.sin(np.arange(n) * 0.05)).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        frames = np.repeat(tone, channels).tobytes()
        out.writeframes(frames if width == 2 else frames[::2])
    return path


def test_a_good_recording_is_stored_as_mono_under_its_hash(tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    sample_id = store_sample(wav(tmp_path / "me.wav", 5.0, channels=2), voices)
    stored = sample_path(voices, sample_id)
    samples, rate = read_wav(stored)
    assert rate == 22050 and len(samples) == 5 * 22050
    assert store_sample(wav(tmp_path / "again.wav", 5.0, channels=2), voices) == sample_id


@pytest.mark.parametrize(("make", "problem"), [
    (lambda p: wav(p, 1.0), "is 1.0 s long; it must be 3–30 s"),
    (lambda p: wav(p, 40.0), "is 40.0 s long"),
    (lambda p: wav(p, 5.0, amplitude=0), "is silent"),
    (lambda p: wav(p, 5.0, width=1), "must be 16-bit PCM WAV"),
    (lambda p: p.write_bytes(b"ID3 not a wav at all") and p, "not a readable WAV file"),
    (lambda p: p, "does not exist"),
])
def test_bad_recordings_get_one_line_naming_the_file(tmp_path: Path, make: object,
                                                     problem: str) -> None:
    path = tmp_path / "sample.wav"
    make(path)  # type: ignore[operator]
    with pytest.raises(VoiceError, match=problem) as caught:
        store_sample(path, tmp_path / "voices")
    assert str(caught.value).startswith(str(path))


def test_an_id_is_never_a_path(tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="is not a voice sample id"):
        sample_path(tmp_path, "../../etc/passwd")
