"""The coordinator's state: pairing, the nodes, and the book being rendered now.

A farm outlives one book: the desktop keeps it while books come and go, so nodes
stay paired and listed; a job is ``attach``ed while it renders. Without a job,
nodes are told to wait ("ready").

Plain Python, no HTTP: the aiohttp app (app.py) and the built-in node translate
their calls into calls here. Everything a front end should know leaves as an
event through ``emit``, which only enqueues (see eventbus.py), so no observer
runs while the farm's lock is held.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from e2a_node.gpu import gpu_label
from e2a_node.phonemes import strip_hints
from e2a_node.protocol import (
    HEARING_REASON,
    LEASE_DONE,
    LEASE_UNIT,
    LEASE_WAIT,
    LEAVING_FOR_ANOTHER_FARM,
    Assignment,
    Capabilities,
    FarmStatus,
    HearAssignment,
    HeardReport,
    JobInfo,
    LeaseResponse,
    NodeRow,
)
from e2a_node.settings import EngineSettings

from ..events import (
    Emit,
    NodeBack,
    NodeChanged,
    NodeGone,
    NodeJoined,
    NodeLeft,
    NodePaired,
    PairingRefused,
    UnitProgress,
    UnitRejected,
    UnitRequeued,
    UnitStarted,
    ignore,
)
from ..job import Job
from ..nodestate import NodeState
from ..storage import StorageFault, storage_fault
from ..store import UnitRecord
from .hearing import Awaiting, HearingQueue
from .pairing import CodeAlreadyUsed, CoordinatorIdentity, PairingRegistry
from .scheduler import HEARING, HEARING_TTL_S, Scheduler
from .uploads import (
    CheckedAudio,
    ImplausibleLength,
    NotSpeech,
    SpeakingRate,
    UploadRejected,
    check_wav,
    size_limit,
)

log = logging.getLogger(__name__)

BENCH_AFTER_BAD_UPLOADS = 3
MAX_JUDGED_TRIES = 3
"""Speakings of one unit the judge may refuse before it is kept anyway, flagged, if
more than one node (or the built-in one) made them: the text itself then defeats the
voice or the judge, and a book with one odd unit beats a book that never ends."""
SENTENCES_AFTER_TRIES = 2
"""Refused this often (by two nodes, or twice by the only one), a unit is spoken sentence by
sentence: each part is judged on its own, so only a sentence that fails on the next try
too is kept and flagged, and the rest of the unit is spoken anew as usual."""
FLAGGED_KEY = "judge.flagged"
"""Where the job keeps its flagged units ({unit id: reason}), for its report."""
REDONE_KEY = "judge.redone"
"""Where the job keeps how often the audio check sent each unit back to be spoken again
({unit id: refusals}; a unit cut into sentences counts for each part), so its report and
Review tab can say how much was re-rendered, across every run of the job."""
IDLE_RETRY_S = 2.0
"""How soon a node asks again when the farm has no book."""
DEFAULT_GONE_AFTER_S = 60.0
SPEAKER_SILENT_S = 15.0
AWAY_GONE_AFTER_S = 70.0
"""A node helping another of its farms says so here every 20 s (``Elsewhere``; the node's
ELSEWHERE_EVERY_S): after three such times unheard and a margin it is lost (killed, or its
PC off), not away for ever."""
"""A node that beats every couple of seconds while it speaks and then falls silent this
long is gone (killed, unplugged): its unit goes back now, not when its lease lapses a
minute later. Nodes that beat slowly (older ones) keep the lease's own time."""
SWEEP_EVERY_S = 1.0
"""How often a serving farm looks for silent nodes and lapsed leases."""
FAST_BEAT_S = 3.0
"""Beats at most this far apart, on average, make a node a fast beater (see above)."""
HEAVY_ENGINES = frozenset({"coqui"})
"""Engines many times faster on a GPU than on a CPU: GPU nodes get their units first."""
FREE_RECENTLY_S = 10.0
"""A free GPU node not heard from for this long (loading a model, gone) is not waited for."""
MAX_UNITS_HELD = 2
"""A node speaks one unit and asks for the next as its last sentence begins: it never needs
more to speak. Without a cap one paired node took every unit left in the book and sat on
them. (The unit whose upload is on its way is not counted: ``Scheduler.units_to_speak``.)"""
HELD_RETRY_S = 0.5
PAUSED_RETRY_S = 1.0
"""How soon a node asks again while the farm is paused (Resume is felt within this)."""
NODE_PAUSED_RETRY_S = 20.0
"""How often a node paused at its own PC says it is still there (its Resume needs no
answer from the farm, so this only keeps it from being reported lost)."""
HEAR_ASIDE = True
"""``--verify asr`` hears units in the hearing queue, not in the upload check (hearing.py);
False hears them inline, as before (kept for the benchmark that compares the two)."""
HEAR_ON_NODES = True
"""Nodes with nothing to speak are lent units awaiting the recogniser (hearing.py); False:
only this PC hears (kept for the benchmark that compares the two)."""
RECOGNISER_KEY = "verify.recogniser"
"""Which recogniser heard the job's units (``--verify asr``), for its report."""
HEARD_ON_NODES_KEY = "verify.heard_on_nodes"
"""Store meta: how many units other PCs with spare time heard (their verdict kept), over
every run of the job; ``e2a report`` says so."""
UNHEARD_KEY = "verify.unheard"
"""Store meta: units kept without the recogniser's verdict (the run stopped first), a JSON
list of unit ids; ``e2a report`` names them."""


@dataclass
class NodeStats:
    """Per-node figures the desktop and the CLI show."""

    node_id: str
    name: str
    device: str = ""
    engine: str = ""
    state: NodeState = NodeState.JOINED
    accelerated: bool = False
    unit_id: int | None = None
    units_done: int = 0
    audio_seconds: float = 0.0
    busy_seconds: float = 0.0
    bad_uploads: int = 0
    last_seen: float = 0.0
    beat_gap: float = 0.0
    """How far apart its requests come, on average (0: not known yet)."""
    retry_after: float = 0.0
    given: set[int] = field(default_factory=set)
    """Units given to it and not taken back: only these may it upload. (How long it spoke
    them, and so its speed, is the scheduler's to know.)"""

    @property
    def benched(self) -> bool:
        return self.bad_uploads >= BENCH_AFTER_BAD_UPLOADS

    def event(self) -> NodeChanged:
        return NodeChanged(self.node_id, self.name, self.state, self.device, self.engine,
                           self.unit_id, self.units_done, self.audio_seconds, self.busy_seconds)


