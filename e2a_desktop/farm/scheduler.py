"""Leasing policy on top of the job store: queue order, expiry, speculative copies.

Time comes from an injected clock so the policy is testable without sleeping.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..store import JobStore, Lease, UnitRecord

Clock = Callable[[], float]
OVERDUE_SLACK = 0.5
"""A holder counts as stalled once its unit has taken half as long again as its speed says."""
MIN_PART_CHARS = 80
"""The smallest part a tail unit is cut into (about five seconds of speech).

The book's end can be uneven by up to one such piece: at 160 characters, the last
one alone kept a node at 4x real time busy 3 s while the two others were done. A
piece costs one lease and one upload, which a node asks for and sends while it
speaks, so smaller pieces cost the farm nothing it waits for."""
STAND_ASIDE_MARGIN_S = 0.5
"""A node stands aside only for a gain larger than this (or 5 % of what is left)."""
RATE_MEMORY_S = 15.0
"""A node's speed is what it showed over about its last this-many seconds of speaking."""
STALL_GRACE_S = 5.0
"""Beats come every 2 s at most: a holder may go this long, plus a sentence's time, without
saying that a sentence ended before it counts as stalled."""
STALL_FALLBACK_CPS = 3.0
"""The speed a holder's silence is judged by while no node's speed is known yet: the
slowest speech an upload may be (uploads.MIN_CHARS_PER_SECOND), so only a holder slower
than any plausible voice is taken for stalled."""
FIRST_UNIT_CHARS = 400
"""The most a node not timed yet is given: about 30 s of speech at 1x real time, two
minutes at 0.2x. A fast node is timed by it in a second or two."""
FIT_SHARE = 0.5
"""A node's unit is at most this part of what it can speak before the book ends."""
REMAINING_REFRESH_S = 1.0
"""How often the work left and the farm's speed are summed (a query of every unit)."""
HEARING = "(hearing)"
"""The holder of a unit whose audio is in and awaits ``--verify asr``'s verdict (the farm's
hearing queue, heard on the coordinator or lent to a node with spare time): not a node.
Its lease keeps the unit out of the queue and the book from ending; the policy below looks
past it (it speaks nothing, is never slow, never copied)."""
HEARING_TTL_S = 30 * 24 * 3600.0
"""A heard unit's lease never lapses on its own: a verdict always comes (a recogniser that
fails passes the unit; a unit lent to a node that does not answer in time comes back to
the coordinator), and a restarted run releases every lease."""
AT_WORK_S = 10.0
"""A node that asked for work this recently is at work in the farm (for a refused unit)."""
FREE_NOW_S = 2.0
"""A node holding nothing that asked this recently asks again within half a second."""
MAX_PASSED = 8
"""A node passes over at most this many refused units in a row to find one of its own."""


@dataclass
class NodeRate:
    """Characters per second a node has shown lately.

    Every stretch of speaking counts by its length, and older stretches fade with
    e^(-age / RATE_MEMORY_S) (age in speaking time). A node's speed changes during
    a book: the coordinator's own node slows down by a third once its PC also
    encodes the chapters, and a laptop may throttle. A plain average of units, fed a
    fast first unit, kept saying it was as fast as the others to the end. A ratio
    of decayed sums, not an average of rates, so a stretch in which no sentence
    ended and the next one, in which two did, even out.
    """

    chars: float = 0.0
    seconds: float = 0.0
    spoken_for: float = 0.0  # seconds of speaking counted so far (the fading's clock)

    def update(self, chars: float, seconds: float) -> float:
        """Count a stretch; returns when (``spoken_for``), to take it back by."""
        if seconds <= 0 or chars < 0:
            return self.spoken_for
        keep = math.exp(-seconds / RATE_MEMORY_S)
        self.chars = self.chars * keep + chars
        self.seconds = self.seconds * keep + seconds
        self.spoken_for += seconds
        return self.spoken_for

    def withdraw(self, chars: float, seconds: float, counted_at: float) -> None:
        """Take back a stretch counted at ``counted_at``, faded as it has since."""
        weight = math.exp(-(self.spoken_for - counted_at) / RATE_MEMORY_S)
        self.chars = max(0.0, self.chars - chars * weight)
        self.seconds = max(0.0, self.seconds - seconds * weight)

    @property
    def known(self) -> bool:
        return self.chars > 0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0


