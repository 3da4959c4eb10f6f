"""Per chapter: join unit audio with natural pauses, one loudness pass, encode.

Joining streams WAV frames unit by unit, so memory is bounded by one unit, not
by the chapter or the book. Loudness is EBU R128: measure, then one linear gain
applied while encoding, which keeps the voice's dynamics instead of pumping it.
"""

from __future__ import annotations

import os
import re
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import AudioToolError
from .ffmpeg import run_ffmpeg
from .formats import OutputFormat

TARGET_LUFS = -18.0
TRUE_PEAK = -1.5


@dataclass(frozen=True)
class UnitPiece:
    """One unit's WAV and the pause to leave before it."""

    wav_path: Path
    pause_before: float


def join_units(pieces: Sequence[UnitPiece], out_wav: Path) -> float:
    """Concatenate unit WAVs (same rate, mono 16-bit) with pauses; return seconds."""
    rate = 0
    frames = 0
    with wave.open(str(out_wav), "wb") as out:
        for piece in pieces:
            with wave.open(str(piece.wav_path), "rb") as unit:
                if not rate:
                    rate = unit.getframerate()
                    out.setnchannels(1)
                    out.setsampwidth(2)
                    out.setframerate(rate)
                if unit.getframerate() != rate or unit.getnchannels() != 1:
                    raise AudioToolError("unit audio has a different format", piece.wav_path)
                silence = int(piece.pause_before * rate) if frames else 0
                out.writeframes(b"\x00\x00" * silence)
                data = unit.readframes(unit.getnframes())
                out.writeframes(data)
                frames += silence + len(data) // 2
    return frames / rate if rate else 0.0


_INTEGRATED = re.compile(r"^\s*I:\s+(-?[\d.]+|-inf) LUFS", re.M)
_TRUE_PEAK = re.compile(r"^\s*Peak:\s+(-?[\d.]+|-inf) dBFS", re.M)


@dataclass(frozen=True)
class Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) of a chapter."""

    integrated: float
    true_peak: float


def measure_loudness(wav: Path) -> Loudness:
    """EBU R128 integrated loudness and true peak, from ffmpeg's ebur128 scanner.

    ebur128 is ~8x cheaper than a loudnorm analysis pass (which resamples to
    192 kHz), and this runs beside the voice for every chapter.
    """
    stderr = run_ffmpeg(["-nostats", "-i", str(wav), "-af", "ebur128=peak=true", "-f", "null",
                         "-"], "measuring loudness")
    summary = stderr.rsplit("Summary:", 1)[-1]
    integrated, peak = _INTEGRATED.search(summary), _TRUE_PEAK.search(summary)
    if not integrated or not peak:
        raise AudioToolError("ffmpeg did not report loudness", wav)
    return Loudness(float(integrated.group(1)), float(peak.group(1)))


def loudness_filter(measured: Loudness) -> str:
    """One linear gain to the target; a limiter only if the gain would push peaks too high.

    A linear gain keeps the voice's own dynamics (no pumping); the limiter touches
    only the rare peaks above the true-peak ceiling.
    """
    if measured.integrated < -69:  # silence, or nearly: nothing to normalise
        return "anull"
    gain = TARGET_LUFS - measured.integrated
    chain = f"volume={gain:.2f}dB"
    if measured.true_peak + gain > TRUE_PEAK:
        ceiling = 10 ** ((TRUE_PEAK - 0.5) / 20)  # sample-peak limiter, margin for true peak
        chain += f",alimiter=limit={ceiling:.4f}:level=false:attack=5:release=50"
    return chain


def master_chapter(wav: Path, fmt: OutputFormat, out_path: Path, source_rate: int) -> None:
    """Normalise loudness and encode one chapter; written atomically (tmp, then rename)."""
    measured = measure_loudness(wav)
    rate = fmt.sample_rate or source_rate
    tmp = out_path.with_name(out_path.name + ".tmp")
    run_ffmpeg(["-i", str(wav), "-af", loudness_filter(measured), "-ar", str(rate),
                "-ac", "1", *fmt.codec_args, "-f", _muxer(fmt), str(tmp)],
               f"encoding {out_path.name}")
    os.replace(tmp, out_path)


def _muxer(fmt: OutputFormat) -> str:
    return {"m4b": "mp4", "opus": "ogg"}.get(fmt.name, fmt.name)
