"""What a running job tells its observers (CLI progress, the GUI, tests).

Plain dataclasses, delivered to a callback on whatever thread produced them;
a GUI re-posts them to its own thread (see ui/bridge).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class JobStarted:
    title: str
    chapters: int
    units_total: int
    units_done: int
    chars_total: int
    chars_done: int
    audio_done: float


@dataclass(frozen=True)
class UnitStarted:
    node: str
    unit_id: int
    chapter: int
    chapter_title: str


@dataclass(frozen=True)
class UnitFinished:
    node: str
    unit_id: int
    chapter: int
    chars: int
    audio_seconds: float
    accepted: bool


@dataclass(frozen=True)
class UnitRejected:
    node: str
    unit_id: int
    reason: str


@dataclass(frozen=True)
class ChapterEncoded:
    chapter: int
    title: str
    duration: float


@dataclass(frozen=True)
class NodeChanged:
    """A farm node joined, changed state, or left."""

    node: str
    name: str
    state: str
    device: str = ""
    engine: str = ""
    unit_id: int | None = None
    units_done: int = 0
    audio_seconds: float = 0.0
    busy_seconds: float = 0.0


@dataclass(frozen=True)
class FarmStarted:
    """The coordinator is listening; nodes can join with this code."""

    name: str
    code: str
    port: int
    fingerprint: str
    wait_nodes: int = 0


@dataclass(frozen=True)
class Binding:
    output: Path


@dataclass(frozen=True)
class JobFinished:
    outputs: tuple[Path, ...]
    duration: float
    chapters: int


Event = (JobStarted | UnitStarted | UnitFinished | UnitRejected | ChapterEncoded | NodeChanged
         | FarmStarted | Binding | JobFinished)
Observer = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An observer that drops everything."""
