"""The progress model: folds a conversion's events into one snapshot.

Shared by the terminal bar and the desktop window, so both show the same
figures. Pure: time comes from an injected clock, and ``apply`` is called on
the event thread; ``snapshot`` may be called from any thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .eta import TimeLeft, about
from .events import (
    Binding,
    Cancelled,
    ChapterEncoded,
    Event,
    JobFailed,
    JobFinished,
    JobStarted,
    NodeChanged,
    NodeGone,
    Paused,
    Resumed,
    UnitFinished,
    UnitProgress,
    UnitRequeued,
    UnitStarted,
)
from .nodestate import NodeState

GONE = NodeState.GONE.value
CHAPTER_WAITING, CHAPTER_SPEAKING, CHAPTER_PARTLY, CHAPTER_DONE = (
    "waiting", "speaking", "partly spoken", "done")


@dataclass(frozen=True)
class NodeView:
    """One node as a front end shows it."""

    node: str
    name: str
    state: str
    device: str = ""
    engine: str = ""
    unit_id: int | None = None
    units_done: int = 0
    audio_seconds: float = 0.0
    busy_seconds: float = 0.0

    @property
    def speed(self) -> float:
        """Audio seconds per busy second (× real time)."""
        return self.audio_seconds / self.busy_seconds if self.busy_seconds else 0.0


@dataclass(frozen=True)
class ProgressSnapshot:
    """Everything a progress display needs, at one instant."""

    state: str = "preparing"  # preparing, running, paused, binding, finished, cancelled, failed
    title: str = ""
    chars_total: int = 0
    chars_done: int = 0
    audio_done: float = 0.0
    audio_this_run: float = 0.0
    elapsed: float = 0.0
    chapter_title: str = ""
    chapters_encoded: tuple[int, ...] = ()
    nodes: tuple[NodeView, ...] = ()
    error: str = ""
    outputs: tuple[str, ...] = field(default_factory=tuple)
    chars_this_run: int = 0
    chars_in_flight: float = 0.0  # the spoken part of units not yet finished
    shown_fraction: float = 0.0
    """The most this run has shown: the bar never goes back (a unit taken back at Pause,
    or lost with its node, takes its spoken sentences out of ``chars_in_flight``)."""
    eta: float | None = None
    running_seconds: float = 0.0  # of ``elapsed``, the time not paused
    chapter_states: tuple[tuple[int, str], ...] = ()
    """(chapter, waiting / speaking / partly spoken / done) for the chapters converted."""

    @property
    def fraction(self) -> float:
        """Share of the book spoken, counting the sentences of units still in flight."""
        if not self.chars_total:
            return 0.0
        spoken = (self.chars_done + self.chars_in_flight) / self.chars_total
        # Sentences spoken are not yet audio accepted: never show 100 % before the end.
        return min(1.0 if self.state == "finished" else 0.99,
                   max(spoken, self.shown_fraction))

    @property
    def pausing(self) -> int:
        """Nodes still speaking after Pause (they stop at their next sentence)."""
        return sum(n.state == NodeState.PAUSING for n in self.nodes)

    @property
    def pause_text(self) -> str:
        """What Pause has done so far, the same words wherever it is shown."""
        if self.state != "paused":
            return ""
        n = self.pausing
        if not n:
            return "paused"
        if n == 1:
            return "pausing… 1 node finishing its part"
        return f"pausing… {n} nodes finishing their part"

    @property
    def eta_text(self) -> str:
        """"about 20 min left" while running and known; else ""."""
        return about(self.eta) if self.eta is not None and self.state == "running" else ""

    @property
    def speed(self) -> float:
        """Audio spoken in this run per second spent speaking, pauses left out (× real time)."""
        running = self.running_seconds or self.elapsed
        return self.audio_this_run / running if running > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left, smoothed (see eta.py); None until the pace is known."""
        return self.eta


