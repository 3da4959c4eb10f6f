"""The one interface every TTS engine implements.

An engine only turns text into audio. Chunking, pauses, joining and loudness
belong to the pipeline, so a new engine (XTTS, a cloud voice) is a small class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class VoiceSettings:
    """What a job asks of a voice; sent to every node as part of the job."""

    engine: str = "piper"
    voice: str = "en_US-joe-medium"
    language: str = "en"
    speed: float = 1.0
    sentence_pause: float = 0.35
    paragraph_pause: float = 0.75

    def __post_init__(self) -> None:
        if not 0.25 <= self.speed <= 4.0:
            raise ValueError(f"speed {self.speed} is outside 0.25–4.0")


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine can speak with, as `e2a voices` lists it."""

    engine: str
    name: str
    language: str
    description: str = ""
    source: str = ""


@dataclass(frozen=True)
class EngineInfo:
    """Capabilities a node reports to the coordinator."""

    name: str
    device: str
    voices: tuple[str, ...] = field(default_factory=tuple)
    languages: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Speech:
    """Mono 16-bit PCM and its rate."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


class Engine(ABC):
    """Load once, then speak many texts."""

    name: ClassVar[str]

    @classmethod
    @abstractmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        """Voices usable offline on this machine (no download)."""

    @abstractmethod
    def load(self, settings: VoiceSettings) -> None:
        """Prepare the voice; raises VoiceError if it is not available."""

    @abstractmethod
    def speak(self, text: str) -> Speech:
        """Speak one sentence (or a few) and return its audio."""

    @abstractmethod
    def describe(self) -> EngineInfo:
        """What this engine offers here (device, voices)."""

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Rate of the loaded voice."""
