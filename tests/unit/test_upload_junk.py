"""A node's upload that lies about its timings or its WAV header is refused with a reason
(farm hardening, round two: findings 1 and 7)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from e2a_desktop.farm.uploads import UploadRejected, check_wav, parse_spans
from tests.helpers.farm_fixtures import RATE, speech_like_wav


@pytest.mark.parametrize("spans", [
    [[0, 0], [0, 0], [0, 0]],  # all zero: every sentence said in no time
    [[-1.0, 1.0], [1.0, 2.0], [2.0, 3.0]],
    [[-0.005, 1.0], [1.0, 2.0], [2.0, 3.0]],  # within the old 10 ms slack
    [[0.0, 1.0], [1.0, -2.0], [2.0, 3.0]],
    [[0.0, 1.0], [1.5, 1.2], [2.0, 3.0]],  # ends before it starts
    [[0.0, "NaN"], [1.0, 2.0], [2.0, 3.0]],
])
def test_zero_negative_or_backwards_timings_are_refused(spans: list[list[object]]) -> None:
    header = json.dumps(spans).replace('"NaN"', "NaN")
    with pytest.raises(UploadRejected, match="timings"):
        parse_spans(header, 3)


def test_honest_timings_pass_even_with_a_silent_sentence() -> None:
    """A sentence of a symbol may take no time at all; the others do."""
    spans = parse_spans("[[0, 1.5], [1.5, 1.5], [1.5, 3.0]]", 3)
    assert spans == [(0.0, 1.5), (1.5, 1.5), (1.5, 3.0)]


def test_timings_nested_thousands_deep_are_malformed_not_a_crash() -> None:
    with pytest.raises(UploadRejected, match="timings"):
        parse_spans("[" * 3000 + "]" * 3000, 3)


def _write(tmp_path: Path, blob: bytes) -> Path:
    path = tmp_path / "unit.wav"
    path.write_bytes(blob)
    return path


def _check(path: Path) -> float:
    return check_wav(path, RATE, chars=45, speed=1.0, spans=[(0.0, 3.0)]).duration


@pytest.mark.parametrize("claim", [0xFFFFFFF0, 0x7FFFFFFF, 1 << 20])
def test_a_chunk_claiming_more_than_the_file_is_refused(tmp_path: Path, claim: int) -> None:
    wav = bytearray(speech_like_wav(3.0))
    wav[16:20] = struct.pack("<I", claim)  # the fmt chunk's size
    with pytest.raises(UploadRejected, match="not a readable WAV"):
        _check(_write(tmp_path, bytes(wav)))


def test_audio_before_its_format_or_not_pcm_is_refused(tmp_path: Path) -> None:
    wav = speech_like_wav(3.0)
    no_fmt = wav[:12] + wav[36:]  # RIFF header, then the data chunk alone
    with pytest.raises(UploadRejected, match="not a readable WAV"):
        _check(_write(tmp_path, no_fmt))
    as_float = bytearray(wav)
    as_float[20:22] = struct.pack("<H", 3)  # IEEE float, not PCM
    with pytest.raises(UploadRejected, match="not a readable WAV"):
        _check(_write(tmp_path, bytes(as_float)))


def test_extra_chunks_are_stepped_over(tmp_path: Path) -> None:
    wav = speech_like_wav(3.0)
    info = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"  # odd size: padded
    assert _check(_write(tmp_path, wav[:36] + info + wav[36:])) == pytest.approx(3.0)
