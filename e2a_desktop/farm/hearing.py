"""`--verify asr` beside the uploads: units awaiting the recogniser, heard here or lent to
nodes with spare time.

A recogniser costs about three times what Piper spends speaking (PocketSphinx: 0.29 CPU s
per audio second, about 4 audio s per CPU s). Heard inside the upload check, every upload
waited for it. Here an upload is answered on the quick checks (format, length, the judge,
the pace) and its unit waits in this queue, heard by one thread at low priority: the
farm's event loop and the chapters' encoders keep their CPU, and the recogniser never
takes more than one core of this PC. Each verdict goes back to the farm, which keeps the
unit or puts it back to be spoken again.

One core hears slower than a farm speaks, so a book ended with its nodes idle and this
thread hearing the backlog. A node with nothing to speak (the book's tail, or every unit
leased) is therefore lent units to hear (``lend``): it fetches the audio, writes down what
its recogniser heard and sends that back (``returned``); this PC scores it against the
unit's text relative to the job's usual score, as for a unit heard here, so the
comparison and its thresholds never leave the coordinator. This thread keeps hearing
meanwhile: each queued unit is heard by whichever takes it first. With nothing queued (the
last units), an idle node is a second ear on the unit this PC hears, and this PC, idle,
on a unit a node holds: the first verdict wins and the other is dropped, so the book
waits for neither a slow hearer nor this PC's niced recogniser (which a busy PC starves:
68 s for one unit, measured beside two nodes on two cores). Before the tail, when every
node speaks, nothing is lent: the farm's CPU is all busy then either way (speaking, or
hearing here), so lending sooner would not end the book sooner, only delay its audio.

What a lying hearer can and cannot do. It is a paired node (benched ones are lent
nothing), never the one that spoke the unit or was given it to speak, and it is not sent
the unit's text. It can let a bad unit through by sending the right words (which it must
know from elsewhere). It cannot have a good unit spoken again, nor strike its speaker: a
transcript with too few of the words is heard here too before anything is refused, and a
hearer whose word this PC overturns twice is lent no more. It cannot write a file (its
answer is a bounded string, scored in memory), crash anything (bad answers are refused
and the unit heard here), or touch another unit (each lending has its own token, and a
late or second answer is ignored: the first verdict wins). A hearer that vanishes or takes
too long gives the unit back to this queue.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from e2a_node.runner import lower_thread_priority

from ..store import UnitRecord
from .uploads import CheckedAudio, UploadRejected, read_wav

log = logging.getLogger(__name__)

HEARING_NICE = 10
"""As nice as the built-in node's speech: hearing waits for the farm's own work."""
LEND_BASE_S = 20.0
LEND_PER_AUDIO_S = 1.0
"""A lent unit comes back to this queue unless heard within 20 s plus its length (a node's
PocketSphinx hears 4 s of audio a second; a PC three times slower still makes it)."""
MAX_LEND_S = 600.0
MAX_OVERTURNED = 2
"""Refusals of a hearer's this PC overturned before it is lent no more."""

Verify = Callable[[np.ndarray, int, Sequence[str]], str | None]
Judge = Callable[[str, Sequence[str], str], str | None]
"""(what was heard, the unit's sentences, who heard it) → why the unit is refused, or None."""


@dataclass(frozen=True)
class Awaiting:
    """A unit whose audio passed the quick checks and awaits the recogniser."""

    node_id: str
    unit: UnitRecord
    tmp: Path
    checked: CheckedAudio
    doubted_by: str = ""
    """A node that heard too few of its words: heard here before it is refused."""


@dataclass(frozen=True)
class Lent:
    """A unit lent to a node to hear, until ``until`` (the farm's clock)."""

    token: str
    item: Awaiting
    hearer: str
    until: float
    seconds: float
    copy: bool = False
    """A second ear on a unit this PC hears now (the book's last units): first verdict wins."""


