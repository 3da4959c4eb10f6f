"""Speak one unit: sentence by sentence, with pauses, recording where each sentence sits.

The sentence timings travel with the audio so later stages (subtitles, per-unit
checks, re-rendering one sentence) know where every sentence is.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engines.base import Engine
from .phonemes import strip_hints
from .settings import PauseSettings


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence's place in the unit audio, in seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class UnitAudio:
    """A rendered unit: mono int16 samples, their rate, and each sentence's span."""

    samples: np.ndarray
    sample_rate: int
    spans: tuple[SentenceSpan, ...]

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def wav_bytes(self) -> bytes:
        buffer = io.BytesIO()
        write_wav(buffer, self.samples, self.sample_rate)
        return buffer.getvalue()


def write_wav(target: io.BytesIO | Path, samples: np.ndarray, rate: int) -> None:
    """Write mono 16-bit PCM as WAV (stdlib only: a node needs no ffmpeg)."""
    with wave.open(target if isinstance(target, io.BytesIO) else str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())


def _trim(samples: np.ndarray, threshold: int = 120) -> np.ndarray:
    """Trim leading/trailing near-silence so the pauses we add are the pauses heard."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return samples[:0]
    pad = 200  # keep the soft attack and release of the first/last phoneme
    return samples[max(0, loud[0] - pad) : loud[-1] + pad]


def render_unit(engine: Engine, sentences: Sequence[str], breaks: Sequence[int],
                pauses: PauseSettings,
                on_sentence: Callable[[int, int], None] | None = None,
                take: int = 0) -> UnitAudio:
    """Speak each sentence; before it, the pause of what it starts (``breaks[i]``, a
    ``Break`` or a bool as older peers send): a line of verse, a sentence, a paragraph,
    a stanza.

    ``on_sentence(done, total)`` is called after each sentence: the hook for
    heartbeats and progress, and the place to raise to abandon a unit. ``take``: which
    speaking of the unit this is (``Engine.take``; a re-render asks for another).
    """
    engine.take = take
    rate = engine.sample_rate
    pieces: list[np.ndarray] = []
    spans: list[SentenceSpan] = []
    position = 0
    for i, sentence in enumerate(sentences):
        if i:
            silence = np.zeros(int(pauses.before(breaks[i]) * rate), dtype=np.int16)
            pieces.append(silence)
            position += len(silence)
        said = sentence if engine.takes_phonemes else strip_hints(sentence)
        speech = _trim(engine.speak(said).samples)
        pieces.append(speech)
        spans.append(SentenceSpan(position / rate, (position + len(speech)) / rate))
        position += len(speech)
        if on_sentence is not None:
            on_sentence(i + 1, len(sentences))
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    return UnitAudio(samples, rate, tuple(spans))