class NoJob(RuntimeError):
    """The farm has no book attached right now."""


@dataclass
class _Work:
    """The book being rendered: its job, its scheduler and what the farm does on accept."""

    job: Job
    scheduler: Scheduler
    sample_rate: int
    on_accepted: Callable[[UnitRecord], None]
    closing: bool = False
    paused: bool = False
    askers: set[str] = field(default_factory=set)  # nodes that asked for this job's units
    pace: SpeakingRate = field(default_factory=SpeakingRate)
    """This job's voice's speaking rate, learned from its accepted units."""
    run_id: str = ""
    """The job's name on the wire for this run: the folder's name and a token. A node that
    heard "job over" when a run was cancelled remembers that id for a minute; the same
    book started again is a new run, which it must not mistake for the one that ended."""
    verify: Callable[[np.ndarray, int, Sequence[str]], str | None] | None = None
    """``--verify asr``: hears a unit's words and says why they are wrong (audio/asr.py)."""
    hearing: HearingQueue | None = None
    """Where ``verify`` runs: units wait there after the quick checks (hearing.py)."""
    recogniser: str = ""
    """The recogniser's name: a node is lent units to hear only if it has the same one (a
    unit's score is compared with the job's usual score, which is that recogniser's)."""
    language: str = "en"


class Farm:
    """Everything the coordinator knows and decides, independent of transport."""

    def __init__(self, identity: CoordinatorIdentity, pairing: PairingRegistry,
                 emit: Emit = ignore, clock: Callable[[], float] = time.monotonic) -> None:
        self.identity = identity
        self.pairing = pairing
        self.emit = emit
        self.clock = clock
        self.nodes: dict[str, NodeStats] = {}
        self.storage_failure: StorageFault | None = None
        """Set when the job folder could not be written; the job stops with it."""
        self.local_names: dict[str, str] = {}
        """Nodes inside this process (the built-in one), which are not paired."""
        self.judged: dict[int, list[str]] = {}
        """Per unit, the nodes whose audio for it the judge refused, in order."""
        self.flagged: dict[int, str] = {}
        """Units kept though the judge refused every speaking of them, with its reason."""
        self._work: _Work | None = None
        # Uploads are checked and stored on worker threads; node figures change under this.
        self._lock = threading.RLock()

    # -- the book being rendered ----------------------------------------------------

    def attach(self, job: Job, scheduler: Scheduler, sample_rate: int,
               on_accepted: Callable[[UnitRecord], None] | None = None,
               verify: Callable[[np.ndarray, int, Sequence[str]], str | None] | None = None
               ) -> None:
        """Start handing out this job's units."""
        with self._lock:
            before = self._work
            self._work = _Work(job, scheduler, sample_rate, on_accepted or (lambda _u: None),
                               run_id=f"{job.folder.name}.{secrets.token_hex(3)}",
                               verify=verify)
            if verify is not None:
                self._start_hearing(self._work, verify)
            # Units flagged by an earlier run stay flagged (the report lists them); a run
            # that flags more adds to them instead of writing over them.
            self.flagged = _stored_flags(job)
            self.judged = {}
            for done in job.store.units():  # a resumed book knows its voice's pace
                if done.status == "done":
                    self._work.pace.add(done.sentences, done.spans)
            self.storage_failure = None
            for stats in self.nodes.values():
                stats.bad_uploads = 0  # a new book, a fresh start
                stats.given.clear()  # unit numbers start again: old ones mean nothing
                # The table's Units done, Speed and Share are of the book being rendered.
                stats.units_done, stats.audio_seconds, stats.busy_seconds = 0, 0.0, 0.0
                if stats.unit_id is not None or stats.state in (
                        NodeState.SPEAKING, NodeState.PAUSING, NodeState.PAUSED,
                        NodeState.STANDING_ASIDE, NodeState.GPU_FIRST):
                    stats.state, stats.unit_id = NodeState.IDLE, None
                self._changed(stats)
        self._close_hearing(before)

    def detach(self) -> None:
        """The job is over (or stopped): nodes wait for the next one."""
        with self._lock:
            work, self._work = self._work, None
            for stats in self.nodes.values():
                # Waiting for a part of the book that is over: ready for the next one (this
                # PC's row read "waiting" after Done or Cancel while the others read ready).
                # Speaking a part of it: that is over too (this PC's row read "speaking" a
                # copy of the last part for ever after Done, another node having sent it
                # first; a LAN node still at it is told so at its next beat).
                if (stats.unit_id is None and stats.state in _WAITING_ON_THE_BOOK) \
                        or stats.state in (NodeState.SPEAKING, NodeState.PAUSING):
                    stats.state, stats.unit_id = NodeState.READY, None
                    self._changed(stats)
        self._close_hearing(work)  # (outside the lock: a verdict being given takes it)

    def _start_hearing(self, work: _Work,
                       verify: Callable[[np.ndarray, int, Sequence[str]], str | None]) -> None:
        """Say which recogniser listens (log and job), and queue its hearing if aside."""
        name = str(getattr(verify, "name", "") or getattr(
            getattr(verify, "__self__", None), "name", "") or "a recogniser")
        log.info("--verify asr: %s hears every unit%s", name,
                 (" beside the uploads, and on nodes with the same recogniser and nothing "
                  "to speak" if HEAR_ON_NODES else " beside the uploads") if HEAR_ASIDE
                 else " in the upload check")
        try:
            work.job.store.set_meta({RECOGNISER_KEY: name})
        except (OSError, sqlite3.Error) as exc:
            raise self.storage_trouble(exc) from None
        if HEAR_ASIDE:
            owner = getattr(verify, "__self__", verify)
            judge = getattr(owner, "judged", None) if HEAR_ON_NODES else None
            work.recogniser = name
            work.language = str(getattr(getattr(owner, "transcriber", None), "language", "en"))
            work.hearing = HearingQueue(verify, self._heard,
                                        on_unheard=lambda item: self._keep_unheard(work, item),
                                        judge=judge if callable(judge) else None,
                                        clock=self.clock)

    @staticmethod
    def _close_hearing(work: _Work | None) -> None:
        """Stop hearing a job's units and end the recogniser's process, if any."""
        if work is None:
            return
        hearing, work.hearing = work.hearing, None
        if hearing is not None:
            hearing.stop()
        owner = getattr(work.verify, "__self__", work.verify)  # (a bound ``reason`` too)
        close = getattr(owner, "close", None)
        if callable(close):
            close()  # (ends a unit being heard now: the thread need not wait for it)
        if hearing is not None:
            hearing.join()

    def hearing_drained(self, timeout: float | None = None, left: int = 0) -> bool:
        """Wait until at most ``left`` units await the recogniser's verdict (tests, bench)."""
        work = self._work
        return work is None or work.hearing is None or work.hearing.drain(timeout, left)

    def _current(self) -> _Work:
        work = self._work
        if work is None:
            raise NoJob("no book is being rendered")
        return work

    @property
    def job(self) -> Job:
        return self._current().job

    @property
    def scheduler(self) -> Scheduler:
        return self._current().scheduler

    @property
    def sample_rate(self) -> int:
        return self._current().sample_rate

    @property
    def has_job(self) -> bool:
        return self._work is not None

    @property
    def closing(self) -> bool:
        return self._work is not None and self._work.closing

    @closing.setter
    def closing(self, value: bool) -> None:
        self._current().closing = value

    @property
    def paused(self) -> bool:
        return self._work is not None and self._work.paused

    def pause(self) -> None:
        """Hand out nothing more and take back every unit in flight, so the farm stops
        spending CPU within about a sentence: a holder hears "drop it" at its next
        heartbeat and stops between sentences. Until it has, it is shown "pausing". Audio
        a holder finishes before it hears is still accepted: nothing spoken is lost.
        """
        requeued: list[tuple[int, str]] = []
        with self._lock:
            work = self._current()
            if work.paused:
                return
            work.paused = True
            if work.hearing is not None:
                work.hearing.hold()
            for lease in work.job.store.leases():
                if lease.node == HEARING:
                    continue  # spoken already: it only awaits its verdict
                work.job.store.release(lease.unit_id, lease.node)
                requeued.append((lease.unit_id, lease.node))
            for node in {node for _, node in requeued}:
                stats = self.nodes.get(node)
                if stats is not None:
                    stats.state = NodeState.PAUSING
                    self._changed(stats)
        for unit_id, node in requeued:
            self.emit(UnitRequeued(unit_id, node, "paused", self._name(node)))

    def resume(self) -> None:
        """Units are handed out again. A node still speaking the unit it had when the farm
        paused (it had not heard yet) keeps it: its lease is given back to it."""
        kept: list[UnitStarted] = []
        with self._lock:
            work = self._current()
            if not work.paused:
                return
            work.paused = False
            if work.hearing is not None:
                work.hearing.carry_on()
            for stats in self.nodes.values():
                if stats.state is not NodeState.PAUSING:
                    continue
                unit_id = stats.unit_id
                unit = work.job.store.unit(unit_id) if unit_id is not None else None
                if unit is not None and unit.status == "pending" \
                        and work.scheduler.restore(stats.node_id, unit.id):
                    stats.state = NodeState.SPEAKING
                    kept.append(UnitStarted(stats.node_id, unit.id, unit.chapter,
                                            work.job.book.chapters[unit.chapter].title,
                                            unit.chars))
                else:
                    stats.state, stats.unit_id = NodeState.PAUSED, None
                self._changed(stats)
        for started in kept:  # (its spoken sentences count on the bar again)
            self.emit(started)

    def askers(self) -> set[str]:
        """Nodes that have asked for units of the current job (for --wait-nodes)."""
        with self._lock:
            return set(self._work.askers) if self._work is not None else set()

    @property
    def gone_after(self) -> float:
        work = self._work
        return work.scheduler.lease_ttl if work is not None else DEFAULT_GONE_AFTER_S

    def job_info(self) -> JobInfo | None:
        work = self._work
        if work is None:
            return None
        return JobInfo(work.run_id, work.job.book.metadata.title,
                       work.job.settings.speech, work.sample_rate)

    def job_for(self, node_id: str) -> JobInfo | None:
        """A node asks what to work on; a node with nothing to do is listed as ready."""
        with self._lock:
            stats = self._stats(node_id)
            info = self.job_info()
            if info is None:
                self._wait(stats, NodeState.READY, IDLE_RETRY_S)
            elif stats.state in _BEFORE_A_BOOK and stats.unit_id is None \
                    and not (stats.state is NodeState.FINISHED and self._spoken_out()):
                # (one told "job over" asking again while the book binds is not starting it)
                # It asks for the book before its first unit: it loads the voice now,
                # which takes a while for a large model ("stopped" showed all along).
                stats.state = NodeState.PREPARING
                self._changed(stats)
        return info

    def _spoken_out(self) -> bool:
        """Every unit of the book is spoken: only binding is left."""
        work = self._work
        return work is not None and work.scheduler.finished()

    def _stats(self, node_id: str) -> NodeStats:
        stats = self.nodes.get(node_id)
        if stats is None:
            name = self.local_names.get(node_id) or self.pairing.name_of(node_id)
            stats = self.nodes[node_id] = NodeStats(node_id, name)
            self.emit(NodeJoined(node_id, stats.name))
        elif stats.state is NodeState.GONE:  # heard again: whatever it asks decides the rest
            self.emit(NodeBack(node_id, stats.name, self.clock() - stats.last_seen))
            stats.state = NodeState.JOINED
            self._changed(stats)
        now = self.clock()
        gap = now - stats.last_seen
        if stats.last_seen and 0 < gap < DEFAULT_GONE_AFTER_S:
            stats.beat_gap = gap if not stats.beat_gap else 0.7 * stats.beat_gap + 0.3 * gap
        stats.last_seen = now
        return stats

    def _name(self, node_id: str) -> str:
        stats = self.nodes.get(node_id)
        return stats.name if stats is not None else self.pairing.name_of(node_id)

    def _changed(self, stats: NodeStats) -> None:
        self.emit(stats.event())

    # -- leasing ------------------------------------------------------------------

    def lease(self, node_id: str, caps: Capabilities) -> LeaseResponse:
        with self._lock:
            response = self._lease(node_id, caps)
            work = self._work
        self._report_expired(work)
        return response

    def _lease(self, node_id: str, caps: Capabilities) -> LeaseResponse:
        stats = self._stats(node_id)
        # The name was chosen at pairing (a node cannot rename); the device may change.
        stats.device = gpu_label(caps.device[:32], caps.gpu, caps.gpu_free_mb)
        stats.accelerated = caps.accelerated
        if caps.paused:  # paused at its PC (a person's Pause, or its idle rule): say "paused"
            return self._wait(stats, NodeState.PAUSED, NODE_PAUSED_RETRY_S)
        work = self._work
        if work is None:  # the book ended: "job over", and the node asks what is next
            self._wait(stats, NodeState.READY, IDLE_RETRY_S)
            return LeaseResponse(LEASE_DONE)
        work.askers.add(node_id)
        voice = work.job.settings.engine
        stats.engine = voice.engine
        if work.closing:
            return self._finished(stats)
        if stats.benched or not caps.can_speak(voice):
            return self._wait(stats, NodeState.BENCHED if stats.benched else NodeState.NO_VOICE,
                              30.0)
        if work.paused:  # (one still speaking asks ahead for its next unit: still pausing)
            return self._wait(stats, NodeState.PAUSING if stats.state is NodeState.PAUSING
                              else NodeState.PAUSED, PAUSED_RETRY_S)
        if self._held(work, node_id) >= MAX_UNITS_HELD:  # (its state stays as it is)
            stats.retry_after = HELD_RETRY_S
            return LeaseResponse(LEASE_WAIT, retry_after=HELD_RETRY_S, reason=stats.state.value)
        if not stats.accelerated and self._gpu_node_free(node_id, voice):
            return self._to_hear(work, stats, caps) or \
                self._wait(stats, NodeState.GPU_FIRST, 2.0)
        unit = work.scheduler.lease(node_id)
        if unit is None:
            if work.scheduler.finished():  # counted only when the queue is dry
                return self._finished(stats)
            hearing = self._to_hear(work, stats, caps)
            if hearing is not None:  # nothing to speak: it hears another's unit meanwhile
                return hearing
            if work.scheduler.stood_aside(node_id):
                return self._wait(stats, NodeState.STANDING_ASIDE, 0.5)
            return self._wait(stats, NodeState.IDLE, 0.5)
        stats.state, stats.unit_id, stats.retry_after = NodeState.SPEAKING, unit.id, 0.0
        stats.given.add(unit.id)
        self._changed(stats)
        title = work.job.book.chapters[unit.chapter].title
        self.emit(UnitStarted(node_id, unit.id, unit.chapter, title, unit.chars))
        sentences = unit.sentences if caps.hints else tuple(strip_hints(s)
                                                             for s in unit.sentences)
        return LeaseResponse(LEASE_UNIT, Assignment(unit.id, unit.chapter, sentences,
                                                    unit.breaks, work.scheduler.lease_ttl,
                                                    work.run_id, self._take(unit.id)))

    def _take(self, unit_id: int) -> int:
        """Which speaking of the unit a lease asks for: one more than the audio check
        refused (a voice seeded by its text then says it differently, not the same
        babble again)."""
        with self._lock:
            return len(self.judged.get(unit_id, ()))

    def _to_hear(self, work: _Work, stats: NodeStats, caps: Capabilities
                 ) -> LeaseResponse | None:
        """A unit awaiting the recogniser for a node with nothing to speak, if it may hear
        it (hearing.py says who may, and what a lying hearer could do)."""
        hearing = work.hearing
        node = stats.node_id
        if hearing is None or not hearing.lends or stats.benched or node in self.local_names \
                or work.recogniser not in caps.hears or self._held(work, node):
            return None  # (one asking ahead as it speaks its last sentence: it is busy)

        def may_hear(item: Awaiting) -> bool:  # never one it was given to speak
            return item.unit.id not in stats.given \
                and node not in self.judged.get(item.unit.id, ())

        lent = hearing.lend(node, may_hear)
        if lent is None:
            return None
        log.info("unit %d goes to %s to hear (%s spoke it)", lent.item.unit.id, stats.name,
                 self._name(lent.item.node_id))
        self._wait(stats, NodeState.HEARING, 0.5)  # (the Nodes table: "listening")
        stats.retry_after = lent.seconds  # it asks again once it has heard: not gone
        return LeaseResponse(LEASE_WAIT, retry_after=0.5, reason=HEARING_REASON,
                             hearing=HearAssignment(lent.item.unit.id, lent.token,
                                                    work.recogniser, work.language,
                                                    lent.seconds, work.run_id))

    def hearing_audio(self, node_id: str, unit_id: int) -> bytes | None:
        """The audio of a unit lent to this node to hear; None if it holds no such unit.

        Only a lent unit's own file is ever read: no other audio can be had by asking."""
        work = self._work
        path = work.hearing.lent_file(node_id, unit_id) \
            if work is not None and work.hearing is not None else None
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:  # heard here meanwhile (moved into the book)
            return None

    def heard_remotely(self, node_id: str, unit_id: int, report: HeardReport) -> bool:
        """What a node heard in a unit lent to it; the verdict is this PC's (hearing.py).
        False: ignored (not lent to it now, or heard already)."""
        with self._lock:
            self._stats(node_id)  # (it was heard from)
            work = self._work
        if work is None or work.hearing is None:
            return False
        before = sum(work.hearing.heard_on.values())
        used = work.hearing.returned(node_id, unit_id, report.token, report.transcript,
                                     by=self._name(node_id))
        if sum(work.hearing.heard_on.values()) > before:  # its hearing decided the unit
            try:
                meta = work.job.store.meta()
                count = int(meta.get(HEARD_ON_NODES_KEY, "0") or 0) + 1
                work.job.store.set_meta({HEARD_ON_NODES_KEY: str(count)})
            except (OSError, sqlite3.Error, ValueError) as exc:  # only the report's figure
                log.warning("could not count unit %d as heard on %s (%s)", unit_id,
                            self._name(node_id), exc)
        return used

    def hearing_refused(self, node_id: str) -> None:
        """A node answered a unit lent to it with junk: it is lent no more, and what it
        held is heard here."""
        work = self._work
        if work is not None and work.hearing is not None:
            log.warning("%s sent a bad transcript; it is given no more units to hear",
                        self._name(node_id))
            work.hearing.distrust(node_id)

    @staticmethod
    def _held(work: _Work, node_id: str) -> int:
        return work.scheduler.units_to_speak(node_id)

    def _gpu_node_free(self, node_id: str, voice: EngineSettings) -> bool:
        """A heavy engine's unit waits for a free GPU node rather than go to a CPU one.

        XTTS speaks many times faster on a GPU: a CPU node takes such a unit only
        when no GPU node is free to, so the book is not held up by its slowest PC.
        """
        if voice.engine not in HEAVY_ENGINES:
            return False
        now = self.clock()
        return any(s.accelerated and s.state.free and not s.benched
                   and now - s.last_seen < FREE_RECENTLY_S and s.node_id != node_id
                   for s in self.nodes.values())

    def _wait(self, stats: NodeStats, state: NodeState, retry_after: float) -> LeaseResponse:
        stats.retry_after = retry_after
        if (stats.state, stats.unit_id) != (state, None):
            stats.state, stats.unit_id = state, None
            self._changed(stats)
        return LeaseResponse(LEASE_WAIT, retry_after=retry_after, reason=state.value)

    def _finished(self, stats: NodeStats) -> LeaseResponse:
        stats.state, stats.unit_id = NodeState.FINISHED, None
        self._changed(stats)
        return LeaseResponse(LEASE_DONE)

    def voice_sample(self, sample_id: str) -> bytes | None:
        """The current job's reference recording, if ``sample_id`` names it; else None.

        Only the job's own sample is ever served, from the job folder: a node cannot
        read anything else on this PC by asking for another id.
        """
        work = self._work
        if work is None or not sample_id or \
                sample_id != work.job.settings.engine.reference_voice:
            return None
        try:
            return work.job.voice_sample.read_bytes()
        except OSError:
            return None

    def heartbeat(self, node_id: str, unit_id: int, done: int | None = None,
                  total: int | None = None) -> bool:
        """Keep a lease; with ``done``/``total`` also report how far the unit is."""
        with self._lock:
            stats = self._stats(node_id)
            work = self._work
        if work is None:
            return False
        keep = work.scheduler.heartbeat(unit_id, node_id, done if total else None)
        if keep and total and (stats.state, stats.unit_id) != (NodeState.SPEAKING, unit_id) \
                and not work.paused:
            with self._lock:  # it beats for a unit it speaks: whatever was shown, it speaks
                stats.state, stats.unit_id = NodeState.SPEAKING, unit_id
                self._changed(stats)
        if keep and done is not None and total:
            self.emit(UnitProgress(node_id, unit_id, min(done, total), total))
        elif not keep:
            self._heard_drop(stats, work)
        return keep

    def _heard_drop(self, stats: NodeStats, work: _Work) -> None:
        """A node is told to drop its unit; one that was pausing stops now: "paused"."""
        with self._lock:
            if stats.state is NodeState.PAUSING and work.paused:
                stats.state, stats.unit_id = NodeState.PAUSED, None
                self._changed(stats)

    def hand_back(self, node_id: str, unit_id: int) -> None:
        """A node that stops mid-unit gives it back, so it is redone now, not at lease expiry."""
        with self._lock:
            stats = self._stats(node_id)
            stats.given.discard(unit_id)
            work = self._work
            paused = work is not None and work.paused
            stats.state, stats.unit_id = (NodeState.PAUSED if paused else NodeState.LEFT), None
            held = work is not None and any(
                lease.unit_id == unit_id and lease.node == node_id
                for lease in work.job.store.leases())
            if work is not None and held:  # (not when Pause took it back already)
                work.job.store.release(unit_id, node_id)
            self._changed(stats)
        if held:
            self.emit(UnitRequeued(unit_id, node_id, "handed back", self._name(node_id)))

    def elsewhere(self, node_id: str, busy: bool) -> JobInfo | None:
        """A node joined to another of its farms asks for this farm's book (``Elsewhere``):
        busy there, it is "helping another farm"; idle, "ready" (it comes as soon as this
        farm has a book). Either way it was heard from, so it is not reported lost."""
        with self._lock:
            stats = self._stats(node_id)
            state = NodeState.AWAY if busy else NodeState.READY
            if stats.state is not NodeState.BENCHED and (stats.state, stats.unit_id) != (
                    state, None):
                stats.state, stats.unit_id = state, None
                stats.given.clear()
                self._changed(stats)
            return self.job_info()

    def leaving(self, node_id: str, why: str) -> None:
        """A node says it goes (to another of its farms, or it stops): shown as such.

        Said between books; should it still hold units (an older node's race), they go
        back to the queue now rather than at lease expiry.
        """
        with self._lock:
            stats = self._stats(node_id)
            stats.state = NodeState.AWAY if why == LEAVING_FOR_ANOTHER_FARM else NodeState.LEFT
            stats.unit_id = None
            stats.given.clear()
            work = self._work
            held = self._release_all(work, node_id)
            self._changed(stats)
        self.emit(NodeLeft(node_id, stats.name, why))
        for unit_id in held:
            self.emit(UnitRequeued(unit_id, node_id, "handed back", stats.name))

    @staticmethod
    def _release_all(work: _Work | None, node_id: str) -> list[int]:
        """Put every unit ``node_id`` holds back in the queue (under the farm's lock); the
        units put back, to be reported once the lock is let go."""
        if work is None:
            return []
        held = [lease.unit_id for lease in work.job.store.leases() if lease.node == node_id]
        for unit_id in held:
            work.job.store.release(unit_id, node_id)
        return held

    def confirm_pairing(self, node_id: str, proof: str) -> bool:
        """The last step of pairing; a node that passes is announced as paired.

        Raises CodeAlreadyUsed (announced as such) for the one-time code just spent."""
        name = self.pairing.pending_name(node_id)
        try:
            paired = self.pairing.confirm(node_id, proof)
        except CodeAlreadyUsed:
            if name is not None:
                self.emit(PairingRefused(node_id, name, code_used=True))
            raise
        if not paired:
            if name is not None:
                self.emit(PairingRefused(node_id, name))
            return False
        self.emit(NodePaired(node_id, self.pairing.name_of(node_id)))
        return True

    def revoke(self, node_id: str) -> None:
        """Stop a paired node: its pairing is forgotten (from now on it hears 401 "not
        paired", and over its pinned TLS channel forgets this farm), the units it holds go
        back to the queue, and its row is reported "revoked" one last time. It leaves the
        nodes list, so the sweep never reports it lost; pairing again brings it back."""
        self.pairing.revoke(node_id)
        with self._lock:
            stats = self.nodes.pop(node_id, None)
            work = self._work
            held = self._release_all(work, node_id)
        if work is not None and work.hearing is not None:
            work.hearing.distrust(node_id)  # units it was hearing: heard here
        if stats is not None:
            stats.state, stats.unit_id = NodeState.REVOKED, None
            stats.given.clear()
            self._changed(stats)
        for unit_id in held:
            self.emit(UnitRequeued(unit_id, node_id, "node revoked",
                                   stats.name if stats is not None else ""))

    # -- the timer's work: lapsed leases, silent nodes -------------------------------

    def sweep(self) -> None:
        """Re-queue lapsed leases and report silent nodes gone; called on a timer.

        Without it a node that vanished would show "speaking" until someone else
        happened to ask for work.
        """
        work = self._work
        if work is not None:
            try:
                work.scheduler.expire()  # found expiries are queued in the scheduler...
            except (OSError, sqlite3.Error) as exc:  # a full disk: the job stops with it
                if not isinstance(self.storage_trouble(exc), StorageFault):
                    raise
            self._report_expired(work)  # ...and reported here, once
            if work.hearing is not None:
                work.hearing.reclaim()  # lent units not heard in time: heard here
        now = self.clock()
        gone: list[NodeStats] = []
        with self._lock:
            for stats in self.nodes.values():
                allowed = max(self.gone_after, stats.retry_after + 5.0)
                if stats.state is NodeState.AWAY:  # it says so every 20 s (ELSEWHERE_EVERY_S)
                    allowed = max(allowed, AWAY_GONE_AFTER_S)
                if stats.state is NodeState.SPEAKING and 0 < stats.beat_gap <= FAST_BEAT_S:
                    allowed = min(allowed, max(SPEAKER_SILENT_S, 5 * stats.beat_gap))
                if stats.node_id in self.local_names:
                    continue  # in this process: it cannot vanish (it is quiet when paused)
                if not stats.state.quiet and now - stats.last_seen > allowed:
                    stats.state, stats.unit_id = NodeState.GONE, None
                    stats.given.clear()
                    gone.append(stats)
        for stats in gone:
            self.emit(NodeGone(stats.node_id, stats.name, now - stats.last_seen))
            self._changed(stats)
            self._take_back_from(stats, "node gone")

    def sweeping(self, every: float = SWEEP_EVERY_S) -> FarmSweeper:
        """A timer that sweeps this farm for as long as it serves (between books too)."""
        return FarmSweeper(self, every)

    def _take_back_from(self, stats: NodeStats, why: str) -> None:
        """The units a vanished node held go back to the queue now (its lease would keep
        them a minute more); if it was only slow and comes back, the farm has them."""
        with self._lock:
            work = self._work
            held = ([lease.unit_id for lease in work.job.store.leases()
                     if lease.node == stats.node_id] if work is not None else [])
            for unit_id in held:
                assert work is not None
                work.job.store.release(unit_id, stats.node_id)
        if work is not None and work.hearing is not None:
            work.hearing.reclaim(stats.node_id)  # units it was hearing: heard here
        for unit_id in held:
            self.emit(UnitRequeued(unit_id, stats.node_id, why, stats.name))

    def _report_expired(self, work: _Work | None) -> None:
        if work is None:
            return
        for lease, requeued in work.scheduler.take_expired():
            if requeued:
                self.emit(UnitRequeued(lease.unit_id, lease.node, "lease expired",
                                       self._name(lease.node)))

    # -- uploads ------------------------------------------------------------------

    def upload_limit(self, unit_id: int) -> tuple[UnitRecord, int] | None:
        """The unit an upload is for and the most bytes it may take; None if unknown."""
        work = self._work
        unit = work.job.store.unit(unit_id) if work is not None else None
        if work is None or unit is None:
            return None
        return unit, size_limit(unit.chars, work.sample_rate, work.job.settings.engine.speed)

    def upload_refusal(self, node_id: str, unit_id: int) -> str | None:
        """Why this node may not send this unit's audio now, or None if it may.

        Only a node that was given the unit (and has not handed it back, been
        found gone or had it refused since) may upload it, and a benched node may
        upload nothing: otherwise any paired machine could put its own audio into
        any unit of the book. A lease that lapsed while the node kept speaking
        still counts, so slow honest work is not thrown away.
        """
        with self._lock:
            stats = self.nodes.get(node_id)
            if stats is None or unit_id not in stats.given:
                return f"unit {unit_id} was not given to this node"
            if stats.benched:
                return "this node is benched for sending bad audio"
        return None

    def upload_tmp(self, unit_id: int, node_id: str) -> Path:
        return self._current().job.upload_tmp(unit_id, node_id)

    def accept_upload(self, node_id: str, unit_id: int, tmp: Path,
                      spans: list[tuple[float, float]]) -> tuple[bool, bool]:
        """Validate and accept; returns (accepted, duplicate). Raises UploadRejected.

        Safe to call from a worker thread: the slow part (decoding, fsync) holds no
        farm-wide lock, so leases keep flowing meanwhile. With ``--verify asr`` the node
        is answered on the quick checks and its unit awaits the recogniser (``_heard``).
        """
        work = self._work
        unit = work.job.store.unit(unit_id) if work is not None else None
        if work is None or unit is None:
            raise UploadRejected(f"unit {unit_id} is not part of this job")
        if unit.status == "done":
            tmp.unlink(missing_ok=True)
            return False, True
        refusal = self.upload_refusal(node_id, unit_id)
        if refusal is not None:
            raise UploadRejected(refusal, counted=True, status=403)
        kept = False
        try:
            settings = work.job.settings
            heard = settings.pauses.at_speed(settings.engine.speed)
            checked = check_wav(tmp, work.sample_rate, unit.chars, settings.engine.speed, spans,
                                sentences=unit.sentences,
                                max_pause_s=heard.longest,  # a stanza pauses longest
                                pace=work.pace,
                                verify=work.verify if work.hearing is None else None)
        except NotSpeech as exc:
            checked, kept = self._judged(node_id, unit_id, exc), True
        except ImplausibleLength as exc:
            if unit_id not in self.judged:
                self.reject(node_id, unit_id, str(exc))
                raise UploadRejected(str(exc), counted=True) from None
            # Already refused by the judge and spoken again (perhaps one sentence of it
            # now): the voice babbles on this text, as the judge heard before.
            checked, kept = self._judged(node_id, unit_id,
                                         NotSpeech(str(exc), exc.checked)), True
        except UploadRejected as exc:
            self.reject(node_id, unit_id, str(exc))
            raise UploadRejected(str(exc), counted=True) from None
        if work.hearing is not None and not kept:
            return self._hear_later(work, node_id, unit, tmp, checked)
        try:
            accepted = work.job.accept_file(unit, node_id, tmp, checked.duration,
                                            checked.spans, self.clock())
        except (OSError, sqlite3.Error) as exc:
            raise self.storage_trouble(exc) from None
        self._credit(node_id, work, unit, checked, accepted)
        if accepted:
            if unit_id not in self.flagged:
                work.pace.add(unit.sentences, checked.spans)
            work.on_accepted(unit)
        return accepted, not accepted

    def _credit(self, node_id: str, work: _Work, unit: UnitRecord, checked: CheckedAudio,
                spoken: bool) -> None:
        """The node's audio for the unit is in: its figures, its speed, its state."""
        with self._lock:
            stats = self._stats(node_id)
            stats.given.discard(unit.id)
            if spoken:
                stats.units_done += 1
                stats.audio_seconds += checked.duration
                stats.busy_seconds += work.scheduler.accepted(node_id, unit.id, unit.chars)
            ahead = self._held_ahead(stats, work)
            if ahead is not None and not work.paused:
                # Its next unit was leased while it spoke this one's last sentence, and it
                # is speaking it now (the upload runs meanwhile): not "waiting".
                stats.state, stats.unit_id = NodeState.SPEAKING, ahead
            else:
                if stats.state is not NodeState.FINISHED:  # told "job over": asks no more
                    stats.state = self._between_units(stats, work)
                stats.unit_id = None
            self._changed(stats)

    _hearing_names = itertools.count()

    def _hear_later(self, work: _Work, node_id: str, unit: UnitRecord, tmp: Path,
                    checked: CheckedAudio) -> tuple[bool, bool]:
        """The quick checks passed: the node is answered now and goes on, and the unit
        waits for the recogniser, held by the hearing queue so it is neither spoken again
        nor bound (its chapter waits for it; the rest of the book does not)."""
        assert work.hearing is not None
        store = work.job.store
        waiting = tmp.with_name(f"{tmp.name}.{next(self._hearing_names)}.heard")
        try:
            with self._lock:  # (pause takes leases under this lock: none is lost between)
                held = store.lease_copy(unit.id, HEARING, self.clock(), HEARING_TTL_S)
                store.release(unit.id, node_id)
            if held is None:  # another node's copy of it was kept meanwhile
                tmp.unlink(missing_ok=True)
                self._credit(node_id, work, unit, checked, spoken=False)
                return False, True
            tmp.replace(waiting)  # its own name: a copy of the unit may upload to ``tmp``
        except (OSError, sqlite3.Error) as exc:
            raise self.storage_trouble(exc) from None
        self._credit(node_id, work, unit, checked, spoken=True)
        work.hearing.submit(Awaiting(node_id, unit, waiting, checked))
        return True, False

    def _heard(self, item: Awaiting, reason: str | None) -> None:
        """The recogniser's verdict on a unit (the hearing thread): kept, or spoken again."""
        work = self._work
        if work is None or work.hearing is None:
            item.tmp.unlink(missing_ok=True)
            return
        unit, checked = item.unit, item.checked
        if reason is not None:
            refused = NotSpeech(reason, checked)
            if not self._counted_refusal(item.node_id, unit.id, refused):
                self._refused_after_hearing(work, item, reason)
                return
        try:
            if reason is not None:
                self._store_flags(work, item.node_id, unit.id, refused)
            accepted = work.job.accept_file(unit, item.node_id, item.tmp, checked.duration,
                                            checked.spans, self.clock())
        except (OSError, sqlite3.Error) as exc:
            self.storage_trouble(exc)  # the job stops with it (a full disk)
            return
        if accepted:
            if unit.id not in self.flagged:
                work.pace.add(unit.sentences, checked.spans)
            work.on_accepted(unit)

    def _keep_unheard(self, work: _Work, item: Awaiting) -> None:
        """The run stops with the unit still awaiting the recogniser: its audio passed every
        other check, so it is kept (as done) and recorded unheard, for the report, rather
        than thrown away and spoken again (a backlog of them, with a slow recogniser)."""
        unit, checked = item.unit, item.checked
        try:
            if work.job.accept_file(unit, item.node_id, item.tmp, checked.duration,
                                    checked.spans, self.clock()):
                unheard = set(json.loads(work.job.store.meta().get(UNHEARD_KEY, "[]")))
                work.job.store.set_meta({UNHEARD_KEY: json.dumps(sorted(unheard | {unit.id}))})
        except (OSError, sqlite3.Error, ValueError) as exc:
            item.tmp.unlink(missing_ok=True)
            log.warning("unit %d awaiting the recogniser was not kept (%s); it is spoken "
                        "again next time", unit.id, exc)

    def _refused_after_hearing(self, work: _Work, item: Awaiting, reason: str) -> None:
        """The unit goes back to be spoken again (by another node first); a remote node
        gets its strike, and its figures lose the unit."""
        node_id, unit = item.node_id, item.unit
        local = node_id in self.local_names
        item.tmp.unlink(missing_ok=True)
        with self._lock:
            work.job.store.release(unit.id, HEARING)
            self._speak_again(work, node_id, unit.id)
            stats = self.nodes.get(node_id)  # (not ``_stats``: the node said nothing now)
            if stats is not None:
                if not local:
                    stats.bad_uploads += 1
                stats.units_done = max(0, stats.units_done - 1)
                stats.audio_seconds = max(0.0, stats.audio_seconds - item.checked.duration)
                if stats.benched and stats.unit_id is None:
                    stats.state = NodeState.BENCHED
                self._changed(stats)
        self.emit(UnitRejected(node_id, unit.id, reason, self._name(node_id)))

    def _judged(self, node_id: str, unit_id: int, exc: NotSpeech) -> CheckedAudio:
        """A unit the judge refused: redone elsewhere (a strike for a remote node, none
        for the built-in one, whose voice is the job's), or, refused on every try by
        more than one node or by the built-in one, kept and flagged."""
        local = node_id in self.local_names
        if not self._counted_refusal(node_id, unit_id, exc):
            self.reject(node_id, unit_id, str(exc), strike=not local)
            work = self._work
            if work is not None:
                with self._lock:
                    self._speak_again(work, node_id, unit_id)
            exc.counted = True
            raise exc
        work = self._work
        if work is not None:
            try:
                self._store_flags(work, node_id, unit_id, exc)
            except (OSError, sqlite3.Error) as error:
                raise self.storage_trouble(error) from None
        return exc.checked

    def _speak_again(self, work: _Work, node_id: str, unit_id: int) -> None:
        """A refused unit, back in the queue: another node speaks it first; refused again,
        it is spoken sentence by sentence (each part remembers the unit's tries)."""
        work.scheduler.refused(unit_id, node_id)
        tries = self.judged.get(unit_id, [])
        parts = [unit_id]
        if len(tries) == SENTENCES_AFTER_TRIES:
            parts += work.scheduler.split_refused(unit_id)[1:]
            for part in parts[1:]:
                self.judged[part] = list(tries)
        self._store_redone(work, {part: len(tries) for part in parts})

    @staticmethod
    def _store_redone(work: _Work, counts: dict[int, int]) -> None:
        """Record the re-renders in the job (for ``e2a report`` and the Review tab). A
        record that cannot be written costs the report a figure, never the book."""
        try:
            redone = stored_redone(work.job.store.meta())
            for unit_id, refusals in counts.items():
                redone[unit_id] = max(redone.get(unit_id, 0), refusals)
            work.job.store.set_meta({REDONE_KEY: json.dumps(
                {str(unit): n for unit, n in sorted(redone.items())})})
        except (OSError, sqlite3.Error) as exc:
            log.warning("could not record that units %s are spoken again (%s)",
                        sorted(counts), exc)

    def _counted_refusal(self, node_id: str, unit_id: int, exc: NotSpeech) -> bool:
        """Count a refusal of the unit; True when it is kept now, flagged."""
        local = node_id in self.local_names
        with self._lock:
            tries = self.judged.setdefault(unit_id, [])
            tries.append(node_id)
            keep = len(tries) >= MAX_JUDGED_TRIES and (local or len(set(tries)) > 1)
            if keep:
                self.flagged[unit_id] = str(exc)
        return keep

    def _store_flags(self, work: _Work, node_id: str, unit_id: int, exc: NotSpeech) -> None:
        """Write the job's flagged units (for its report) and say this one is kept."""
        work.job.store.set_meta({FLAGGED_KEY: json.dumps(
            {str(unit): why for unit, why in self.flagged.items()})})
        self.emit(UnitRejected(node_id, unit_id, str(exc), self._name(node_id), kept=True))

    @staticmethod
    def _held_ahead(stats: NodeStats, work: _Work) -> int | None:
        """Another unit this node holds a lease on (the one it asked for ahead), if any."""
        if not stats.given:
            return None
        held = [lease.unit_id for lease in work.job.store.leases()
                if lease.node == stats.node_id and lease.unit_id in stats.given]
        return held[0] if held else None

    @staticmethod
    def _between_units(stats: NodeStats, work: _Work | None) -> NodeState:
        """A node's state once it no longer holds a unit, until it asks again."""
        if stats.benched:
            return NodeState.BENCHED
        return NodeState.PAUSED if work is not None and work.paused else NodeState.IDLE

    def storage_trouble(self, exc: BaseException) -> BaseException:
        """A write in the job folder failed: a StorageFault (remembered, so the job
        stops with it) for a full or unwritable disk, else the error itself."""
        work = self._work
        fault = storage_fault(exc, work.job.folder) if work is not None else None
        if fault is None:
            return exc
        if self.storage_failure is None:
            self.storage_failure = fault
        return fault

    def reject(self, node_id: str, unit_id: int, reason: str, strike: bool = True) -> None:
        """A bad upload: the unit goes back to the queue and the node gets a strike.

        ``strike=False`` for a transfer that went wrong (damaged, too large) rather
        than audio the node made badly: the unit is redone, the node is not blamed.
        """
        with self._lock:
            stats = self._stats(node_id)
            if strike:
                stats.bad_uploads += 1
            stats.given.discard(unit_id)
            work = self._work
            stats.state, stats.unit_id = self._between_units(stats, work), None
            if work is not None:
                work.job.store.release(unit_id, node_id)
                if strike:  # its own audio was bad: another node speaks the unit first
                    work.scheduler.refused(unit_id, node_id)
            self.emit(UnitRejected(node_id, unit_id, reason, stats.name))
            self._changed(stats)

    def status(self) -> FarmStatus:
        work = self._work
        counts = work.job.store.counts(work.scheduler.chapters) if work is not None else {
            "pending": 0, "leased": 0, "done": 0}
        title, job_id = (work.job.book.metadata.title, work.run_id) if work else ("", "")
        with self._lock:
            rows = tuple(NodeRow(s.node_id, s.name, s.device, s.engine, s.state, s.unit_id,
                                 s.units_done, round(s.audio_seconds, 2),
                                 round(s.busy_seconds, 2), s.bad_uploads)
                         for s in self.nodes.values())
        return FarmStatus(title, job_id, counts["pending"], counts["leased"], counts["done"],
                          rows)