@dataclass
class _Spoken:
    """How far each holder of one unit has said it is: (when, characters), per node.

    ``held``: stretches a node said it spoke faster than its speed so far. They count
    once its audio for the unit is accepted: beats are a node's word, and a node that
    claimed fast progress and never uploaded would otherwise be believed the fastest
    (given every copy, the largest share, and made the others stand aside). A stretch
    that shows a node slower counts at once: claiming it only costs the node work.
    """

    sentence_ends: tuple[int, ...]  # characters up to the end of each sentence
    chars: int
    points: dict[str, tuple[float, float]] = field(default_factory=dict)
    held: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    counted: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)
    """Stretches believed before the audio came, each with when it was counted: once
    the audio is in, the unit counts as one stretch instead."""

    def forget(self, node: str) -> None:
        """``node`` starts this unit again (a copy after its lease lapsed)."""
        self.points.pop(node, None)
        self.held.pop(node, None)
        self.counted.pop(node, None)

    @classmethod
    def of(cls, unit: UnitRecord) -> _Spoken:
        return cls(tuple(itertools.accumulate(len(s) + 1 for s in unit.sentences)), unit.chars)

    def chars_after(self, sentences: int) -> float:
        """Characters of the unit's text in its first ``sentences`` sentences."""
        if sentences <= 0 or not self.sentence_ends:
            return 0.0
        done = self.sentence_ends[min(sentences, len(self.sentence_ends)) - 1]
        return self.chars * min(1.0, done / self.sentence_ends[-1])


@dataclass(frozen=True)
class _Tail:
    """The last units of a book, as one lease request sees them."""

    leases: list[Lease]
    pending: list[tuple[int, int]]  # (unit id, characters), in reading order
    rates: dict[str, float]
    pieces: int  # the next unit is cut into this many parts (1: left whole)


def _fluid_end(free: dict[str, float], rates: dict[str, float], work: float) -> float:
    """When ``work`` characters would be done, shared out as the guided tail shares them.

    The tail cuts the last units to each asker's share, so the remaining text behaves
    like a fluid: each node speaks from the moment it is free, at its speed, until all
    finish together (water-filling over the nodes sorted by when they are free). No
    node finishes before the work it already holds.
    """
    order = sorted(free.items(), key=lambda item: item[1])
    end, speed, weighted = max(free.values()), 0.0, 0.0
    for k, (node, at) in enumerate(order):
        speed += rates[node]
        weighted += rates[node] * at
        done = (work + weighted) / speed
        if k + 1 == len(order) or done <= order[k + 1][1]:
            return max(end, done)
    return end


