"""Test doubles that implement the real interfaces."""

from __future__ import annotations

import threading
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


class ToneEngine(Engine):
    """Speaks a tone whose length follows the text (15 chars/s), like a real voice."""

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
        n = int(len(text) / 15 * self.RATE)
        t = np.arange(n) / self.RATE
        return Speech((np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16), self.RATE)

    @property
    def sample_rate(self) -> int:
        return self.RATE


class GateEngine(ToneEngine):
    """A tone voice that speaks a sentence only when the test lets it (``allow``).

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
