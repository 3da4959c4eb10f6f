"""The one interface every TTS engine implements.

An engine only turns text into audio. Chunking, pauses, joining and loudness
belong to the pipeline, so a new engine (XTTS, a cloud voice) is a small class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from ..settings import EngineSettings


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine can speak with, as `e2a voices` lists it.

    ``sample_rate`` and ``max_chars`` are known without loading the voice, so the
    coordinator checks uploads and the planner sizes sentences with no engine loaded.
    """

    engine: str
    name: str
    language: str
    description: str = ""
    source: str = ""
    sample_rate: int = 22050
    max_chars: int = 0  # longest text one speak() call takes well; 0: no limit
    max_speed: float = 4.0  # the fastest speaking rate the voice reaches
    languages: tuple[str, ...] = ()  # a multilingual model's languages ("multi" above)
    speakers: tuple[str, ...] = ()  # a multi-speaker model's voices, where known unloaded


@dataclass(frozen=True)
class Speech:
    """Mono 16-bit PCM and its rate."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


LoadProgress = Callable[[float], None]
"""Called with 0..1 while a voice loads (heavy models take a while); may raise to cancel."""


class Engine(ABC):
    """Load once, then speak many texts. Constructed with where voices live, a device,
    and at most how many CPU threads one call may use (None: the runtime's default)."""

    name: ClassVar[str]
    takes_phonemes: ClassVar[bool] = False
    """Whether ``speak`` reads a book's phoneme hints (``e2a_node.phonemes``) itself;
    an engine that does not is given each hint's word."""

    def __init__(self, voices_dir: Path | None = None, device: str = "cpu",
                 threads: int | None = None) -> None:
        self.voices_dir = voices_dir
        self.device = device
        self.threads = threads if threads and threads > 0 else None
        self.take = 0
        """Which speaking of a unit this is: 0 the first; the farm asks for another take
        when the audio check refused the last one. An engine seeded by its text (the same
        words sound the same on every PC) must then sound different, or a re-render would
        give back the very babble that was refused."""

    @classmethod
    @abstractmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        """Voices usable offline on this machine (no download, no heavy import)."""

    @abstractmethod
    def load(self, settings: EngineSettings, progress: LoadProgress | None = None) -> None:
        """Prepare the voice; raises VoiceError if it is not available."""

    def unload(self) -> None:  # noqa: B027 - engines with nothing to free keep the default
        """Free the voice's memory (a node switching jobs, the tray pausing)."""

    @abstractmethod
    def speak(self, text: str) -> Speech:
        """Speak one sentence (or a few) and return its audio."""

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Rate of the loaded voice."""

    @property
    def device_used(self) -> str:
        """The device this engine really speaks on once loaded ("cpu", "cuda", "cuda:1",
        "mps"), which may differ from the one asked for (no CUDA in this onnxruntime or
        torch): the farm's Nodes table and the node's log must say what is true.
        Engines that never use an accelerator keep this default."""
        return "cpu"

    @property
    def max_chars(self) -> int:
        """The longest text one ``speak`` call takes well (0: no limit); the planner
        splits sentences below it."""
        return 0