_WAITING_ON_THE_BOOK = frozenset({NodeState.IDLE, NodeState.STANDING_ASIDE, NodeState.GPU_FIRST,
                                  NodeState.PREPARING, NodeState.HEARING})
"""States that wait on a book's parts: once the book is over, the node is ready."""
_BEFORE_A_BOOK = frozenset({NodeState.JOINED, NodeState.READY, NodeState.FINISHED,
                            NodeState.LEFT, NodeState.AWAY})
"""States a node asking for the book is leaving: it gets ready to speak it."""


def stored_redone(meta: dict[str, str]) -> dict[int, int]:
    """How often the audio check sent each unit back, as the job recorded it."""
    try:
        stored = json.loads(meta.get(REDONE_KEY, "{}"))
        return {int(unit): int(n) for unit, n in stored.items() if int(n) > 0}
    except (ValueError, AttributeError, TypeError):
        return {}


def _stored_flags(job: Job) -> dict[int, str]:
    """The units an earlier run kept though the judge refused them ({id: why})."""
    try:
        stored = json.loads(job.store.meta().get(FLAGGED_KEY, "{}"))
        return {int(unit): str(why) for unit, why in stored.items()}
    except (ValueError, AttributeError, sqlite3.Error):
        return {}


class FarmSweeper:
    """Calls ``Farm.sweep`` on a thread of its own, from ``start`` until ``stop``.

    A conversion sweeps while it runs; between books nothing did, so a node killed
    while the farm had no book read "ready" in the Nodes table for ever. The farm
    host runs one for as long as it serves.
    """

    def __init__(self, farm: Farm, every: float = SWEEP_EVERY_S) -> None:
        self.farm, self.every = farm, every
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> FarmSweeper:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="farm-sweeper", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._halt.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    def _run(self) -> None:
        while not self._halt.wait(self.every):
            try:
                self.farm.sweep()
            except Exception:  # a sweep that fails now may pass next time; never stop
                log.exception("farm sweep failed")
