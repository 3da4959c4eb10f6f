"""Mastering a chapter: the listener gets about -18 LUFS and no peak above -1.5 dBTP."""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp4 import MP4

from e2a_desktop.audio.ffmpeg import ffmpeg_exe, run_ffmpeg
from e2a_desktop.audio.formats import FORMATS
from e2a_desktop.audio.master import (
    ChapterEncoder,
    UnitPiece,
    encode_units,
    join_units,
    loudness_filter,
    loudness_of,
    measure_loudness,
)

RATE = 22050


def _encode_whole(wav: Path, out: Path) -> None:
    """The reference: one ffmpeg run over the joined chapter, measured whole."""
    run_ffmpeg(["-i", str(wav), "-af", loudness_filter(measure_loudness(wav), RATE, RATE),
                "-ac", "1", *FORMATS["m4b"].codec_args, "-f", "mp4", str(out)], "encoding")


def _write(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def _speechlike(seconds: float, level: float, clicks: bool, seed: int) -> np.ndarray:
    """A voiced, syllable-modulated tone; with clicks, a few 5 ms bursts well over it."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = 2 * np.pi * (120 + 20 * np.sin(2 * np.pi * 0.5 * t)).cumsum() / RATE
    voice = sum(np.sin(k * pitch) / k for k in range(1, 8))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6)), 0, None) ** 0.7
    signal = voice * envelope * level
    if clicks:
        for start in rng.integers(0, len(t) - RATE, 12):
            signal[start:start + RATE // 200] = min(32767, level * 6)
    return np.clip(signal, -32768, 32767)


def _measure(path: Path) -> tuple[float, float]:
    """Integrated loudness and true peak of a finished file, as a player decodes it."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True)
    summary = out.stderr.rsplit("Summary:", 1)[-1]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, out.stderr[-500:]
    return float(integrated.group(1)), float(peak.group(1))


@pytest.mark.parametrize(("level", "clicks"), [(800, False), (800, True), (12000, True)])
def test_chapter_is_normalised_without_peaks_over_the_ceiling(tmp_path: Path, level: float,
                                                              clicks: bool) -> None:
    units = [_write(tmp_path / f"u{i}.wav", _speechlike(20, level, clicks, i)) for i in range(3)]
    pieces = [UnitPiece(u, 0.6) for u in units]
    out = tmp_path / "chapter.m4a"
    integrated = loudness_of(pieces, tmp_path / "measure.wav")  # as the app: units, then gain
    seconds = encode_units(pieces, integrated, FORMATS["m4b"], out, RATE)
    assert seconds == pytest.approx(60 + 2 * 0.6, abs=0.01)
    integrated, true_peak = _measure(out)
    assert -19.0 <= integrated <= -17.0
    assert true_peak <= -1.5


def test_a_chapter_fed_unit_by_unit_sounds_like_the_chapter_encoded_whole(
        tmp_path: Path) -> None:
    """The streaming encoder (loudness measured on the chapter's beginning) gives the
    same length and the same loudness, within what a listener could tell."""
    units = [_write(tmp_path / f"u{i}.wav", _speechlike(15, 3000, True, i)) for i in range(4)]
    pieces = [UnitPiece(u, 0.6) for u in units]
    joined = tmp_path / "chapter.wav"
    seconds = join_units(pieces, joined)
    whole = tmp_path / "whole.m4a"
    _encode_whole(joined, whole)

    beginning = tmp_path / "beginning.wav"
    join_units(pieces[:2], beginning)
    fed = tmp_path / "fed.m4a"
    encoder = ChapterEncoder(measure_loudness(beginning), FORMATS["m4b"], fed, RATE)
    for piece in pieces:
        encoder.add(piece)
    assert not fed.exists(), "the file appears only when it is complete"
    encoder.finish()
    assert encoder.seconds == pytest.approx(seconds, abs=0.001)
    assert MP4(str(fed)).info.length == pytest.approx(MP4(str(whole)).info.length, abs=0.05)
    (fed_lufs, fed_peak), (whole_lufs, _) = _measure(fed), _measure(whole)
    assert fed_lufs == pytest.approx(whole_lufs, abs=0.5)
    assert fed_peak <= -1.5


def test_an_aborted_chapter_encode_leaves_no_file(tmp_path: Path) -> None:
    unit = _write(tmp_path / "u.wav", _speechlike(3, 3000, False, 1))
    out = tmp_path / "chapter.m4a"
    encoder = ChapterEncoder(-20.0, FORMATS["m4b"], out, RATE)
    encoder.add(UnitPiece(unit, 0.6))
    encoder.abort()
    assert not out.exists() and not list(tmp_path.glob("chapter.m4a*"))


def test_each_format_names_its_muxers() -> None:
    """The one format→muxer table: m4b books via "ipod" (index up front), parts as .m4a."""
    m4b = FORMATS["m4b"]
    assert (m4b.muxer, m4b.part_muxer, m4b.part_extension) == ("ipod", "mp4", "m4a")
    assert m4b.book_muxer_args == ("-movflags", "+faststart")
    assert FORMATS["opus"].muxer == FORMATS["opus"].part_muxer == "ogg"
    for name in ("mp3", "flac", "wav"):
        assert FORMATS[name].muxer == FORMATS[name].part_muxer == name