class HearingQueue:
    """One low-priority thread hears queued units in order and reports each verdict;
    nodes may be lent units to hear meanwhile (``judge`` scores what they heard).

    ``on_verdict(item, reason)``: ``reason`` None keeps the unit; a string says what the
    recogniser found wrong. A recogniser that fails (a bug, an unreadable file) passes the
    unit, logged: a check must never lose the book its audio.
    """

    def __init__(self, verify: Verify, on_verdict: Callable[[Awaiting, str | None], None],
                 nice: int = HEARING_NICE,
                 on_unheard: Callable[[Awaiting], None] | None = None,
                 judge: Judge | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._verify = verify
        self._on_verdict = on_verdict
        self._on_unheard = on_unheard
        self._judge = judge
        self._clock = clock
        self._nice = nice
        self._cond = threading.Condition()
        self._pending: deque[Awaiting] = deque()
        self._lent: dict[str, Lent] = {}
        self._here: Awaiting | None = None  # being heard on this PC
        self._decided: set[Path] = set()  # (by audio file) units whose verdict was given
        self._waiting = 0  # queued, lent or being heard
        self._holding = False  # the farm is paused
        self._stopped = False
        self._overturned: Counter[str] = Counter()
        self.distrusted: set[str] = set()
        """Hearers lent nothing more (their word was overturned, or their answer was junk)."""
        self.heard_on: Counter[str] = Counter()
        """Verdicts given on what each node heard (for the log and the bench)."""
        self._thread = threading.Thread(target=self._run, name="e2a-hearing", daemon=True)
        self._thread.start()

    def submit(self, item: Awaiting) -> None:
        with self._cond:
            self._waiting += 1
            self._pending.append(item)
            self._cond.notify_all()

    def hold(self) -> None:
        """The farm is paused: hear nothing more after the unit being heard (Pause means
        this PC stops spending CPU on the book), and lend nothing."""
        with self._cond:
            self._holding = True

    def carry_on(self) -> None:
        with self._cond:
            self._holding = False
            self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """Units queued, lent or being heard now."""
        with self._cond:
            return self._waiting

    @property
    def lends(self) -> bool:
        """Whether units may be lent to nodes at all (a recogniser that scores text)."""
        return self._judge is not None

    def drain(self, timeout: float | None = None, left: int = 0) -> bool:
        """Wait until no more than ``left`` units await their verdict; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._waiting <= left, timeout)

    # -- lending to nodes --------------------------------------------------------------

    def lend(self, hearer: str, may_hear: Callable[[Awaiting], bool]) -> Lent | None:
        """The oldest queued unit ``hearer`` may hear, lent to it; with none queued, a copy
        of the one this PC hears now (whichever hears it first decides); or None.

        Never a unit it spoke, nor one doubted (heard here next). A hearer that asks
        again while it holds one has given that one up: it is queued again first.
        """
        with self._cond:
            if self._judge is None or self._stopped or self._holding \
                    or hearer in self.distrusted:
                return None
            now = self._clock()
            self._take_back(lambda lent: lent.hearer == hearer or lent.until <= now,
                            "gave it up")
            for item in self._pending:
                if self._may_lend(item, hearer, may_hear):
                    self._pending.remove(item)
                    return self._lent_now(item, hearer, now)
            here = self._here
            if here is not None and here.tmp not in self._decided \
                    and self._may_lend(here, hearer, may_hear) \
                    and not any(lent.item.tmp == here.tmp for lent in self._lent.values()):
                return self._lent_now(here, hearer, now, copy=True)
        return None

    @staticmethod
    def _may_lend(item: Awaiting, hearer: str, may_hear: Callable[[Awaiting], bool]) -> bool:
        return not item.doubted_by and item.node_id != hearer and may_hear(item)

    def _lent_now(self, item: Awaiting, hearer: str, now: float, copy: bool = False) -> Lent:
        seconds = min(MAX_LEND_S, LEND_BASE_S + LEND_PER_AUDIO_S * item.checked.duration)
        lent = Lent(secrets.token_hex(8), item, hearer, now + seconds, seconds, copy)
        self._lent[lent.token] = lent
        return lent

    def lent_file(self, hearer: str, unit_id: int) -> Path | None:
        """The audio of the unit lent to ``hearer``, if it holds that unit now."""
        with self._cond:
            for lent in self._lent.values():
                if lent.hearer == hearer and lent.item.unit.id == unit_id:
                    return lent.item.tmp
        return None

    def returned(self, hearer: str, unit_id: int, token: str, heard: str | None,
                 by: str = "") -> bool:
        """What ``hearer`` heard in the unit lent to it; False if the unit is not lent to
        it under ``token`` now (taken back, heard already): ignored. ``heard`` None: it
        could not hear it, and it is heard here."""
        with self._cond:
            lent = self._lent.get(token)
            if lent is None or lent.hearer != hearer or lent.item.unit.id != unit_id:
                return False
            del self._lent[token]
            if heard is None:
                self._queue_again([lent])
                return True
        item = lent.item
        try:
            assert self._judge is not None  # (lent only with one)
            reason = self._judge(heard, item.unit.sentences, by or hearer)
        except Exception:  # a bug: hear it here rather than lose it
            log.exception("scoring what %s heard in unit %d failed", by or hearer, item.unit.id)
            reason = "unscored"
        if reason is not None:  # too few words: heard here before anything is refused
            log.info("unit %d: %s heard too few of its words; heard here too before it is "
                     "refused", item.unit.id, by or hearer)
            with self._cond:
                self._queue_again([replace(lent, item=replace(item, doubted_by=hearer))])
            return True
        with self._cond:
            if not self._decide(item):  # this PC's verdict came first
                return False
            self.heard_on[hearer] += 1
        log.info("unit %d heard on %s: kept", item.unit.id, by or hearer)
        self._give(item, None)
        return True

    def distrust(self, hearer: str) -> None:
        """Lend ``hearer`` nothing more; what it holds is heard here."""
        with self._cond:
            self.distrusted.add(hearer)
            self._take_back(lambda lent: lent.hearer == hearer, "is trusted no more")

    def reclaim(self, hearer: str | None = None) -> list[Lent]:
        """Units whose hearer took too long (or, with ``hearer``, all that node holds: it
        is gone) come back to be heard here or by another node."""
        with self._cond:
            if hearer is None:
                return self._take_back(_lapsed(self._clock()))
            return self._take_back(lambda lent: lent.hearer == hearer, "is gone")

    def _take_back(self, which: Callable[[Lent], bool],
                   why: str = "gave no answer in time") -> list[Lent]:
        back = [lent for lent in self._lent.values() if which(lent)]
        for lent in back:
            del self._lent[lent.token]
            if not lent.copy:
                log.info("unit %d: its hearer %s %s; heard here or by another",
                         lent.item.unit.id, lent.hearer, why)
        self._queue_again(back)
        return back

    def _queue_again(self, back: list[Lent]) -> None:
        """(Under the condition.) Units lent and given back go to the queue's head, oldest
        first, unless this PC hears them already (a copy lent, or a copy heard here)."""
        here = self._here.tmp if self._here is not None else None
        items = [lent.item for lent in back if not lent.copy and lent.item.tmp != here
                 and lent.item.tmp not in self._decided]
        for item in sorted(items, key=lambda it: it.unit.id, reverse=True):
            self._pending.appendleft(item)
        if items:
            self._cond.notify_all()

    def _decide(self, item: Awaiting) -> bool:
        """(Under the condition.) True for the first verdict on ``item``, False after:
        what another ear says of it then is dropped, as are its lendings."""
        if item.tmp in self._decided:
            return False
        self._decided.add(item.tmp)
        for token in [t for t, lent in self._lent.items() if lent.item.tmp == item.tmp]:
            del self._lent[token]
        return True

    def _next_here(self) -> Awaiting:
        """(Under the condition.) What this PC hears next: the queue's head, or, with none
        queued, a unit lent out (the book's last ones: whichever hears it first decides)."""
        if self._pending:
            return self._pending.popleft()
        return min((lent.item for lent in self._lent.values() if not lent.copy),
                   key=lambda item: item.unit.id)

    def _more_here(self) -> bool:
        """(Under the condition.) Whether this PC has a unit to hear now."""
        return bool(self._pending) or any(not lent.copy for lent in self._lent.values())

    # -- the end --------------------------------------------------------------------

    def stop(self) -> None:
        """Hear no more (the job is over or stopped): what is queued or lent, and the unit
        being heard, go to ``on_unheard``, which keeps their audio: spoken work is never
        thrown away for a check that did not get to it (Cancel or Keep for later with a
        backlog of units awaiting the recogniser re-spoke them all). Late answers from
        nodes are ignored."""
        with self._cond:
            self._stopped = True
            here = self._here.tmp if self._here is not None else None
            items = [item for item in [*self._pending, *(lent.item for lent in
                                                          self._lent.values())]
                     if item.tmp != here and self._decide(item)]  # (here: by its thread)
            self._pending.clear()
            self._lent.clear()
            self._cond.notify_all()
        for item in items:
            self._unheard(item)
            self._settled()

    def join(self, timeout: float = 10.0) -> None:
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def close(self, timeout: float = 10.0) -> None:
        self.stop()
        self.join(timeout)

    def _run(self) -> None:
        lower_thread_priority(self._nice)
        while True:
            with self._cond:
                while not self._stopped and (self._holding or not self._more_here()):
                    self._cond.wait(1.0 if self._lent else None)
                    if self._lent:  # (a hearer gone silent: its unit comes back here)
                        self._take_back(_lapsed(self._clock()))
                if self._stopped:
                    return
                item = self._here = self._next_here()
            mine = False
            try:
                reason = self._hear(item)
                with self._cond:
                    self._here = None
                    mine = self._decide(item)
                if not mine:
                    continue  # a node heard it first
                if self._stopped:  # (its recogniser was ended mid-unit: no verdict)
                    self._unheard(item)
                    continue
                if item.doubted_by:
                    self._weigh(item.doubted_by, reason)
                self._on_verdict(item, reason)
            except Exception:  # never kill the thread: the next unit still needs hearing
                log.exception("hearing unit %d failed", item.unit.id)
            finally:
                if mine:
                    self._settled()

    def _give(self, item: Awaiting, reason: str | None) -> None:
        """A verdict from a node's hearing, unless the queue stopped meanwhile."""
        try:
            if self._stopped:
                self._unheard(item)
            else:
                self._on_verdict(item, reason)
        except Exception:
            log.exception("the verdict on unit %d failed", item.unit.id)
        finally:
            self._settled()

    def _settled(self) -> None:
        with self._cond:
            self._waiting -= 1
            self._cond.notify_all()

    def _weigh(self, hearer: str, reason: str | None) -> None:
        """A doubted unit heard here: a pass overturns ``hearer``'s word."""
        if reason is not None:
            return
        with self._cond:
            self._overturned[hearer] += 1
            if self._overturned[hearer] >= MAX_OVERTURNED and hearer not in self.distrusted:
                self.distrusted.add(hearer)
                log.warning("node %s heard too few words in units this PC heard well %d "
                            "times; it is given no more units to hear", hearer,
                            MAX_OVERTURNED)

    def _unheard(self, item: Awaiting) -> None:
        if self._on_unheard is None:
            item.tmp.unlink(missing_ok=True)
            return
        try:
            self._on_unheard(item)
        except Exception:  # (stopping: the unit is spoken again next run at worst)
            log.exception("unit %d could not be kept unheard", item.unit.id)
            item.tmp.unlink(missing_ok=True)

    def _hear(self, item: Awaiting) -> str | None:
        try:
            _channels, _width, rate, data = read_wav(item.tmp)
            return self._verify(np.frombuffer(data, dtype="<i2"), rate, item.unit.sentences)
        except (UploadRejected, OSError, ValueError, RuntimeError) as exc:
            if self._stopped or item.tmp in self._decided:
                return None  # ended by stop(), or a node heard it first (its file moved)
            log.warning("unit %d could not be heard (%s); kept without hearing it",
                        item.unit.id, exc)
            return None
        except Exception:  # a bug: the unit is kept, and the thread hears on
            log.exception("hearing unit %d failed; kept without hearing it", item.unit.id)
            return None


def _lapsed(now: float) -> Callable[[Lent], bool]:
    """Lent units whose hearer's time is up at ``now``."""
    return lambda lent: lent.until <= now
