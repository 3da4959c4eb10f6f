"""Per chapter: join unit audio with natural pauses, one loudness pass, encode.

Joining streams WAV frames unit by unit, so memory is bounded by one unit, not
by the chapter or the book. Loudness is EBU R128: measure, then one linear gain
applied while encoding, which keeps the voice's dynamics instead of pumping it.
``ChapterEncoder`` does the same encode from units fed in reading order while the
rest of the chapter is still being spoken.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import AudioToolError
from .ffmpeg import ffmpeg_exe, read_tail, run_ffmpeg
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


def measure_loudness(wav: Path) -> float:
    """EBU R128 integrated loudness (LUFS), from ffmpeg's ebur128 scanner.

    The scan skips true-peak measurement (4x oversampling, two thirds of its
    cost): the limiter that follows the gain is always on and guards the
    ceiling, so knowing the peak beforehand buys nothing. This runs beside the
    voice for every chapter, so its cost is speech time lost. Its per-frame lines
    (one per 100 ms: 18 MB of text for a 4-hour chapter) are logged at the verbose
    level, which ffmpeg does not print here; the Summary still is.
    """
    stderr = run_ffmpeg(["-nostats", "-i", str(wav), "-af", "ebur128=framelog=verbose",
                         "-f", "null", "-"], "measuring loudness")
    integrated = _INTEGRATED.search(stderr.rsplit("Summary:", 1)[-1])
    if not integrated:
        raise AudioToolError("ffmpeg did not report loudness", wav)
    return float(integrated.group(1))


def loudness_filter(integrated: float, source_rate: int, out_rate: int) -> str:
    """One linear gain to the target, then a true-peak limiter, then the output rate.

    A linear gain keeps the voice's own dynamics (no pumping). The limiter runs
    at twice the rate so it sees most of the peaks between samples too (a plain
    sample-peak limiter let bursts through at -0.7 dBTP); it holds them 0.5 dB
    under the ceiling, room for what it misses and the encoder's own overshoot,
    and does nothing below that.
    """
    if integrated < -69:  # silence, or nearly: nothing to normalise
        return f"aresample={out_rate}"
    ceiling = 10 ** ((TRUE_PEAK - 0.5) / 20)
    return (f"volume={TARGET_LUFS - integrated:.2f}dB,aresample={2 * source_rate},"
            f"alimiter=limit={ceiling:.4f}:level=false:attack=5:release=50,"
            f"aresample={out_rate}")


class ChapterEncoder:
    """One chapter encoded from its units as they come, in reading order.

    ffmpeg reads raw samples from a pipe: each unit is written, after its pause,
    when it is there, so by the chapter's last unit nearly all of it is encoded
    already and the book does not wait for a whole chapter's encode at its end.
    The result is the file one ffmpeg run over the joined chapter would write with
    the same gain (written to a temporary name, renamed by ``finish``).
    """

    def __init__(self, integrated: float, fmt: OutputFormat, out_path: Path,
                 source_rate: int) -> None:
        self.out_path, self.rate = out_path, source_rate
        self.seconds = 0.0
        self._tmp = out_path.with_name(out_path.name + ".tmp")
        rate = fmt.sample_rate or source_rate
        cmd = [ffmpeg_exe(), "-hide_banner", "-y", "-f", "s16le", "-ar", str(source_rate),
               "-ac", "1", "-i", "pipe:0", "-af", loudness_filter(integrated, source_rate, rate),
               "-ac", "1", *fmt.codec_args, "-f", fmt.part_muxer, str(self._tmp)]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish or abort)
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=self._log)

    def add(self, piece: UnitPiece) -> None:
        """Write one unit (and the pause before it, unless it opens the chapter)."""
        stdin = self._proc.stdin
        assert stdin is not None
        with wave.open(str(piece.wav_path), "rb") as unit:
            if unit.getframerate() != self.rate or unit.getnchannels() != 1 \
                    or unit.getsampwidth() != 2:
                raise AudioToolError("unit audio has a different format", piece.wav_path)
            data = unit.readframes(unit.getnframes())
        silence = int(piece.pause_before * self.rate) if self.seconds else 0
        try:
            stdin.write(b"\x00\x00" * silence)
            stdin.write(data)
        except (BrokenPipeError, ValueError):  # ffmpeg stopped: finish() says why
            return
        self.seconds += (silence + len(data) // 2) / self.rate

    def finish(self) -> None:
        """All units are in: let ffmpeg end the file, then put it in place."""
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self._proc.stdin.close()
        returncode = self._proc.wait()
        stderr = read_tail(self._log)
        self._log.close()
        if returncode != 0:
            tail = stderr.strip().splitlines()[-3:]
            raise AudioToolError(f"ffmpeg failed while encoding {self.out_path.name}: "
                                 f"{' | '.join(tail)}")
        os.replace(self._tmp, self.out_path)

    def abort(self) -> None:
        """Stop at once (a cancelled book, an error); leaves no partial file."""
        self._proc.kill()
        self._proc.wait()
        if self._proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        self._log.close()
        self._tmp.unlink(missing_ok=True)


def loudness_of(pieces: Sequence[UnitPiece], scratch_wav: Path) -> float:
    """Integrated loudness of ``pieces`` joined (in ``scratch_wav``, removed after)."""
    try:
        join_units(pieces, scratch_wav)
        return measure_loudness(scratch_wav)
    finally:
        scratch_wav.unlink(missing_ok=True)


def encode_units(pieces: Sequence[UnitPiece], integrated: float, fmt: OutputFormat,
                 out_path: Path, source_rate: int) -> float:
    """Encode a chapter's units in one go through ``ChapterEncoder``; its seconds."""
    encoder = ChapterEncoder(integrated, fmt, out_path, source_rate)
    try:
        for piece in pieces:
            encoder.add(piece)
        encoder.finish()
    except BaseException:
        encoder.abort()
        raise
    return encoder.seconds
