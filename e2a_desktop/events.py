"""What a running conversion tells its observers (CLI progress, the GUI, tests).

Frozen dataclasses. They are published on an ``EventBus`` (eventbus.py), which
delivers them in order on its own thread, never while a core lock is held: a
slow observer cannot stall a lease. A GUI re-posts them to its own thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
    chapter_list: tuple[int, ...] = ()  # the chapters converted (book indexes)
    chapters_begun: tuple[int, ...] = ()  # of those, chapters with audio from before
    chapters_done: tuple[int, ...] = ()  # of those, chapters spoken whole before (resumed)


@dataclass(frozen=True)
class UnitStarted:
    node: str
    unit_id: int
    chapter: int
    chapter_title: str
    chars: int = 0


@dataclass(frozen=True)
class UnitProgress:
    """A node reports how far into its unit it is (sentences spoken so far)."""

    node: str
    unit_id: int
    sentences_done: int
    sentences_total: int


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
    name: str = field(default="", compare=False)  # the node's name, for the log
    kept: bool = False
    """Refused by the judge on every try (MAX_JUDGED_TRIES): kept, to be listened to."""


@dataclass(frozen=True)
class UnitRequeued:
    """A unit went back to the queue: its lease lapsed, or its node handed it back."""

    unit_id: int
    node: str
    reason: str
    name: str = field(default="", compare=False)  # the node's name, for the log


@dataclass(frozen=True)
class ChapterEncoded:
    chapter: int
    title: str
    duration: float
    earlier: bool = False  # encoded by an earlier run of the job (a resumed book)


@dataclass(frozen=True)
class NodeChanged:
    """A farm node's figures or state changed (speaking, idle, benched, gone, ...)."""

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
class NodeJoined:
    """A node asked for work for the first time in this run."""

    node: str
    name: str


@dataclass(frozen=True)
class NodePaired:
    """A new node proved it knows the farm code; it is trusted from now on."""

    node: str
    name: str


@dataclass(frozen=True)
class NodeGone:
    """A node has not been heard from for longer than a lease lasts."""

    node: str
    name: str
    silent_seconds: float


@dataclass(frozen=True)
class NodeBack:
    """A node reported gone was heard from again."""

    node: str
    name: str
    silent_seconds: float


@dataclass(frozen=True)
class NodeLeft:
    """A node said it goes: to help another of its farms (``why`` "another farm"), or it
    stops ("stopping"). It is not reported lost for the silence that follows."""

    node: str
    name: str
    why: str


@dataclass(frozen=True)
class PairingRefused:
    """A machine tried to pair with a farm code that is not this farm's (``code_used``:
    with the one-time code another pairing had just spent)."""

    node: str
    name: str
    code_used: bool = False


@dataclass(frozen=True)
class FarmStarted:
    """The coordinator is listening; nodes can join with this code."""

    name: str
    code: str
    port: int
    fingerprint: str
    wait_nodes: int = 0


@dataclass(frozen=True)
class WaitingForNodes:
    """Before rendering, the coordinator waits for nodes (--wait-nodes); counts down."""

    joined: int
    wanted: int
    seconds_left: float
    gave_up: bool = False


@dataclass(frozen=True)
class Paused:
    """No new units are handed out, and units in flight are taken back: each node stops
    at its next sentence (until then it is "pausing")."""


@dataclass(frozen=True)
class Resumed:
    """Units are handed out again."""


@dataclass(frozen=True)
class Binding:
    output: Path


@dataclass(frozen=True)
class JobFinished:
    outputs: tuple[Path, ...]
    duration: float
    chapters: int


@dataclass(frozen=True)
class Cancelled:
    """The conversion was stopped; everything spoken so far is kept for a resume."""

    units_done: int
    units_total: int


@dataclass(frozen=True)
class JobFailed:
    """The conversion stopped on an error; the message names the file and the problem."""

    message: str


Event = (JobStarted | UnitStarted | UnitProgress | UnitFinished | UnitRejected | UnitRequeued
         | ChapterEncoded | NodeChanged | NodeJoined | NodePaired | NodeGone | NodeBack | NodeLeft
         | PairingRefused | FarmStarted
         | WaitingForNodes | Paused | Resumed | Binding | JobFinished | Cancelled | JobFailed)
Observer = Callable[[Event], None]
Emit = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An observer that drops everything."""