class ProgressModel:
    """Observer that keeps a ProgressSnapshot up to date."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self._snap = ProgressSnapshot()
        self._nodes: dict[str, NodeView] = {}
        self._unit_chars: dict[int, int] = {}
        self._unit_chapter: dict[int, int] = {}
        self._in_flight: dict[tuple[str, int], float] = {}  # (node, unit) → chars spoken
        self._chapters: dict[int, str] = {}  # chapter → waiting, partly spoken or done
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._shown = 0.0
        self._carried = 0.0
        self._time_left = TimeLeft()

    def carry(self, fraction: float) -> None:
        """The bar an earlier run of this same job showed when it was stopped: this run's
        bar starts there. That run's unfinished units counted their spoken sentences,
        which are spoken again now: without this the bar fell back at Convert."""
        with self._lock:
            self._carried = max(0.0, min(fraction, 0.99))

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._apply(event)

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            now = self._clock()
            # Copies of one unit (speculation) count once: the furthest along.
            furthest: dict[int, float] = {}
            for (_node, unit), chars in self._in_flight.items():
                furthest[unit] = max(chars, furthest.get(unit, 0.0))
            paused = self._paused_total + (now - self._paused_at if self._paused_at else 0.0)
            snap = replace(self._snap, elapsed=now - self._started,
                           running_seconds=max(0.0, now - self._started - paused),
                           nodes=tuple(self._nodes.values()),
                           chars_in_flight=sum(furthest.values()),
                           # Paused: units in flight are taken back, so no chapter is
                           # "speaking" (a node finishing its sentence is not the book).
                           chapter_states=self._chapter_states(
                               set(furthest) if self._snap.state != "paused" else set()))
            self._shown = max(self._shown, snap.fraction)
            return replace(snap, shown_fraction=self._shown, eta=self._eta(snap, now))

    def _eta(self, snap: ProgressSnapshot, now: float) -> float | None:
        if snap.state != "running":
            self._time_left.hold(now)
            return None
        left = snap.chars_total - snap.chars_done - snap.chars_in_flight
        return self._time_left.update(now, snap.running_seconds,
                                      snap.chars_this_run + snap.chars_in_flight, left)

    def _chapter_states(self, flying: set[int]) -> tuple[tuple[int, str], ...]:
        speaking = {self._unit_chapter[u] for u in flying if u in self._unit_chapter}
        return tuple((chapter, CHAPTER_SPEAKING if state != CHAPTER_DONE and chapter in speaking
                      else state) for chapter, state in sorted(self._chapters.items()))

    def _track_flight(self, event: Event) -> None:
        """Partial units, so the bar moves within a unit (a short book may be one unit)."""
        if isinstance(event, UnitStarted):
            self._unit_chars[event.unit_id] = event.chars
            self._unit_chapter[event.unit_id] = event.chapter
            self._in_flight[(event.node, event.unit_id)] = 0.0
        elif isinstance(event, UnitProgress) and (event.node, event.unit_id) in self._in_flight:
            share = event.sentences_done / event.sentences_total if event.sentences_total else 0
            chars = self._unit_chars.get(event.unit_id, 0)
            self._in_flight[(event.node, event.unit_id)] = chars * share
        elif isinstance(event, UnitFinished):
            for key in [k for k in self._in_flight if k[1] == event.unit_id]:
                del self._in_flight[key]
            if event.accepted and self._chapters.get(event.chapter) == CHAPTER_WAITING:
                self._chapters[event.chapter] = CHAPTER_PARTLY
        elif isinstance(event, UnitRequeued):
            self._in_flight.pop((event.node, event.unit_id), None)
        elif isinstance(event, NodeGone):
            for key in [k for k in self._in_flight if k[0] == event.node]:
                del self._in_flight[key]
        elif isinstance(event, JobFinished | Cancelled | JobFailed):
            self._in_flight.clear()  # nothing is spoken any more, whatever nodes still say

    def _apply(self, event: Event) -> None:  # noqa: C901 - one branch per event kind
        self._track_flight(event)
        snap = self._snap
        if isinstance(event, JobStarted):
            self._start(event)
            snap = replace(snap, state="running", title=event.title,
                           chars_total=event.chars_total, chars_done=event.chars_done,
                           audio_done=event.audio_done)
        elif isinstance(event, UnitStarted):
            snap = replace(snap, chapter_title=event.chapter_title)
        elif isinstance(event, UnitFinished) and event.accepted:
            snap = replace(snap, chars_done=snap.chars_done + event.chars,
                           chars_this_run=snap.chars_this_run + event.chars,
                           audio_done=snap.audio_done + event.audio_seconds,
                           audio_this_run=snap.audio_this_run + event.audio_seconds)
        elif isinstance(event, NodeChanged):
            self._nodes[event.node] = NodeView(
                event.node, event.name, str(event.state), event.device, event.engine,
                event.unit_id, event.units_done, event.audio_seconds, event.busy_seconds)
        elif isinstance(event, NodeGone) and event.node in self._nodes:
            self._nodes[event.node] = replace(self._nodes[event.node], state=GONE, unit_id=None)
        elif isinstance(event, ChapterEncoded):
            self._chapters[event.chapter] = CHAPTER_DONE
            snap = replace(snap, chapters_encoded=(*snap.chapters_encoded, event.chapter))
        elif isinstance(event, Paused):
            self._paused_at = self._paused_at or self._clock()
            snap = replace(snap, state="paused")
        elif isinstance(event, Resumed):
            self._end_pause()
            snap = replace(snap, state="running")
        elif isinstance(event, Binding):
            snap = replace(snap, state="binding")
        elif isinstance(event, JobFinished):
            snap = replace(snap, state="finished", outputs=tuple(map(str, event.outputs)))
        elif isinstance(event, Cancelled):
            snap = replace(snap, state="cancelled")
        elif isinstance(event, JobFailed):
            snap = replace(snap, state="failed", error=event.message)
        self._snap = snap

    def _start(self, event: JobStarted) -> None:
        """A run begins: its clock, its pace and its bar start from here."""
        self._started = self._clock()
        self._paused_at, self._paused_total, self._shown = None, 0.0, self._carried
        self._time_left = TimeLeft()
        self._chapters = {c: CHAPTER_WAITING for c in event.chapter_list}
        self._chapters.update({c: CHAPTER_PARTLY for c in event.chapters_begun})
        # Spoken whole (and encoded) in an earlier run: no event will say so in this one.
        self._chapters.update({c: CHAPTER_DONE for c in event.chapters_done})

    def _end_pause(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self._clock() - self._paused_at
            self._paused_at = None


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


SPOKEN_CHARS_PER_SECOND = 17.3
"""A typical narrating voice at speed 1.0, measured on the bundled Piper voice
(en_US-joe-medium): the sample book's 2,455 characters made 2:22.3 of audio (17.26 a
second), and a household's 511,335-character book 8:05:09 (17.57). 14.5 had put both
about a fifth too long (2:49 for the sample)."""


def estimate_seconds(chars: int, speed: float = 1.0) -> float:
    """How long ``chars`` characters take to say, before anything is spoken."""
    return chars / (SPOKEN_CHARS_PER_SECOND * speed)
