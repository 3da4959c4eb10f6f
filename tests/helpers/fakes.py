"""Test doubles that implement the real interfaces."""

from __future__ import annotations

import threading
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from e2a_node.engines.base import Engine, EngineSettings, LoadProgress, Speech, VoiceInfo


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


VOWELS = ((300, 2300), (400, 2000), (600, 1700), (700, 1200), (500, 900), (350, 800))
"""First two formants (Hz) of a few vowels: what gives each syllable its colour."""


@lru_cache(maxsize=4)
def _syllables(rate: int) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """A bank of voiced syllables (harmonics under a vowel's formants, pitch gliding)
    and fricatives (high-passed noise), made once per rate: speech is assembled from it."""
    rng = np.random.default_rng(7)
    voiced = []
    for i, (f1, f2) in enumerate(VOWELS * 2):
        n = int(rate * (0.11 + 0.02 * (i % 4)))
        t = np.arange(n) / rate
        f0 = 100 + 9 * i
        glide = f0 * (1 + (0.2 if i % 2 else -0.15) * t / t[-1])
        phase = 2 * np.pi * np.cumsum(glide) / rate
        wave = np.zeros(n)
        for k in range(1, int(min(4000, rate / 2.2) / f0)):
            gain = (np.exp(-((k * f0 - f1) / 180) ** 2) + 0.5 * np.exp(-((k * f0 - f2) / 300) ** 2)
                    + 0.08 / k)
            wave += gain * np.sin(k * phase)
        voiced.append(wave * np.hanning(n) ** 0.5 / np.abs(wave).max())
    fricatives = []
    for i in range(4):
        n = int(rate * (0.06 + 0.02 * i))
        hiss = np.diff(rng.standard_normal(n + 2), 2)
        fricatives.append(0.25 * hiss * np.hanning(n) / np.abs(hiss).max())
    return tuple(voiced), tuple(fricatives)


def speech_like(seconds: float, rate: int, seed: int = 0, peak: float = 8000.0) -> np.ndarray:
    """Int16 samples with speech's properties, deterministic for ``seed``, ``seconds`` long.

    Voiced syllables at about five a second, a fricative now and then, short silences
    between words: a level that rises and falls, a spectrum that changes shape, harmonics
    rather than one line and more energy low than high, so the farm's audio judge hears
    speech (a plain tone or noise it refuses). Cheap: syllables come from a cached bank.
    """
    n = int(seconds * rate)
    voiced, fricatives = _syllables(rate)
    rng = np.random.default_rng(seed)
    out = np.zeros(n)
    at = 0
    while at < n:
        for piece in (voiced[rng.integers(len(voiced))],
                      fricatives[rng.integers(len(fricatives))] if rng.random() < 0.4 else None):
            if piece is not None and at < n:
                take = min(len(piece), n - at)
                out[at:at + take] = piece[:take] * rng.uniform(0.6, 1.0)
                at += take
        if rng.random() < 0.45:
            at += int(rate * rng.uniform(0.04, 0.1))  # between words
    return (out * peak).astype(np.int16)


class ToneEngine(Engine):
    """Speaks speech-like sound whose length follows the text (15 chars/s), like a voice.

    (Once a plain tone, hence the name; the farm's judge refuses a tone now.)
    """

    name = "tone"
    RATE = 16000

    def __init__(self, voices_dir: Path | None = None, device: str = "cpu",
                 threads: int | None = None) -> None:
        super().__init__(voices_dir, device, threads)
        self.spoken: list[str] = []

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        return [VoiceInfo("tone", "beep", "en", sample_rate=cls.RATE)]

    def load(self, settings: EngineSettings, progress: LoadProgress | None = None) -> None:
        self.settings = settings

    def speak(self, text: str) -> Speech:
        self.spoken.append(text)
        return Speech(speech_like(len(text) / 15, self.RATE, zlib.crc32(text.encode())),
                      self.RATE)

    @property
    def sample_rate(self) -> int:
        return self.RATE


class GateEngine(ToneEngine):
    """A test voice that speaks a sentence only when the test lets it (``allow``).

    Tests then decide exactly where a unit is when they pause, cancel or stop,
    instead of racing a fast engine with sleeps.
    """

    name = "gate"
    permits = threading.Semaphore(0)
    opened = threading.Event()

    @classmethod
    def reset(cls) -> None:
        cls.permits = threading.Semaphore(0)
        cls.opened = threading.Event()

    @classmethod
    def allow(cls, sentences: int = 1) -> None:
        cls.permits.release(sentences)

    @classmethod
    def open(cls) -> None:
        """Speak freely from now on."""
        cls.opened.set()
        cls.permits.release(100_000)

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        return [VoiceInfo("gate", "gate", "en", sample_rate=cls.RATE)]

    def speak(self, text: str) -> Speech:
        if not self.opened.is_set():
            self.permits.acquire()
        return super().speak(text)


def tone_voice(voice: EngineSettings) -> Engine:
    """A node's engine factory: a ToneEngine loaded with ``voice``."""
    engine = ToneEngine()
    engine.load(voice)
    return engine


def gate_voice(voice: EngineSettings) -> Engine:
    """A node's engine factory: a GateEngine (speaks when the test lets it) with ``voice``."""
    engine = GateEngine()
    engine.load(voice)
    return engine
