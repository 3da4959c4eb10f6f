"""Read audio back the way a listener's player would: decode with ffmpeg, measure."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from e2a_desktop.audio.ffmpeg import ffmpeg_exe


def decode(path: Path, rate: int = 16000) -> np.ndarray:
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
                          "-ar", str(rate), "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype=np.int16)


def voiced_fraction(samples: np.ndarray, rate: int = 16000) -> float:
    """Share of 50 ms windows louder than -40 dBFS: speech is mostly voiced, silence is not."""
    window = rate // 20
    frames = samples[: len(samples) // window * window].astype(np.float64).reshape(-1, window)
    rms = np.sqrt((frames ** 2).mean(axis=1)) / 32768
    return float((rms > 0.01).mean()) if len(rms) else 0.0


def loudness_lufs(path: Path) -> float:
    """Integrated loudness as ffmpeg's ebur128 filter measures it."""
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af",
                          "ebur128", "-f", "null", "-"], capture_output=True, text=True)
    summary = out.stderr.rsplit("Summary:", 1)[-1]
    line = next(x for x in summary.splitlines() if x.strip().startswith("I:"))
    return float(line.split()[1])
