"""The coordinator's state: the job, the scheduler, pairing, and what each node did.

Plain Python, no HTTP: the aiohttp app (app.py) and the built-in node translate
their calls into calls here. Everything a front end should know leaves as an
event through ``emit``, which only enqueues (see eventbus.py), so no observer
runs while the farm's lock is held.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from e2a_node.protocol import (
    LEASE_DONE,
    LEASE_UNIT,
    LEASE_WAIT,
    Assignment,
    Capabilities,
    FarmStatus,
    JobInfo,
    LeaseResponse,
    NodeRow,
)

from ..events import (
    Emit,
    NodeChanged,
    NodeGone,
    NodeJoined,
    NodePaired,
    UnitProgress,
    UnitRejected,
    UnitRequeued,
    UnitStarted,
    ignore,
)
from ..job import Job
from ..store import UnitRecord
from .pairing import CoordinatorIdentity, PairingRegistry
from .scheduler import Scheduler
from .uploads import UploadRejected, check_wav, size_limit

BENCH_AFTER_BAD_UPLOADS = 3
QUIET_STATES = ("gone", "left", "finished")
"""Node states in which silence is expected: such nodes are not reported gone again."""


@dataclass
class NodeStats:
    """Per-node figures the desktop and the CLI show."""

    node_id: str
    name: str
    device: str = ""
    engine: str = ""
    state: str = "joined"
    unit_id: int | None = None
    units_done: int = 0
    audio_seconds: float = 0.0
    busy_seconds: float = 0.0
    bad_uploads: int = 0
    last_seen: float = 0.0
    retry_after: float = 0.0
    lease_started: dict[int, float] = field(default_factory=dict)

    @property
    def benched(self) -> bool:
        return self.bad_uploads >= BENCH_AFTER_BAD_UPLOADS

    def event(self) -> NodeChanged:
        return NodeChanged(self.node_id, self.name, self.state, self.device, self.engine,
                           self.unit_id, self.units_done, self.audio_seconds, self.busy_seconds)


class Farm:
    """Everything the coordinator knows and decides, independent of transport."""

    def __init__(self, job: Job, scheduler: Scheduler, identity: CoordinatorIdentity,
                 pairing: PairingRegistry, sample_rate: int, emit: Emit = ignore,
                 on_accepted: Callable[[UnitRecord], None] | None = None,
                 gone_after: float | None = None) -> None:
        self.job = job
        self.scheduler = scheduler
        self.identity = identity
        self.pairing = pairing
        self.sample_rate = sample_rate
        self.emit = emit
        self._on_accepted = on_accepted or (lambda _unit: None)
        self.gone_after = gone_after if gone_after is not None else scheduler.lease_ttl
        self.nodes: dict[str, NodeStats] = {}
        self.closing = False
        self.paused = False
        # Uploads are checked and stored on worker threads; node figures change under this.
        self._lock = threading.RLock()

    @property
    def clock(self) -> Callable[[], float]:
        return self.scheduler.clock

    def job_info(self) -> JobInfo:
        return JobInfo(self.job.folder.name, self.job.book.metadata.title,
                       self.job.settings.speech, self.sample_rate)

    def _stats(self, node_id: str) -> NodeStats:
        stats = self.nodes.get(node_id)
        if stats is None:
            stats = self.nodes[node_id] = NodeStats(node_id, self.pairing.name_of(node_id))
            self.emit(NodeJoined(node_id, stats.name))
        stats.last_seen = self.clock()
        return stats

    def _changed(self, stats: NodeStats) -> None:
        self.emit(stats.event())

    # -- leasing ------------------------------------------------------------------

    def lease(self, node_id: str, caps: Capabilities) -> LeaseResponse:
        with self._lock:
            response = self._lease(node_id, caps)
        self._report_expired()
        return response

    def _lease(self, node_id: str, caps: Capabilities) -> LeaseResponse:
        stats = self._stats(node_id)
        stats.name, stats.device = caps.name or stats.name, caps.device
        voice = self.job.settings.engine
        stats.engine = voice.engine
        if self.closing:
            return self._finished(stats)
        if stats.benched or not caps.can_speak(voice):
            return self._wait(stats, "benched" if stats.benched else "no voice", 30.0)
        if self.paused:
            return self._wait(stats, "paused", 1.0)
        unit = self.scheduler.lease(node_id)
        if unit is None:
            if self.scheduler.finished():  # counted only when the queue is dry
                return self._finished(stats)
            return self._wait(stats, "idle", 0.5)
        stats.state, stats.unit_id, stats.retry_after = "speaking", unit.id, 0.0
        stats.lease_started[unit.id] = self.clock()
        self._changed(stats)
        title = self.job.book.chapters[unit.chapter].title
        self.emit(UnitStarted(node_id, unit.id, unit.chapter, title))
        return LeaseResponse(LEASE_UNIT, Assignment(unit.id, unit.chapter, unit.sentences,
                                                    unit.breaks, self.scheduler.lease_ttl))

    def _wait(self, stats: NodeStats, state: str, retry_after: float) -> LeaseResponse:
        stats.retry_after = retry_after
        if (stats.state, stats.unit_id) != (state, None):
            stats.state, stats.unit_id = state, None
            self._changed(stats)
        return LeaseResponse(LEASE_WAIT, retry_after=retry_after)

    def _finished(self, stats: NodeStats) -> LeaseResponse:
        stats.state, stats.unit_id = "finished", None
        self._changed(stats)
        return LeaseResponse(LEASE_DONE)

    def heartbeat(self, node_id: str, unit_id: int, done: int | None = None,
                  total: int | None = None) -> bool:
        """Keep a lease; with ``done``/``total`` also report how far the unit is."""
        with self._lock:
            self._stats(node_id)
        keep = self.scheduler.heartbeat(unit_id, node_id)
        if keep and done is not None and total:
            self.emit(UnitProgress(node_id, unit_id, min(done, total), total))
        return keep

    def hand_back(self, node_id: str, unit_id: int) -> None:
        """A node that stops mid-unit gives it back, so it is redone now, not at lease expiry."""
        with self._lock:
            stats = self._stats(node_id)
            stats.lease_started.pop(unit_id, None)
            stats.state, stats.unit_id = "left", None
            self.job.store.release(unit_id, node_id)
            self._changed(stats)
        self.emit(UnitRequeued(unit_id, node_id, "handed back"))

    def confirm_pairing(self, node_id: str, proof: str) -> bool:
        """The last step of pairing; a node that passes is announced as paired."""
        if not self.pairing.confirm(node_id, proof):
            return False
        self.emit(NodePaired(node_id, self.pairing.name_of(node_id)))
        return True

    # -- the timer's work: lapsed leases, silent nodes -------------------------------

    def sweep(self) -> None:
        """Re-queue lapsed leases and report silent nodes gone; called on a timer.

        Without it a node that vanished would show "speaking" until someone else
        happened to ask for work.
        """
        self.scheduler.expire()  # found expiries are queued in the scheduler...
        self._report_expired()  # ...and reported here, once
        now = self.clock()
        gone: list[NodeStats] = []
        with self._lock:
            for stats in self.nodes.values():
                allowed = max(self.gone_after, stats.retry_after + 5.0)
                if stats.state not in QUIET_STATES and now - stats.last_seen > allowed:
                    stats.state, stats.unit_id = "gone", None
                    stats.lease_started.clear()
                    gone.append(stats)
        for stats in gone:
            self.emit(NodeGone(stats.node_id, stats.name, now - stats.last_seen))
            self._changed(stats)

    def _report_expired(self) -> None:
        for lease, requeued in self.scheduler.take_expired():
            if requeued:
                self.emit(UnitRequeued(lease.unit_id, lease.node, "lease expired"))

    # -- uploads ------------------------------------------------------------------

    def upload_limit(self, unit_id: int) -> tuple[UnitRecord, int] | None:
        """The unit an upload is for and the most bytes it may take; None if unknown."""
        unit = self.job.store.unit(unit_id)
        if unit is None:
            return None
        return unit, size_limit(unit.chars, self.sample_rate, self.job.settings.engine.speed)

    def upload_tmp(self, unit_id: int, node_id: str) -> Path:
        return self.job.upload_tmp(unit_id, node_id)

    def accept_upload(self, node_id: str, unit_id: int, tmp: Path,
                      spans: list[tuple[float, float]]) -> tuple[bool, bool]:
        """Validate and accept; returns (accepted, duplicate). Raises UploadRejected.

        Safe to call from a worker thread: the slow part (decoding, fsync) holds no
        farm-wide lock, so leases keep flowing meanwhile.
        """
        unit = self.job.store.unit(unit_id)
        if unit is None:
            raise UploadRejected(f"unit {unit_id} is not part of this job")
        if unit.status == "done":
            tmp.unlink(missing_ok=True)
            return False, True
        try:
            checked = check_wav(tmp, self.sample_rate, unit.chars, self.job.settings.engine.speed,
                                spans)
        except UploadRejected as exc:
            self.reject(node_id, unit_id, str(exc))
            raise UploadRejected(str(exc), counted=True) from None
        accepted = self.job.accept_file(unit, node_id, tmp, checked.duration, checked.spans,
                                        self.clock())
        with self._lock:
            stats = self._stats(node_id)
            started = stats.lease_started.pop(unit_id, None)
            if accepted:
                stats.units_done += 1
                stats.audio_seconds += checked.duration
                if started is not None:
                    stats.busy_seconds += self.clock() - started
                    self.scheduler.record(node_id, unit.chars, self.clock() - started)
            stats.state, stats.unit_id = "idle", None
            self._changed(stats)
        if accepted:
            self._on_accepted(unit)
        return accepted, not accepted

    def reject(self, node_id: str, unit_id: int, reason: str) -> None:
        """A bad upload: the unit goes back to the queue and the node gets a strike."""
        with self._lock:
            stats = self._stats(node_id)
            stats.bad_uploads += 1
            stats.lease_started.pop(unit_id, None)
            stats.state, stats.unit_id = ("benched" if stats.benched else "idle"), None
            self.job.store.release(unit_id, node_id)
            self.emit(UnitRejected(node_id, unit_id, reason))
            self._changed(stats)

    def status(self) -> FarmStatus:
        counts = self.job.store.counts(self.scheduler.chapters)
        with self._lock:
            rows = tuple(NodeRow(s.node_id, s.name, s.device, s.engine, s.state, s.unit_id,
                                 s.units_done, round(s.audio_seconds, 2),
                                 round(s.busy_seconds, 2), s.bad_uploads)
                         for s in self.nodes.values())
        return FarmStatus(self.job.book.metadata.title, self.job.folder.name,
                          counts["pending"], counts["leased"], counts["done"], rows)
