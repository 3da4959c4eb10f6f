"""A farm on a virtual clock: the real Farm and Scheduler, simulated nodes and network.

What it models: the coordinator's own code deciding every lease (``Farm.lease``, so
stand-aside, tail splitting and speculative copies are the real ones), heartbeats with
progress (``Farm.heartbeat``), accepted uploads (``Farm.accept_upload``, the audio check
skipped: no audio is made) and the sweep that re-queues lapsed leases, once a second as
the service runs it. Each node behaves as ``NodeWorker`` does: it speaks sentence by
sentence at its own speed (``REAL_TIME_CPS`` characters a second × its speed), beats as
it begins a unit and every ``beat_interval`` seconds after, asks for its next lease as
its last sentence begins (a node held by ``--max-speed``: as its hold ends), uploads
while it speaks the next unit (one upload in flight), drops a unit the farm took back at
its next beat (finishing the sentence under way), and waits ``retry_after`` when told
to. Speeds change once (a laptop throttling, a PC that starts encoding), nodes run with
``--max-speed`` hold each unit's audio (beating, every sentence said done) until it took
the capped time, nodes die (a crash or a lost network: no hand-back, their lease
lapses), nodes join at different times, and every request takes a one-way network delay
each way; uploads also take their size over the node's bandwidth.

What it does not model: the coordinator's own CPU time (every request is answered in
zero virtual time: the capacity benchmark measures that), TLS, lost or reordered
packets, a node coming back after it died, engine failures and bad uploads, Pause,
GPU-first engines, and encoding the chapters. Time never comes from the host: one seed gives
one figure on any machine.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm import farm as farm_module
from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.pairing import CoordinatorIdentity, PairingRegistry
from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.farm.uploads import CheckedAudio
from e2a_desktop.job import Job, JobSettings
from e2a_desktop.plan import PlanSettings
from e2a_node.protocol import LEASE_DONE, LEASE_UNIT, Assignment, Capabilities, LeaseResponse
from e2a_node.settings import EngineSettings
from e2a_node.worker import HOLD_ASK_LEAD_S

REAL_TIME_CPS = 15.0
"""Characters of text in one second of speech: a node at 1× real time speaks this many."""
BYTES_PER_AUDIO_SECOND = 22050 * 2
VOICE = EngineSettings(engine="piper", voice="en_US-joe-medium", language="xx")
"""A language with no speech front end: units keep the text as generated, so the lower
bound (from the book's characters) is the spoken text's. ("zxx" now reads as "no
language known": the book's, English, was used, and "Line 12" said in words made every
figure about 10 % worse.)"""
CAPS = Capabilities("sim", "cpu", {"piper": ["en_US-joe-medium"]})
WORDS = ("the", "old", "house", "stood", "by", "a", "river", "where", "children", "played",
         "every", "summer", "and", "nobody", "knew", "why", "lantern", "grey", "quietly")


@dataclass(frozen=True)
class SimNode:
    """One simulated PC: its speed (× real time), network, and what happens to it."""

    name: str
    speed: float
    latency: float = 0.005  # one way, seconds
    bandwidth: float = 10e6  # upload, bytes a second
    join_at: float = 0.0
    slow_at: float | None = None
    slow_factor: float = 1.0
    die_at: float | None = None
    max_speed: float | None = None
    """``e2a-node --max-speed``: its voice speaks at ``speed``, but it holds each unit's
    audio (beating, every sentence said done) until the unit took this × real time."""

    def cps(self, t: float) -> float:
        """Characters a second it delivers (its voice's speed, or the cap if lower)."""
        return min(self.voice_cps(t), REAL_TIME_CPS * (self.max_speed or math.inf))

    def voice_cps(self, t: float) -> float:
        slowed = self.slow_at is not None and t >= self.slow_at
        return REAL_TIME_CPS * self.speed / (self.slow_factor if slowed else 1.0)

    def speak_until(self, start: float, chars: float) -> float:
        """When ``chars`` characters begun at ``start`` are spoken (speed may change)."""
        if self.slow_at is not None and start < self.slow_at:
            fast = (self.slow_at - start) * self.voice_cps(start)
            if chars > fast:
                return self.slow_at + (chars - fast) / self.voice_cps(self.slow_at)
        return start + chars / self.voice_cps(start)

    def work_by(self, t: float) -> float:
        """Characters it could have spoken from joining to ``t`` (its capacity)."""
        end = min(t, self.die_at) if self.die_at is not None else t
        if end <= self.join_at:
            return 0.0
        fast_end = end if self.slow_at is None else max(self.join_at, min(end, self.slow_at))
        return (fast_end - self.join_at) * self.cps(self.join_at) + \
            (end - fast_end) * self.cps(end)


@dataclass(frozen=True)
class SimBook:
    """A book as chapters of sentences, each sentence unique (so every one is counted)."""

    chapters: tuple[tuple[str, ...], ...]

    @property
    def chapter_chars(self) -> list[int]:
        return [sum(len(s) for s in c) for c in self.chapters]

    def to_book(self) -> Book:
        return Book(Metadata("Simulated Book", "Sim"),
                    [Chapter(f"Chapter {i + 1}", " ".join(c))
                     for i, c in enumerate(self.chapters)])


def synthetic_book(rng: random.Random, total_chars: int, chapters: int) -> SimBook:
    """Chapters of uneven length (0.3× to 1.7× the mean), sentences of 20 to 260 characters."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(chapters)]
    made: list[tuple[str, ...]] = []
    counter = itertools.count(1)
    for weight in weights:
        want, sentences, size = total_chars * weight / sum(weights), [], 0
        while size < want:
            words = [rng.choice(WORDS) for _ in range(rng.randint(2, 40))]
            sentence = f"Line {next(counter)} {' '.join(words)}."
            sentences.append(sentence)
            size += len(sentence)
        made.append(tuple(sentences))
    return SimBook(tuple(made))


def household(rng: random.Random, count: int, horizon: float) -> list[SimNode]:
    """``count`` PCs spread like a household's: 0.2× to 20× real time (log-uniform, one of
    each end always there); about one in eight slows down 2-4× and one in sixteen dies
    somewhere in the first 80 % of ``horizon``; LAN or Wi-Fi delays of 0.5-40 ms, uploads
    at 2-50 MB/s, joining over the first two seconds."""
    speeds = [20.0, 0.2] + [math.exp(rng.uniform(math.log(0.2), math.log(20)))
                            for _ in range(count - 2)]
    nodes = [SimNode(f"node-{i:03d}", round(s, 2),
                     latency=math.exp(rng.uniform(math.log(0.0005), math.log(0.04))),
                     bandwidth=math.exp(rng.uniform(math.log(2e6), math.log(50e6))),
                     join_at=rng.uniform(0, 2.0)) for i, s in enumerate(speeds[:count])]
    troubled = rng.sample(range(1, count), max(1, count // 8) + max(1, count // 16))
    for k, i in enumerate(troubled):
        node = nodes[i]
        if k < max(1, count // 8):
            nodes[i] = SimNode(node.name, node.speed, node.latency, node.bandwidth,
                               node.join_at, slow_at=rng.uniform(0.1, 0.8) * horizon,
                               slow_factor=rng.uniform(2, 4))
        else:
            nodes[i] = SimNode(node.name, node.speed, node.latency, node.bandwidth,
                               node.join_at, die_at=rng.uniform(0.05, 0.8) * horizon)
    return nodes


@dataclass(frozen=True)
class Scenario:
    """A seed's book and farm."""

    book: SimBook
    nodes: list[SimNode]

    @property
    def bound(self) -> float:
        return lower_bound(sum(self.book.chapter_chars), self.nodes)

    def round_robin(self) -> float:
        return round_robin_makespan(self.book.chapter_chars, self.nodes)


def scenario(seed: int, nodes: int, chars_per_node: int = 10_000) -> Scenario:
    """A book of ``chars_per_node`` characters a node (50 nodes: a 500,000-character novel,
    about nine hours of speech) in ``max(10, nodes // 2)`` chapters, and a household farm.

    Slow-downs and deaths fall within the time the farm would take at full speed.
    """
    rng = random.Random(seed)
    book = synthetic_book(rng, chars_per_node * nodes, max(10, nodes // 2))
    farm_seed = rng.random()  # the same draws again, the times scaled to the horizon
    steady = [SimNode(n.name, n.speed, join_at=n.join_at)
              for n in household(random.Random(farm_seed), nodes, 1.0)]
    horizon = lower_bound(sum(book.chapter_chars), steady)
    return Scenario(book, household(random.Random(farm_seed), nodes, horizon))


def lower_bound(total_chars: float, nodes: list[SimNode]) -> float:
    """The earliest the farm's capacity covers the book (all of it divisible, no delays)."""
    low, high = 0.0, 1.0
    while sum(n.work_by(high) for n in nodes) < total_chars:
        low, high = high, high * 2
        if high > 1e9:
            return math.inf
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if sum(n.work_by(mid) for n in nodes) < total_chars \
            else (low, mid)
    return high


def round_robin_makespan(chapter_chars: list[int], nodes: list[SimNode]) -> float:
    """Baseline: whole chapters dealt round-robin; a dead node's chapters (the one under
    way begun again) go to whichever node is free first."""
    queues = [[c for i, c in enumerate(chapter_chars) if i % len(nodes) == k]
              for k in range(len(nodes))]
    events = [(n.join_at, k) for k, n in enumerate(nodes)]
    heapq.heapify(events)
    orphans: list[float] = []
    idle: list[tuple[float, int]] = []
    end = 0.0
    while events:
        t, k = heapq.heappop(events)
        node = nodes[k]
        if node.die_at is not None and t >= node.die_at:
            continue
        work = queues[k].pop(0) if queues[k] else orphans.pop(0) if orphans else None
        if work is None:
            idle.append((t, k))
            continue
        done = node.speak_until(t, work)
        if node.die_at is not None and done > node.die_at:
            orphans += [work, *queues[k]]
            queues[k] = []
            for free_at, other in sorted(idle):
                heapq.heappush(events, (max(free_at, node.die_at), other))
            idle = []
            continue
        end = max(end, done)
        heapq.heappush(events, (done, k))
    return end if not orphans and not any(queues) else math.inf


@dataclass
class Outcome:
    """What one simulated book came to."""

    makespan: float
    finished: bool
    spoken: Counter[str]  # sentence → how many nodes spoke it to the end of its unit
    in_order: bool  # every sentence accepted once, each chapter in reading order
    log: list[tuple[float, str, str]]  # (time, node, what happened)
    leases: int = 0
    copies: int = 0
    splits: int = 0
    largest_unit: int = 0  # characters of the largest unit planned


@dataclass(order=True)
class _Event:
    at: float
    seq: int
    call: Callable[[], None] = field(compare=False)


class _Loop:
    """The virtual clock and its queue of things to happen."""

    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[_Event] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    def at(self, when: float, call: Callable[[], None]) -> None:
        heapq.heappush(self._queue, _Event(max(when, self.now), next(self._seq), call))

    def after(self, delay: float, call: Callable[[], None]) -> None:
        self.at(self.now + delay, call)

    def step(self) -> bool:
        if not self._queue:
            return False
        event = heapq.heappop(self._queue)
        self.now = event.at
        event.call()
        return True


class _Node:
    """One node's loop, as NodeWorker runs it, driven by events instead of threads."""

    def __init__(self, sim: FarmSim, spec: SimNode) -> None:
        self.sim, self.spec, self.loop = sim, spec, sim.loop
        self.dead = False
        self.unit: Assignment | None = None
        self.token = 0  # which unit the events in flight belong to
        self.sentence = 0
        self.began = 0.0  # when the unit in hand was taken up
        self.sentence_ends = 0.0  # the sentence under way ends then (a straggler too)
        self.ahead: LeaseResponse | None = None
        self.asked_ahead = False
        self.waiting_for_ahead = False
        self.uploading = False
        self.uploaded_one = False
        self.then: Callable[[], None] | None = None  # what waits for the upload in flight
        self.done = False

    # -- requests over the network ----------------------------------------------------

    def _request(self, at_farm: Callable[[], object], answer: Callable[[object], None],
                 size: float = 0.0) -> None:
        arrives = self.loop.now + self.spec.latency + size / self.spec.bandwidth

        def served() -> None:
            result = at_farm()
            self.loop.after(self.spec.latency, lambda: None if self.dead else answer(result))
        self.loop.at(arrives, served)

    def ask(self) -> None:
        if not self.dead:
            self._request(self.sim.lease_for(self.spec.name), self._leased)  # type: ignore[arg-type]

    def _leased(self, lease: LeaseResponse) -> None:
        if lease.status == LEASE_DONE:
            self.done = True
        elif lease.status != LEASE_UNIT or lease.assignment is None:
            self.loop.after(lease.retry_after, self.ask)
        else:
            self._begin(lease.assignment)

    # -- speaking a unit --------------------------------------------------------------

    def _begin(self, unit: Assignment) -> None:
        """Take the unit up: beat for it at once (0 done) and speak it once the sentence
        still under way for a dropped unit has ended, as ``NodeWorker._async_do_unit``
        does. (Beating only from the first sentence on, a node at 0.1x real time lost
        every lease during its straggler sentence and took the same unit again for
        ever: the property test's lost example.)"""
        if self.dead:
            return
        self.unit, self.sentence, self.began = unit, 0, self.loop.now
        self.token += 1
        token = self.token
        self._beat(token)
        self.loop.at(self.sentence_ends, lambda: self._speak_first(token))

    def _speak_first(self, token: int) -> None:
        if not self.dead and token == self.token and self.unit is not None:
            self._speak(token)

    def _speak(self, token: int) -> None:
        assert self.unit is not None
        if self.sentence == len(self.unit.sentences) - 1 and not self.spec.max_speed:
            self._ask_ahead()
        chars = len(self.unit.sentences[self.sentence])
        self.sentence_ends = self.spec.speak_until(self.loop.now, chars)
        self.loop.at(self.sentence_ends, lambda: self._spoke(token))

    def _spoke(self, token: int) -> None:
        if self.dead or token != self.token or self.unit is None:
            return  # a straggler: the unit was dropped
        self.sentence += 1
        if self.sentence < len(self.unit.sentences):
            self._speak(token)
            return
        if self.spec.max_speed:  # held (beating) until the unit took max_speed × real time
            audio = len(" ".join(self.unit.sentences)) / REAL_TIME_CPS
            ends = self.began + audio / self.spec.max_speed
            if ends > self.loop.now:  # as NodeWorker._async_throttle: the next unit is
                # asked for as the hold ends, or, before the farm has any of its audio,
                # once this unit's upload is answered
                if self.uploaded_one:
                    self.loop.at(max(self.loop.now, ends - HOLD_ASK_LEAD_S),
                                 lambda: self._ask_ahead(token))
                first = not self.uploaded_one
                self.loop.at(ends, lambda: self._held(token, ask_after_upload=first))
                return
        self._held(token)

    def _ask_ahead(self, token: int | None = None) -> None:
        """Ask for the next lease now, for the unit in hand (``token``) if it is still."""
        if self.asked_ahead or self.dead or token not in (None, self.token):
            return
        self.asked_ahead = True
        self._request(self.sim.lease_for(self.spec.name), self._arrived_ahead)  # type: ignore[arg-type]

    def _held(self, token: int, ask_after_upload: bool = False) -> None:
        if self.dead or token != self.token or self.unit is None:
            return  # dropped while it held the audio
        unit, self.unit = self.unit, None
        self.token += 1
        self.sim.spoken_unit(self.spec.name, unit)
        if self.uploading:  # one upload in flight at a time
            self.then = lambda: self._send(unit, ask_after_upload)
        else:
            self._send(unit, ask_after_upload)

    def _send(self, unit: Assignment, ask_after_upload: bool = False) -> None:
        """The upload goes out (the one before it is done); the next lease is taken."""
        if self.dead:
            return
        self.uploading = True
        size = len(" ".join(unit.sentences)) / REAL_TIME_CPS * BYTES_PER_AUDIO_SECOND

        def uploaded(_: object) -> None:
            self.uploading = False
            self.uploaded_one = True
            then, self.then = self.then, None
            if then is not None:
                then()
            if ask_after_upload:
                self._next()
        self._request(lambda: self.sim.upload(self.spec.name, unit), uploaded, size)
        if not ask_after_upload:
            self._next()

    def _next(self) -> None:
        if not self.asked_ahead:
            self.ask()
        elif self.ahead is not None:
            ahead, self.ahead, self.asked_ahead = self.ahead, None, False
            self._leased(ahead)
        else:
            self.waiting_for_ahead = True

    def _arrived_ahead(self, lease: LeaseResponse) -> None:
        if self.waiting_for_ahead:
            self.waiting_for_ahead, self.asked_ahead = False, False
            self._leased(lease)
        else:
            self.ahead = lease

    def _dropped(self) -> None:
        """The farm took the unit back: move on; the sentence under way ends unheard."""
        self.sim.note(self.spec.name, f"drops unit {self.unit.unit_id if self.unit else '?'}")
        self.unit = None
        self.token += 1
        self._next()

    # -- heartbeats -------------------------------------------------------------------

    def _beat(self, token: int) -> None:
        if self.dead or token != self.token or self.unit is None:
            return
        unit, done = self.unit, self.sentence
        farm, name = self.sim.farm, self.spec.name

        def answered(keep: object) -> None:
            if not keep and token == self.token:
                self._dropped()
        self._request(lambda: farm.heartbeat(name, unit.unit_id, done, len(unit.sentences)),
                      answered)
        held = self.ahead.assignment if self.ahead is not None else None
        if held is not None:
            def ahead_answered(keep: object) -> None:
                if not keep and self.ahead is not None and self.ahead.assignment is held:
                    self.ahead, self.asked_ahead = None, False  # taken back: not begun
            self._request(lambda: farm.heartbeat(name, held.unit_id), ahead_answered)
        self.loop.after(self.sim.beat_interval, lambda: self._beat(token))

    def die(self) -> None:
        self.dead = True
        self.sim.note(self.spec.name, "dies")


class FarmSim:
    """One book on one farm of simulated nodes; ``run`` returns what came of it."""

    def __init__(self, book: SimBook, nodes: list[SimNode], folder: Path,
                 lease_ttl: float = 60.0, unit_chars: int = 1800) -> None:
        self.loop = _Loop()
        self.book = book
        settings = JobSettings(VOICE, plan=PlanSettings(target_chars=unit_chars,
                                                        max_chars=max(unit_chars, 3000)))
        job = Job(folder / "job", book.to_book(), settings)
        self.scheduler = Scheduler(job.store, self.loop, lease_ttl=lease_ttl)
        identity = CoordinatorIdentity.load(folder / "trust", "Sim Farm")
        pairing = PairingRegistry(folder / "trust", "482913", self.loop,
                                  identity.certificate.sha256)
        self.farm = Farm(identity, pairing, clock=self.loop)
        self.farm.attach(job, self.scheduler, 22050)
        self.beat_interval = max(0.5, min(lease_ttl / 3, 2.0))  # as NodeWorker beats
        self.sweep_interval = min(1.0, lease_ttl / 10)  # as the service sweeps
        self.nodes = {n.name: _Node(self, n) for n in nodes}
        self.spoken: Counter[str] = Counter()
        self.log: list[tuple[float, str, str]] = []
        self.leased_before: set[int] = set()
        self.copies = self.leases = 0
        planned = job.store.units()
        self.planned = {u.id: u.chars for u in planned}
        self.reading = [tuple(s for u in planned if u.chapter == c for s in u.sentences)
                        for c in range(len(book.chapters))]
        self.end: float | None = None

    def note(self, node: str, what: str) -> None:
        self.log.append((self.loop.now, node, what))

    def lease_for(self, node: str) -> Callable[[], LeaseResponse]:
        def lease() -> LeaseResponse:
            answer = self.farm.lease(node, CAPS)
            unit = answer.assignment
            if unit is None:
                if answer.status != LEASE_DONE:
                    self.note(node, f"waits ({answer.reason})")
                return answer
            self.leases += 1
            kind = "copy of" if unit.unit_id in self.leased_before else "leases"
            self.copies += unit.unit_id in self.leased_before
            self.leased_before.add(unit.unit_id)
            chars = len(" ".join(unit.sentences))
            whole = "" if self.planned.get(unit.unit_id) == chars else " (a part)"
            self.note(node, f"{kind} unit {unit.unit_id}: {chars} chars{whole}")
            return answer
        return lease

    def upload(self, node: str, unit: Assignment) -> bool:
        tmp = self.farm.upload_tmp(unit.unit_id, node)
        tmp.write_bytes(b"")
        n = len(unit.sentences)
        accepted, _ = self.farm.accept_upload(node, unit.unit_id, tmp,
                                              [(k * 1.0, k + 1.0) for k in range(n)])
        self.note(node, f"{'uploads' if accepted else 'uploads, too late,'} unit "
                        f"{unit.unit_id}")
        if accepted and self.end is None and self.scheduler.finished():
            self.end = self.loop.now
        return accepted

    def spoken_unit(self, node: str, unit: Assignment) -> None:
        self.spoken.update(unit.sentences)

    def _sweep(self) -> None:
        self.farm.sweep()
        if self.end is None:
            self.loop.after(self.sweep_interval, self._sweep)

    def run(self, give_up_at: float = 1e6) -> Outcome:
        for node in self.nodes.values():
            self.loop.at(node.spec.join_at, node.ask)
            if node.spec.die_at is not None:
                self.loop.at(node.spec.die_at, node.die)
        self.loop.at(0.0, self._sweep)
        with _audio_unchecked():
            while self.end is None and self.loop.now < give_up_at and self.loop.step():
                pass
        store = self.farm.job.store
        in_order = all(
            tuple(s for u in store.units(c) if u.status == "done" for s in u.sentences) ==
            sentences for c, sentences in enumerate(self.reading))
        return Outcome(self.end if self.end is not None else math.inf, self.end is not None,
                       self.spoken, in_order, self.log, self.leases, self.copies,
                       len(store.units()) - len(self.planned), max(self.planned.values()))


@contextmanager
def _audio_unchecked() -> Iterator[None]:
    """No audio is made: an upload passes the farm's audio check as the node's own."""
    def check(_path: Path, _rate: int, _chars: int, _speed: float,
              spans: list[tuple[float, float]], **_context: object) -> CheckedAudio:
        return CheckedAudio(spans[-1][1] if spans else 0.0, spans)
    with mock.patch.object(farm_module, "check_wav", check):
        yield


def simulate(book: SimBook, nodes: list[SimNode], lease_ttl: float = 60.0,
             unit_chars: int = 1800, give_up_at: float = 1e6) -> Outcome:
    """Run one book on one farm in a scratch folder (in memory where the host has one).

    ``give_up_at``: virtual seconds after which an unfinished book counts as lost (a
    livelock costs this much host time, so a test sets it near what the book needs)."""
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        sim = FarmSim(book, nodes, Path(tmp), lease_ttl, unit_chars)
        try:
            return sim.run(give_up_at)
        finally:
            sim.farm.job.store.close()
