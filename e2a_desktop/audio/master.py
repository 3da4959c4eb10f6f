"""Per chapter: join unit audio with natural pauses, one loudness pass, encode.

Joining streams WAV frames unit by unit, so memory is bounded by one unit, not
by the chapter or the book. Loudness is EBU R128 in two ffmpeg passes (measure,
then a linear gain), which keeps the voice's dynamics instead of pumping it.
"""

from __future__ import annotations

import json
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
LOUDNESS_RANGE = 11.0


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


_JSON_BLOCK = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}", re.S)


def measure_loudness(wav: Path) -> dict[str, str]:
    """First loudnorm pass: the chapter's integrated loudness, range, peak."""
    stderr = run_ffmpeg(["-i", str(wav), "-af",
                         f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:LRA={LOUDNESS_RANGE}"
                         ":print_format=json", "-f", "null", "-"], "measuring loudness")
    match = _JSON_BLOCK.search(stderr)
    if not match:
        raise AudioToolError("ffmpeg did not report loudness", wav)
    values: dict[str, str] = json.loads(match.group())
    return values


def _loudnorm_filter(measured: dict[str, str]) -> str:
    if measured.get("input_i", "-inf") in ("-inf", "inf") or \
            float(measured.get("input_i", "-70")) < -69:
        return "anull"  # silence: nothing to normalise, and loudnorm would divide by zero
    return (f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:LRA={LOUDNESS_RANGE}"
            f":measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
            f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
            f":offset={measured['target_offset']}:linear=true")


def master_chapter(wav: Path, fmt: OutputFormat, out_path: Path, source_rate: int) -> None:
    """Normalise loudness and encode one chapter; written atomically (tmp, then rename)."""
    measured = measure_loudness(wav)
    rate = fmt.sample_rate or source_rate
    tmp = out_path.with_name(out_path.name + ".tmp")
    run_ffmpeg(["-i", str(wav), "-af", _loudnorm_filter(measured), "-ar", str(rate),
                "-ac", "1", *fmt.codec_args, "-f", _muxer(fmt), str(tmp)],
               f"encoding {out_path.name}")
    os.replace(tmp, out_path)


def _muxer(fmt: OutputFormat) -> str:
    return {"m4b": "mp4", "opus": "ogg"}.get(fmt.name, fmt.name)