class Scheduler:
    """Hands out units: pending ones first, then copies of the slowest in-flight one."""

    MAX_COPIES = 2

    def __init__(self, store: JobStore, clock: Clock, lease_ttl: float = 60.0,
                 chapters: Iterable[int] | None = None, speculate: bool = True,
                 split_tail: bool = True) -> None:
        self.store = store
        self.clock = clock
        self.lease_ttl = lease_ttl
        self.chapters = list(chapters) if chapters is not None else None
        self.speculate = speculate
        self.split_tail = split_tail
        self.rates: dict[str, NodeRate] = {}
        self._spoken: dict[int, _Spoken] = {}  # units in flight, by id
        self._lock = threading.Lock()
        self._next_expiry = float("-inf")
        self._expired: list[tuple[Lease, bool]] = []
        self._aside: set[str] = set()  # nodes whose last request was declined at the tail
        self._speaking_since: dict[tuple[str, int], float] = {}
        """When each (node, unit) was begun: leased, until the node's first beat says it
        began speaking it (a unit leased ahead waits for the one before it)."""
        self._begun: set[tuple[str, int]] = set()
        self._moved: dict[str, float] = {}
        """When each holder last showed progress: leased while holding nothing, began a
        unit, said a sentence ended, or had audio accepted."""
        self._beat: dict[str, float] = {}  # when each node last beat
        self._beat_of: dict[tuple[str, int], float] = {}  # ...for each unit it holds
        self._suspect: set[str] = set()  # nodes once found stalled
        self._said: dict[tuple[str, int], int] = {}  # sentences each holder said are done
        self._remaining_at = float("-inf")
        self._remaining = (0.0, 0.0)  # (characters left, the farm's speed), refreshed
        self._asked: dict[str, float] = {}  # when each node last asked for a unit
        self._refused: dict[int, set[str]] = {}
        """Per unit, the nodes whose audio for it was refused: it goes to another first."""

    def refused(self, unit_id: int, node: str) -> None:
        """``node``'s audio for the unit was refused: its next speaking goes to another node
        while one is at work (another voice instance, another seed, often another PC)."""
        with self._lock:
            self._refused.setdefault(unit_id, set()).add(node)

    def split_refused(self, unit_id: int) -> list[int]:
        """Cut a refused unit (pending again) into its sentences; the parts' ids, in order
        (none when it is one sentence, or a node's copy of it is still being spoken)."""
        with self._lock:
            unit = self.store.unit(unit_id)
            if unit is None or len(unit.sentences) < 2:
                return []
            refused = self._refused.get(unit_id)
            parts = self.store.split(unit_id, len(unit.sentences))
            for part in parts:
                if refused:
                    self._refused[part] = set(refused)
            return parts

    def _leases(self) -> list[Lease]:
        """The leases of nodes (the hearing queue's are not a node's work)."""
        return [lease for lease in self.store.leases() if lease.node != HEARING]

    def _holders(self) -> set[str]:
        return self.store.lease_holders() - {HEARING}

    def _leased_chars(self) -> dict[int, int]:
        """Characters of each unit a node holds (not one only the hearing queue holds)."""
        spoken = {lease.unit_id for lease in self._leases()}
        return {unit: chars for unit, chars in self.store.leased_chars().items()
                if unit in spoken}

    def _split(self, unit_id: int, pieces: int) -> bool:
        """Cut a pending unit; its parts keep whom its audio was refused from."""
        ids = self.store.split(unit_id, pieces)
        refused = self._refused.get(unit_id)
        if refused:
            for part in ids:
                self._refused[part] = set(refused)
        return bool(ids)

    def stood_aside(self, node: str) -> bool:
        """Was ``node``'s last lease declined because the others finish the book sooner?

        The only reason a free node gets nothing while a unit is pending; a front end
        shows it as its own state, never as "waiting".
        """
        with self._lock:
            return node in self._aside

    def expire(self) -> None:
        """Drop lapsed leases now (a timer calls this; leasing also does, now and then)."""
        with self._lock:
            self._expire(self.clock())

    def take_expired(self) -> list[tuple[Lease, bool]]:
        """Leases found lapsed since the last call, each with: did its unit go back?"""
        with self._lock:
            found, self._expired = self._expired, []
            return found

    def _expire(self, now: float) -> None:
        expired, requeued = self.store.expire(now)
        back = set(requeued)
        self._expired.extend((lease, lease.unit_id in back) for lease in expired)
        self._next_expiry = now + min(1.0, self.lease_ttl / 10)

    def lease(self, node: str) -> UnitRecord | None:
        """The next unit for ``node``, or None when there is nothing useful for it now."""
        with self._lock:
            now = self.clock()
            self._aside.discard(node)
            self._asked[node] = now
            if now >= self._next_expiry:  # a sweep per lease would cost a write each time
                self._expire(now)
            copy = self._stalled_copy(node, now)
            if copy is not None:  # a stalled holder's unit, before any new one
                self._spoken.setdefault(copy.id, _Spoken.of(copy)).forget(node)
                self._speaking_since[(node, copy.id)] = now
                self._begun.discard((node, copy.id))
                return copy
            if self.split_tail:
                tail = self._tail(node)
                if tail is not None and tail.pieces >= 2 \
                        and self._split(tail.pending[0][0], tail.pieces):
                    tail = self._tail(node)  # the next unit is now the split's first part
                if tail is not None and self._others_finish_sooner(node, tail, now):
                    self._aside.add(node)
                    return None  # the node asks again soon; speculation stays possible
                if tail is None:
                    self._fit_next(node, now)
            unit = self._lease_pending(node, now)
            if unit is not None:  # (a unit that lapsed and was split since is new text)
                self._spoken[unit.id] = _Spoken.of(unit)
            elif self.speculate:
                unit = self._speculative(node, now)
                if unit is not None:
                    self._spoken.setdefault(unit.id, _Spoken.of(unit)).forget(node)
            if unit is not None:  # (the same unit again, as a copy: begun anew)
                self._speaking_since[(node, unit.id)] = now
                self._begun.discard((node, unit.id))
            return unit

    def _lease_pending(self, node: str, now: float) -> UnitRecord | None:
        """The first pending unit in reading order, but not one whose audio from ``node``
        was refused while another node at work can speak it: ``node`` takes the next one
        instead, or, with none left, waits half a second for a free node to ask. When the
        others are all busy (a slow node would hold the book's end) or none is at work,
        ``node`` speaks it again itself: the book always moves on."""
        if not any(node in nodes for nodes in self._refused.values()):
            return self.store.lease_next(node, now, self.lease_ttl, self.chapters)
        ahead = self.store.pending_sizes(self.chapters, limit=MAX_PASSED + 1)
        if not ahead or node not in self._refused.get(ahead[0][0], ()):
            return self.store.lease_next(node, now, self.lease_ttl, self.chapters)
        others = self._others_at_work(node, ahead[0][0], now)
        if not others:
            return self.store.lease_next(node, now, self.lease_ttl, self.chapters)
        for unit_id, _chars in ahead[1:]:
            if node not in self._refused.get(unit_id, ()):
                return self.store.lease_copy(unit_id, node, now, self.lease_ttl)
        holders = self._holders()
        if any(other not in holders and now - self._asked[other] <= FREE_NOW_S
               for other in others):
            return None  # a free node asks again within half a second and gets it
        return self.store.lease_next(node, now, self.lease_ttl, self.chapters)

    def _others_at_work(self, node: str, unit_id: int, now: float) -> list[str]:
        """Nodes besides ``node`` at work in the farm whose audio for the unit was never
        refused (a benched or voiceless node never gets this far, so is not asking)."""
        refused = self._refused.get(unit_id, set())
        holders = self._holders()
        return [other for other, asked in self._asked.items()
                if other != node and other not in refused
                and (other in holders or now - asked <= AT_WORK_S)]

    def units_to_speak(self, node: str) -> int:
        """The units ``node`` holds that it has still to speak (the farm caps these).

        Its leases, less one whose audio is on its way: leased before a unit the node has
        begun since, and not beaten for since that began (a node beats only for the unit
        it speaks and the one leased ahead, and sends one upload at a time). Counting
        that one, a fast node asking ahead while its last upload was still in flight
        (5 MB at 2 MB/s outlasts a unit spoken at 20x) was told to wait 0.5 s each time,
        idle after the unit it spoke: 2-3 % of the simulated farm's capacity. A node that
        beats for all it holds (a hoarder) still holds two at most.
        """
        with self._lock:
            held = [lease for lease in self._leases() if lease.node == node]
            begun = [self._speaking_since[(node, lease.unit_id)] for lease in held
                     if (node, lease.unit_id) in self._begun]
            sent = any(lease.started < began
                       and self._beat_of.get((node, lease.unit_id), lease.started) < began
                       for lease in held for began in begun)
            return len(held) - sent

    def _beaten(self, node: str, unit_id: int, sentences_done: int | None) -> None:
        """A holder beat: remember when, and whether it showed progress."""
        with self._lock:
            now = self.clock()
            self._beat[node] = now
            key = (node, unit_id)
            self._beat_of[key] = now
            said = self._said.get(key)
            if sentences_done is not None and (said is None or sentences_done > said):
                self._said[key] = sentences_done  # began it, or a sentence ended
                self._moved[node] = now

    def _stalled(self, node: str, held: list[Lease], now: float,
                 slowest: float | None = None) -> bool:
        """Has ``node`` beaten without progress for longer than its speed explains?

        A node that stops beating loses its leases when they lapse; one that beats on
        without saying a sentence ended (a node hoarding units it never speaks) would
        keep them for ever. Its speed, or while its own is not known the slowest timed
        node's, says how long its longest sentence may take; twice that and a beat's
        interval without progress, and its units are copied to the next node that asks.
        Until a node has once been found stalled, the slowest plausible voice's speed
        (``STALL_FALLBACK_CPS``) is allowed too: by the slowest timed node alone, a node
        at 0.2x real time beside timed ones at 4x was taken for stalled in its first
        sentence, unit after unit, and never timed (simulated, 10 nodes: the book waited
        a minute for such a copy). A hoarder is found slowly once, then quickly.
        """
        moved = self._moved.get(node)
        if moved is None or self._beat.get(node, moved) <= moved:
            return False  # it has not beaten since it last moved: its lease will tell
        mine = self.rates.get(node)
        lenient = [] if node in self._suspect else [STALL_FALLBACK_CPS]
        if slowest is None and not (mine is not None and mine.known):
            slowest = self._slowest()
        known = [] if slowest is None else [slowest]
        rate = mine.chars_per_second if mine is not None and mine.known else \
            min(known + lenient or [STALL_FALLBACK_CPS])
        longest = max((_longest_sentence(self._spoken.get(lease.unit_id)) for lease in held),
                      default=0.0)
        for lease in held:  # said done, audio not in: due when its speed says (--max-speed)
            spoken = self._spoken.get(lease.unit_id)
            point = spoken.points.get(node) if spoken is not None else None
            if spoken is not None and point is not None and point[1] >= spoken.chars:
                began = self._speaking_since.get((node, lease.unit_id), lease.started)
                moved = max(moved, began + spoken.chars / max(rate, 1e-6) - 2 * longest
                            / max(rate, 1e-6))
        return now - moved > 2 * longest / max(rate, 1e-6) + STALL_GRACE_S

    def _stalled_copy(self, node: str, now: float) -> UnitRecord | None:
        """A copy, for ``node``, of the first unit (in reading order) a stalled node holds."""
        leases = self._leases()
        by_node: dict[str, list[Lease]] = {}
        for lease in leases:
            by_node.setdefault(lease.node, []).append(lease)
        mine = by_node.get(node, [])
        if not mine:
            self._moved[node] = now  # it holds nothing: its clock starts with this lease
        elif self._stalled(node, mine, now):
            return None  # a stalled node is not given another's unit
        # Each holder judged once, by the slowest speed found once, and only one that has
        # beaten since it last moved: judged per unit, every speed sorted each time, this
        # was half the lease's time at 200 nodes.
        maybe = [n for n in by_node if n != node
                 and self._beat.get(n, -math.inf) > self._moved.get(n, math.inf)]
        slowest = self._slowest() if maybe else None
        stalled = {n for n in maybe if self._stalled(n, by_node[n], now, slowest)}
        if not stalled:
            return None
        holders: dict[int, list[str]] = {}
        for lease in leases:
            holders.setdefault(lease.unit_id, []).append(lease.node)
        for unit_id in sorted(holders):
            nodes = holders[unit_id]
            if node in nodes or len(nodes) >= self.MAX_COPIES \
                    or node in self._refused.get(unit_id, ()):
                continue
            if not stalled.issuperset(nodes):
                continue
            unit = self.store.unit(unit_id)
            if unit is not None and (self.chapters is None or unit.chapter in self.chapters):
                self._suspect.update(nodes)
                return self.store.lease_copy(unit_id, node, now, self.lease_ttl)
        return None

    def _slowest(self) -> float | None:
        """The slowest speed a node has shown (None: nobody timed yet)."""
        return min((r.chars_per_second for r in self.rates.values() if r.known), default=None)

    def restore(self, node: str, unit_id: int) -> bool:
        """Give ``node`` back the lease of a unit it is still speaking (taken at Pause);
        its speaking time runs on from when it began."""
        with self._lock:
            now = self.clock()
            if self.store.lease_copy(unit_id, node, now, self.lease_ttl) is None:
                return False
            self._speaking_since.setdefault((node, unit_id), now)
            return True

    def accepted(self, node: str, unit_id: int, chars: int) -> float:
        """``node``'s audio for the unit was accepted: learn its speed from it, and return
        how long it spent speaking the unit (0 when that is not known)."""
        with self._lock:
            began = self._speaking_since.pop((node, unit_id), None)
            self._moved[node] = self.clock()
            self._said.pop((node, unit_id), None)
            self._beat_of.pop((node, unit_id), None)
            self._begun.discard((node, unit_id))
        if began is None:
            return 0.0
        seconds = self.clock() - began
        self.record(node, chars, seconds, unit_id)
        return seconds

    def _tail(self, node: str) -> _Tail | None:
        """Near the end: what is left, and how many parts the next unit is cut into.

        Guided self-scheduling: once fewer than two units per working node remain,
        a node gets at most half of its share of the remaining text (by the speeds
        the nodes have shown), so pieces shrink as the book ends and every node
        finishes at about the same time.
        Without this the last units of a book (or all of a short one) go whole to
        as many nodes as there are units, and the rest wait while each is spoken.
        None while the book is not near its end.
        """
        working = self._holders() | {node}
        if len(working) < 2:
            return None
        if self.store.pending_more_than(2 * len(working), self.chapters):
            return None  # the bulk of the book: the next unit goes whole
        pending = self.store.pending_sizes(self.chapters, limit=2 * len(working))
        if not pending:
            return None
        rates = self._rates(working)  # a slow node gets a smaller share
        share = max(MIN_PART_CHARS, sum(chars for _, chars in pending) * rates[node]
                    / sum(rates.values()) / 2)
        chars = pending[0][1]
        pieces = min(len(working), int(chars // share), chars // MIN_PART_CHARS)
        return _Tail(self._leases(), pending, rates, max(1, pieces))

    def _fit_next(self, node: str, now: float) -> None:
        """In the bulk of the book: cut the next unit down to what ``node`` should take.

        A node's unit should end well before the book does: at most ``FIT_SHARE`` of what
        it can speak, at its speed, in the time the farm as a whole needs for the rest
        (after the unit it holds, when it asks ahead). A node not timed yet is taken for a
        slow one (``FIRST_UNIT_CHARS`` at most). Left whole, a 1,800-character unit taken
        at the start by a node at 0.2x real time took ten minutes of a three-minute book:
        at the end the fast nodes copied such units while the rest waited (simulated, 50
        nodes: 1.10x the lower bound). The unit is halved, its first half again, ... so
        the parts left behind are larger, for the nodes that ask next.
        """
        mine = self.rates.get(node)
        if not self._moved.keys() - {node} and mine is not None and mine.known:
            return  # the only node so far: nobody waits for its unit
        # (Not timed yet, the first node to ask is cut down too: nodes that start
        # together ask in any order, and one held to 0.5x real time with --max-speed
        # took a whole unit at the start that the book waited for at its end.)
        cap = self._fit_chars(node, now)
        if cap is None:
            return
        for _ in range(8):  # 1,800 characters to a part of 80 in five halvings
            first = self.store.pending_sizes(self.chapters, limit=1)
            if not first or first[0][1] <= max(cap, 2 * MIN_PART_CHARS) \
                    or not self._split(first[0][0], 2):
                return

    def _fit_chars(self, node: str, now: float) -> float | None:
        """The most characters ``node`` should be given now (None: no limit)."""
        mine = self.rates.get(node)
        if mine is None or not mine.known:
            return FIRST_UNIT_CHARS
        if now >= self._remaining_at + REMAINING_REFRESH_S:
            self._remaining_at = now
            leased = self._leased_chars()
            holders = self._holders() | {node}
            self._remaining = (self.store.pending_chars(self.chapters) + sum(leased.values()),
                               sum(self._rates(holders).values()))
        work, speed = self._remaining
        rate = mine.chars_per_second
        if speed <= 0 or rate <= 0:
            return None
        mine_held = [lease.unit_id for lease in self._leases() if lease.node == node]
        sizes = self.store.leased_chars() if mine_held else {}
        held = sum(sizes.get(unit_id, 0) for unit_id in mine_held)  # (asking ahead)
        return FIT_SHARE * max(0.0, rate * work / max(speed, rate) - held)

    def _others_finish_sooner(self, node: str, tail: _Tail, now: float) -> bool:
        """Would the book end sooner if ``node`` left the rest to the nodes at work?

        At the very end a slow node (a laptop, or the coordinator's own node while
        its PC also encodes the chapters) that takes one of the last pieces can be
        the one everybody waits for, while a fast node that is about to be free
        would have spoken it sooner. Both endings are worked out: the next unit (split
        already, or left whole) goes to whoever would finish it first, and the rest is
        shared as the tail shares it (``_fluid_end``). The node stands aside only when
        the ending without it is clearly earlier, and never when it is the fastest of
        the nodes at work, so the book always moves on.
        """
        free = self._free_times(tail, now)
        me = free.pop(node, now)  # a node asking ahead still holds its current unit
        if not free or tail.rates[node] >= max(tail.rates[other] for other in free):
            return False
        work = sum(chars for _, chars in tail.pending)
        mine = tail.pending[0][1]
        with_me = _fluid_end({**free, node: me + mine / tail.rates[node]}, tail.rates,
                             work - mine)
        taker = min(free, key=lambda other: free[other] + mine / tail.rates[other])
        without_me = _fluid_end({**free, taker: free[taker] + mine / tail.rates[taker],
                                 node: me}, tail.rates, work - mine)
        return without_me < with_me - max(STAND_ASIDE_MARGIN_S, 0.05 * (with_me - now))

    def _free_times(self, tail: _Tail, now: float) -> dict[str, float]:
        """When each working node should be done with the units it holds."""
        chars = self._leased_chars()
        free: dict[str, float] = {}
        for lease in tail.leases:  # in the order they were leased
            if lease.unit_id not in chars or lease.node not in tail.rates:
                continue  # (a lease that lapsed or came since the holders were read)
            size, rate = chars[lease.unit_id], tail.rates[lease.node]
            own = _expected_finish(rate, self._began(lease, rate), size, now)
            before = free.get(lease.node)  # a unit leased ahead starts after the current one
            free[lease.node] = max(own, now) if before is None else \
                max(own, before + size / rate)
        return free

    def _began(self, lease: Lease, rate: float) -> float:
        """When the holder would have begun its unit, given how far it last said it is.

        The lease's own start for a unit not begun yet (leased ahead) or from a node
        that does not beat; else the moment that its progress and speed point back to,
        so the holder's expected finish follows what it has really spoken.
        """
        spoken = self._spoken.get(lease.unit_id)
        point = spoken.points.get(lease.node) if spoken is not None else None
        if point is None or rate <= 0:
            return lease.started
        if spoken is not None and (spoken.held.get(lease.node) or point[1] >= spoken.chars):
            # It says it is further than its speed explains, or done without audio: a
            # node run with ``--max-speed`` says every sentence is done, then holds the
            # audio until the unit took its time. Believed, it was always about to
            # finish, and the book's last unit waited for it while faster nodes stood by.
            return self._speaking_since.get((lease.node, lease.unit_id), lease.started)
        return point[0] - point[1] / rate

    def heartbeat(self, unit_id: int, node: str, sentences_done: int | None = None) -> bool:
        """Extend ``node``'s lease; False tells the node to drop the unit.

        ``sentences_done``: how far the node is in the unit it speaks. A node beats
        as it begins a unit (0 done) and every few seconds after, so its speed is
        learnt while it speaks, not only once per unit, and the tail sees how much of
        each unit in flight is really left.
        """
        keep = self.store.renew(unit_id, node, self.clock() + self.lease_ttl)
        if keep:
            self._beaten(node, unit_id, sentences_done)
        if keep and sentences_done is not None:
            with self._lock:
                key = (node, unit_id)
                if sentences_done == 0 and key in self._speaking_since and key not in self._begun:
                    self._speaking_since[key] = self.clock()  # it begins speaking this unit now
                    self._begun.add(key)
                self._progress(node, unit_id, sentences_done)
        return keep

    def _progress(self, node: str, unit_id: int, sentences_done: int) -> None:
        spoken = self._spoken.get(unit_id)
        if spoken is None:
            unit = self.store.unit(unit_id)  # leased before a restart of this scheduler
            if unit is None or unit.status == "done":  # (or accepted from a copy just now)
                return
            spoken = self._spoken[unit_id] = _Spoken.of(unit)
        now, chars = self.clock(), spoken.chars_after(sentences_done)
        point = spoken.points.get(node)
        if point is not None:
            if chars < point[1]:
                return  # (an old beat overtaken by a newer one)
            # The unit's stretches so far, if together slower than thought (than the
            # median node, for one not timed yet), are believed at once; faster ones wait
            # for the audio. A node's first unit is its longest wait for a speed: at 0.2x
            # real time its beats were held for ten minutes while it counted as the
            # median node, always about to finish, so nobody took a copy of its unit.
            # Together, not one by one: the stretches in which no sentence ended, believed
            # alone, made a node at 2x look like one at 0.7x.
            held = spoken.held.setdefault(node, [])
            held.append((chars - point[1], now - point[0]))
            together = _together(held)
            # Every sentence said and no audio yet: the node uploads, or holds the audio
            # (``--max-speed``); that wait is timed with the unit once the audio comes.
            # Believed beat by beat, it took a held node's speed to nothing.
            if point[1] < spoken.chars \
                    and together[0] <= self._rates((node,))[node] * together[1]:
                rate = self.rates.setdefault(node, NodeRate())
                spoken.counted.setdefault(node, []).append((*together,
                                                            rate.update(*together)))
                held.clear()
        spoken.points[node] = (now, chars)

    def record(self, node: str, chars: int, seconds: float, unit_id: int | None = None) -> None:
        """Learn a node's speed from its accepted unit (``seconds``: since it began).

        With beats, the stretches it was held to until now, then the one since the
        last beat; a node that never beat (one of an older version) is timed whole.
        """
        with self._lock:
            spoken = self._spoken.pop(unit_id, None) if unit_id is not None else None
            point = spoken.points.get(node) if spoken is not None else None
            rate = self.rates.setdefault(node, NodeRate())
            if spoken is None or point is None:
                rate.update(chars, seconds)
                return
            # The whole unit as one stretch, in place of the stretches believed from its
            # beats: a node that said every sentence was done, then held the audio 35 s
            # (``--max-speed``), was timed at a quarter of its speed when its fast
            # sentences, counted first, faded behind the wait counted last.
            now = self.clock()
            self._count_unit(node, spoken, (max(0.0, chars - point[1]), now - point[0]))
            for other, (at, _said) in spoken.points.items():
                if other != node:  # beaten to it: what it said it spoke, in all that time
                    self._count_unit(other, spoken, (0.0, now - at))

    def _count_unit(self, node: str, spoken: _Spoken, last: tuple[float, float]) -> None:
        """Count ``node``'s time on one unit as one stretch (``last``: since its last beat)."""
        rate = self.rates.setdefault(node, NodeRate())
        counted = spoken.counted.get(node, [])
        for stretch in counted:
            rate.withdraw(*stretch)
        rate.update(*_together([*((c, t) for c, t, _ in counted), *spoken.held.get(node, []),
                                last]))

    def finished(self) -> bool:
        counts = self.store.counts(self.chapters)
        return counts["pending"] == 0 and counts["leased"] == 0

    def _rates(self, nodes: Iterable[str]) -> dict[str, float]:
        """Each node's speed; one not measured yet counts as the median node.

        Computed once per lease for all the nodes it looks at: at 200 nodes a median
        per node was most of the lease's time.
        """
        known = sorted(r.chars_per_second for r in self.rates.values() if r.known)
        fallback = known[len(known) // 2] if known else 1.0
        rates: dict[str, float] = {}
        for node in nodes:
            rate = self.rates.get(node)
            rates[node] = rate.chars_per_second if rate and rate.known else fallback
        return rates

    def _speculative(self, node: str, now: float) -> UnitRecord | None:
        """A copy of an in-flight unit, if ``node`` is the one to speak it.

        Planned over the nodes at work, worst first: each unit whose holders are
        expected to finish last goes to the node (``node``, or one at work from when it
        is free) that would finish it first, if that beats its holders; ``node`` gets
        the unit planned for it, or nothing. Taking the first copy that beat the
        holder, a node at 4x real time took a whole unit off one at 0.2x while a node
        at 20x, free a second later, would have spoken it in a fifth of the time: the
        book waited 40 s for such copies (simulated, 50 nodes).
        """
        leases = self._leases()
        chars = self._leased_chars()
        rates = self._rates({lease.node for lease in leases} | {node})
        holders: dict[int, list[tuple[str, float]]] = {}
        free: dict[str, float] = {}  # when each node at work is done with what it holds
        for lease in leases:  # in the order they were leased
            size = chars.get(lease.unit_id)
            if size is None:
                continue  # (done since the leases were read)
            rate = rates[lease.node]
            began = self._began(lease, rate)
            holders.setdefault(lease.unit_id, []).append((lease.node, began))
            own = _expected_finish(rate, began, size, now)
            before = free.get(lease.node)
            free[lease.node] = max(own, now) if before is None else \
                max(own, before + size / rate)
        free.setdefault(node, now)
        wanted: list[tuple[float, int]] = []
        for unit_id, held in holders.items():
            if len(held) >= self.MAX_COPIES or any(n == node for n, _ in held) \
                    or node in self._refused.get(unit_id, ()):
                continue
            if self.chapters is not None:
                unit = self.store.unit(unit_id)
                if unit is None or unit.chapter not in self.chapters:
                    continue
            wanted.append((min(_expected_finish(rates[holder], began, chars[unit_id], now)
                               for holder, began in held), unit_id))
        for expected, unit_id in sorted(wanted, reverse=True):
            held_by = {n for n, _ in holders[unit_id]}
            finish, _, taker = min((free[other] + chars[unit_id] / rates[other],
                                    other != node, other)  # (ties: ``node``)
                                   for other in free if other not in held_by)
            if finish >= expected:
                continue
            if taker == node:
                return self.store.lease_copy(unit_id, node, now, self.lease_ttl)
            free[taker] = finish
        return None


def _together(stretches: list[tuple[float, float]]) -> tuple[float, float]:
    """Stretches of speaking (characters, seconds) as one."""
    return sum(c for c, _ in stretches), sum(t for _, t in stretches)


def _longest_sentence(spoken: _Spoken | None) -> float:
    if spoken is None or not spoken.sentence_ends:
        return 0.0
    ends = (0, *spoken.sentence_ends)
    longest = max(b - a for a, b in itertools.pairwise(ends))
    return spoken.chars * longest / spoken.sentence_ends[-1]


def _expected_finish(rate: float, started: float, chars: int, now: float) -> float:
    """When a holder should finish its unit, from the speed (``rate``) it has shown.

    A holder well past that time has slowed down or gone silent: assume it is only as
    far as the time it has had suggests, needing as long again, so an idle node
    that would finish sooner takes a copy now instead of waiting for the lease
    to lapse.
    """
    planned = started + chars / rate
    if now <= planned + OVERDUE_SLACK * (planned - started):  # within normal jitter
        return planned
    return now + (now - started)
