"""The job store: one SQLite file per job, next to the unit audio files.

Every state change that matters is committed before it is acknowledged to
anyone, so a crash or power cut loses nothing that was reported done. The API
is the one a scheduler needs: lease a pending unit, renew, expire, complete
(first valid result wins), re-queue.

Leases are also held in memory, and a renewal (every heartbeat of every node) touches
only that copy: a restarted coordinator drops every lease it finds on disk
(``release_all``), so a deadline written there would never be read. In the capacity
benchmark's profile (200 nodes) the renewals were 44 % of the store thread's time.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from e2a_node.settings import Break

from .plan import PlannedUnit

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chapters (
    idx INTEGER PRIMARY KEY, title TEXT NOT NULL, chars INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY, chapter INTEGER NOT NULL, seq INTEGER NOT NULL,
    part INTEGER NOT NULL DEFAULT 0, sentences TEXT NOT NULL, breaks TEXT NOT NULL,
    chars INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    audio_path TEXT, duration REAL, spans TEXT, done_by TEXT, done_at REAL
);
CREATE INDEX IF NOT EXISTS units_status ON units(status, id);
CREATE TABLE IF NOT EXISTS leases (
    unit_id INTEGER NOT NULL, node TEXT NOT NULL, started REAL NOT NULL,
    deadline REAL NOT NULL, PRIMARY KEY (unit_id, node)
);
"""

READING_ORDER = "chapter, seq, part"
READING_ORDER_INDEX = f"CREATE INDEX IF NOT EXISTS units_reading ON units(status, {READING_ORDER})"
"""Pending units are leased in reading order, parts included (their ids come last):
each chapter's encoder is fed in that order, so the last unit spoken is near the
book's end, not a part of a chapter's first unit that would hold up the rest."""

PENDING, LEASED, DONE = "pending", "leased", "done"


@dataclass(frozen=True)
class UnitRecord:
    """A unit as stored: its text, state and, once done, its audio."""

    id: int
    chapter: int
    seq: int
    sentences: tuple[str, ...]
    breaks: tuple[Break, ...]  # stored as numbers; jobs of before verse hold bools
    chars: int
    status: str
    attempts: int
    audio_path: str | None
    duration: float | None
    spans: tuple[tuple[float, float], ...]
    done_by: str | None

    @property
    def text(self) -> str:
        return PlannedUnit(self.chapter, self.seq, self.sentences, self.breaks).text


@dataclass(frozen=True)
class SpokenUnit:
    """A done unit as the chapter's encoder needs it."""

    audio_path: str
    opens_paragraph: bool
    seconds: float
    opening: Break = Break.SENTENCE
    """What the unit's first sentence starts: the pause the encoder leaves before it."""


@dataclass(frozen=True)
class Lease:
    unit_id: int
    node: str
    started: float
    deadline: float


def _pending_query(columns: str,
                   chapters: Iterable[int] | None) -> tuple[str, list[object]]:
    """SELECT of pending units, optionally only in ``chapters`` (order and limit to add)."""
    query = f"SELECT {columns} FROM units WHERE status = 'pending'"
    if chapters is None:
        return query, []
    wanted: list[object] = list(chapters)
    return query + f" AND chapter IN ({','.join('?' * len(wanted))})", wanted


def _cut(sentences: tuple[str, ...], pieces: int) -> list[tuple[int, int]]:
    """Sentence ranges of about equal length (in characters), at most ``pieces``."""
    pieces = min(pieces, len(sentences))
    if pieces < 2:
        return [(0, len(sentences))]
    total = sum(len(s) + 1 for s in sentences)
    ranges: list[tuple[int, int]] = []
    start = running = 0
    for i, sentence in enumerate(sentences):
        running += len(sentence) + 1
        left = len(sentences) - (i + 1)  # sentences after this one
        wanted = len(ranges) + 1  # the part this sentence ends, if it ends one
        # Cut at the part's share of the text; and where only as many sentences are
        # left as parts still wanted, at every sentence. (Without the second, one short
        # sentence early on left a unit cut in 11 in two parts, 186 + 1,556 characters.)
        if wanted < pieces and left >= pieces - wanted and \
                (running >= total * wanted / pieces or left == pieces - wanted):
            ranges.append((start, i + 1))
            start = i + 1
    ranges.append((start, len(sentences)))
    return ranges


def _breaks(stored: str) -> tuple[Break, ...]:
    """A unit's breaks as stored: Break numbers, or bools from before verse (True: a
    paragraph); anything else (a hand-edited job) is a sentence's."""
    def one(value: object) -> Break:
        try:
            return Break.of(value)
        except ValueError:
            return Break.SENTENCE
    return tuple(one(b) for b in json.loads(stored))


def _unit(row: sqlite3.Row) -> UnitRecord:
    return UnitRecord(
        id=row["id"], chapter=row["chapter"], seq=row["seq"],
        sentences=tuple(json.loads(row["sentences"])),
        breaks=_breaks(row["breaks"]),
        chars=row["chars"], status=row["status"], attempts=row["attempts"],
        audio_path=row["audio_path"], duration=row["duration"],
        spans=tuple((float(a), float(b)) for a, b in json.loads(row["spans"] or "[]")),
        done_by=row["done_by"],
    )


class JobStore:
    """Thread-safe access to one job's SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(units)").fetchall()}
        if "part" not in columns:  # a job planned before units could be split
            self._db.execute("ALTER TABLE units ADD COLUMN part INTEGER NOT NULL DEFAULT 0")
        self._db.execute(READING_ORDER_INDEX)
        self._held: dict[tuple[int, str], Lease] = {}
        """The leases table, with each deadline as last renewed (on disk: as leased)."""
        self._held_chars: dict[int, int] = {}  # characters of each unit held
        for row in self._db.execute("SELECT leases.*, units.chars FROM leases JOIN units "
                                    "ON units.id = leases.unit_id ORDER BY started"):
            self._hold(Lease(row["unit_id"], row["node"], row["started"], row["deadline"]),
                       row["chars"])

    def _hold(self, lease: Lease, chars: int) -> None:
        self._held.pop((lease.unit_id, lease.node), None)  # (a lease taken again: last)
        self._held[(lease.unit_id, lease.node)] = lease
        self._held_chars[lease.unit_id] = chars

    def _drop(self, keys: Iterable[tuple[int, str]]) -> None:
        for key in list(keys):
            self._held.pop(key, None)
        held = {unit_id for unit_id, _ in self._held}
        for unit_id in self._held_chars.keys() - held:
            del self._held_chars[unit_id]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction.

        ``durable`` commits are fsynced before they return (a unit reported done must
        survive a power cut). Lease changes are not: in WAL mode they survive a crash
        of the app, and a restarted coordinator drops all leases anyway, so fsyncing
        every heartbeat would only slow the farm down.
        """
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")

    # -- creation and metadata -------------------------------------------------

    @property
    def is_planned(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM units").fetchone()[0] > 0

    def initialise(self, meta: dict[str, str], chapters: Iterable[tuple[str, int]],
                   units: Iterable[PlannedUnit]) -> None:
        """Write the plan once; a store that is already planned is left as it is."""
        with self._tx(durable=True) as db:
            if db.execute("SELECT COUNT(*) FROM units").fetchone()[0]:
                return
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
            db.executemany("INSERT INTO chapters (idx, title, chars) VALUES (?, ?, ?)",
                           [(i, t, c) for i, (t, c) in enumerate(chapters)])
            db.executemany(
                "INSERT INTO units (chapter, seq, sentences, breaks, chars) VALUES (?,?,?,?,?)",
                [(u.chapter, u.seq, json.dumps(u.sentences), json.dumps(u.breaks),
                  len(u.text)) for u in units],
            )

    # -- queries ---------------------------------------------------------------

    def set_meta(self, values: dict[str, str]) -> None:
        with self._tx(durable=True) as db:
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def meta(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def unit(self, unit_id: int) -> UnitRecord | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM units WHERE id = ?", (unit_id,)).fetchone()
        return _unit(row) if row else None

    def units(self, chapter: int | None = None) -> list[UnitRecord]:
        with self._lock:
            if chapter is None:
                rows = self._db.execute("SELECT * FROM units ORDER BY id").fetchall()
            else:
                rows = self._db.execute("SELECT * FROM units WHERE chapter = ? "
                                        "ORDER BY seq, part", (chapter,)).fetchall()
        return [_unit(r) for r in rows]

    def spoken_prefix(self, chapter: int) -> tuple[list[SpokenUnit], bool]:
        """The chapter's done units from its start up to the first one not done yet,
        and whether that is the whole chapter. Cheap enough to ask on every accepted
        unit (no sentence text)."""
        with self._lock:
            rows = self._db.execute("SELECT status, audio_path, breaks, duration FROM units"
                                    " WHERE chapter = ? ORDER BY seq, part",
                                    (chapter,)).fetchall()
        prefix: list[SpokenUnit] = []
        for row in rows:
            if row["status"] != DONE:
                return prefix, False
            opening = (_breaks(row["breaks"]) or (Break.SENTENCE,))[0]
            prefix.append(SpokenUnit(str(row["audio_path"]), bool(opening),
                                     float(row["duration"] or 0), opening))
        return prefix, True

    def counts(self, chapters: Iterable[int] | None = None) -> dict[str, int]:
        """Units per status (optionally only in the given chapters)."""
        query = "SELECT status, COUNT(*) FROM units"
        args: tuple[int, ...] = ()
        if chapters is not None:
            wanted = tuple(chapters)
            query += f" WHERE chapter IN ({','.join('?' * len(wanted))})"
            args = wanted
        with self._lock:
            found = dict(self._db.execute(query + " GROUP BY status", args).fetchall())
        return {s: found.get(s, 0) for s in (PENDING, LEASED, DONE)}

    def chapter_complete(self, chapter: int) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM units WHERE chapter = ? AND status != 'done'", (chapter,)
            ).fetchone()
        return row[0] == 0

    def leases(self) -> list[Lease]:
        """Every lease, in the order they were taken (from memory: no query; kept in that
        order, as each is taken at the clock's time)."""
        with self._lock:
            return list(self._held.values())

    def lease_holders(self) -> set[str]:
        """The nodes holding a lease now (cheap: asked on every lease)."""
        with self._lock:
            return {node for _, node in self._held}

    def pending_more_than(self, count: int, chapters: Iterable[int] | None = None) -> bool:
        """Are more than ``count`` units pending? (One index lookup, whatever the count.)"""
        query, args = _pending_query("id", chapters)
        with self._lock:
            row = self._db.execute(query + " ORDER BY id LIMIT 1 OFFSET ?",
                                   [*args, count]).fetchone()
        return row is not None

    def pending_sizes(self, chapters: Iterable[int] | None = None,
                      limit: int = 1) -> list[tuple[int, int]]:
        """(id, characters) of the first pending units in reading order.

        Near the book's end the lease path asks this on every lease: two columns,
        not the units' sentences.
        """
        query, args = _pending_query("id, chars", chapters)
        with self._lock:
            rows = self._db.execute(query + f" ORDER BY {READING_ORDER} LIMIT ?",
                                    [*args, limit]).fetchall()
        return [(r["id"], r["chars"]) for r in rows]

    def pending_chars(self, chapters: Iterable[int] | None = None) -> int:
        """Characters of all pending units (one sum, no sort: the lease path asks it)."""
        query, args = _pending_query("COALESCE(SUM(chars), 0)", chapters)
        with self._lock:
            return int(self._db.execute(query, args).fetchone()[0])

    def leased_chars(self) -> dict[int, int]:
        """Characters of each unit someone holds a lease on (for the tail; no query)."""
        with self._lock:
            return dict(self._held_chars)

    # -- the scheduler's verbs -------------------------------------------------

    def lease_next(self, node: str, now: float, ttl: float,
                   chapters: Iterable[int] | None = None) -> UnitRecord | None:
        """Lease the first pending unit (in reading order) to ``node``."""
        query, args = _pending_query("id", chapters)
        with self._lock:
            with self._tx() as db:
                row = db.execute(query + f" ORDER BY {READING_ORDER} LIMIT 1",
                                 args).fetchone()
                if row is None:
                    return None
                self._add_lease(db, row["id"], node, now, ttl)
            return self._held_unit(row["id"], node, now, ttl)

    def lease_copy(self, unit_id: int, node: str, now: float, ttl: float) -> UnitRecord | None:
        """Give ``node`` a speculative copy of an in-flight unit."""
        with self._lock:
            with self._tx() as db:
                row = db.execute("SELECT status FROM units WHERE id = ?", (unit_id,)).fetchone()
                if row is None or row["status"] == DONE:
                    return None
                self._add_lease(db, unit_id, node, now, ttl)
            return self._held_unit(unit_id, node, now, ttl)

    @staticmethod
    def _add_lease(db: sqlite3.Connection, unit_id: int, node: str, now: float,
                   ttl: float) -> None:
        db.execute("INSERT OR REPLACE INTO leases VALUES (?, ?, ?, ?)",
                   (unit_id, node, now, now + ttl))
        db.execute("UPDATE units SET status = 'leased', attempts = attempts + 1 WHERE id = ?",
                   (unit_id,))

    def _held_unit(self, unit_id: int, node: str, now: float, ttl: float) -> UnitRecord:
        """The unit just leased, its lease now held in memory too (the write committed)."""
        unit = self.unit(unit_id)
        assert unit is not None  # (leased under the lock: it cannot have gone)
        self._hold(Lease(unit_id, node, now, now + ttl), unit.chars)
        return unit

    def renew(self, unit_id: int, node: str, deadline: float) -> bool:
        """Extend a lease; False when the unit is done or the lease is gone.

        In memory only (see the module's docstring): done units have no leases (``complete``
        drops them), so a lease held is a unit still to speak.
        """
        with self._lock:
            lease = self._held.get((unit_id, node))
            if lease is None:
                return False
            self._held[(unit_id, node)] = dataclasses.replace(lease, deadline=deadline)
            return True

    def release(self, unit_id: int, node: str) -> None:
        """Drop a node's lease (it gave up or sent bad audio); re-queue if nobody else has it."""
        with self._lock:
            if (unit_id, node) not in self._held:
                return  # (nothing to write: Pause took it back already, or it lapsed)
            with self._tx() as db:
                db.execute("DELETE FROM leases WHERE unit_id = ? AND node = ?", (unit_id, node))
                self._requeue_orphans(db)
            self._drop([(unit_id, node)])

    def expire(self, now: float) -> tuple[list[Lease], list[int]]:
        """Drop leases past their deadline; return them and the units back in the queue.

        Asked every second and on leases; while no lease has lapsed it writes nothing."""
        with self._lock:
            expired = [lease for lease in self._held.values() if lease.deadline < now]
            if not expired:
                return [], []
            with self._tx() as db:
                db.executemany("DELETE FROM leases WHERE unit_id = ? AND node = ?",
                               [(lease.unit_id, lease.node) for lease in expired])
                requeued = self._requeue_orphans(db)
            self._drop((lease.unit_id, lease.node) for lease in expired)
            return expired, requeued

    def release_all(self) -> None:
        """Forget every lease (a coordinator restart: nobody's lease is known to be alive)."""
        with self._lock:
            with self._tx() as db:
                db.execute("DELETE FROM leases")
                self._requeue_orphans(db)
            self._drop(list(self._held))

    @staticmethod
    def _requeue_orphans(db: sqlite3.Connection) -> list[int]:
        rows = db.execute(
            "SELECT id FROM units WHERE status = 'leased' AND id NOT IN "
            "(SELECT unit_id FROM leases)").fetchall()
        ids = [r[0] for r in rows]
        db.executemany("UPDATE units SET status = 'pending' WHERE id = ?", [(i,) for i in ids])
        return ids

    def split(self, unit_id: int, pieces: int) -> list[int]:
        """Cut a pending unit into ``pieces`` runs of whole sentences; return their ids.

        The tail of a book: when fewer units are left than nodes ask for work, one
        unit spoken by one node would keep the others idle. Each part is then a unit
        of its own (leased, checked, resumed like any), with the original's chapter
        and place, ordered by ``part``: the chapter is joined in reading order, and
        each part's first sentence keeps its paragraph flag, so the pauses between
        parts are the ones the whole unit would have had. A pending part may be split
        again (the parts after it move up), so the last pieces of a book keep
        shrinking to what each asker can speak in time. A leased or done unit is left
        as it is (empty list).
        """
        with self._tx(durable=True) as db:
            row = db.execute("SELECT * FROM units WHERE id = ?", (unit_id,)).fetchone()
            if row is None or row["status"] != PENDING:
                return []
            unit, first = _unit(row), int(row["part"])
            ranges = _cut(unit.sentences, pieces)
            if len(ranges) < 2:
                return []
            db.execute("UPDATE units SET part = part + ? WHERE chapter = ? AND seq = ? "
                       "AND part > ?", (len(ranges) - 1, unit.chapter, unit.seq, first))
            ids = [unit_id]
            for k, (start, end) in enumerate(ranges):
                sentences, breaks = unit.sentences[start:end], unit.breaks[start:end]
                chars = len(PlannedUnit(unit.chapter, unit.seq, sentences, breaks).text)
                if k == 0:
                    db.execute("UPDATE units SET sentences = ?, breaks = ?, chars = ? "
                               "WHERE id = ?", (json.dumps(sentences), json.dumps(breaks),
                                                chars, unit_id))
                    continue
                cur = db.execute(
                    "INSERT INTO units (chapter, seq, part, sentences, breaks, chars) "
                    "VALUES (?,?,?,?,?,?)", (unit.chapter, unit.seq, first + k,
                                             json.dumps(sentences), json.dumps(breaks), chars))
                ids.append(int(cur.lastrowid or 0))
        return ids

    def retext(self, changes: Iterable[tuple[int, tuple[str, ...]]]) -> None:
        """Give units new text (the same sentences, said otherwise: a lexicon entry) and
        put them back in the queue; their old audio no longer says what is planned."""
        with self._tx(durable=True) as db:
            for unit_id, sentences in changes:
                row = db.execute("SELECT * FROM units WHERE id = ?", (unit_id,)).fetchone()
                if row is None:
                    continue
                unit = _unit(row)
                chars = len(PlannedUnit(unit.chapter, unit.seq, sentences, unit.breaks).text)
                db.execute("UPDATE units SET sentences = ?, chars = ?, status = 'pending', "
                           "audio_path = NULL, duration = NULL, spans = NULL, done_by = NULL, "
                           "done_at = NULL WHERE id = ?",
                           (json.dumps(sentences), chars, unit_id))

    def replan_chapter(self, chapter: int, units: Iterable[PlannedUnit]) -> None:
        """Replace a chapter's units with a new plan, all to be spoken (its sentences
        changed in number, so no old unit's audio can be placed in it)."""
        with self._lock:
            with self._tx(durable=True) as db:
                gone = {row[0] for row in db.execute("SELECT id FROM units WHERE chapter = ?",
                                                     (chapter,))}
                db.execute("DELETE FROM leases WHERE unit_id IN "
                           "(SELECT id FROM units WHERE chapter = ?)", (chapter,))
                db.execute("DELETE FROM units WHERE chapter = ?", (chapter,))
                db.executemany(
                    "INSERT INTO units (chapter, seq, sentences, breaks, chars) "
                    "VALUES (?,?,?,?,?)",
                    [(u.chapter, u.seq, json.dumps(u.sentences), json.dumps(u.breaks),
                      len(u.text)) for u in units if u.chapter == chapter])
            self._drop([key for key in self._held if key[0] in gone])  # (leases in memory)

    def requeue(self, unit_ids: Iterable[int]) -> None:
        """Put units back to pending, forgetting their audio (it was lost)."""
        with self._tx(durable=True) as db:
            db.executemany(
                "UPDATE units SET status = 'pending', audio_path = NULL, duration = NULL, "
                "spans = NULL, done_by = NULL, done_at = NULL WHERE id = ?",
                [(i,) for i in unit_ids])

    def complete(self, unit_id: int, node: str, audio_path: str, duration: float,
                 spans: Iterable[tuple[float, float]], now: float) -> bool:
        """Record a unit's audio; True only for the first result (later ones are dropped)."""
        with self._lock:
            with self._tx(durable=True) as db:
                cur = db.execute(
                    "UPDATE units SET status = 'done', audio_path = ?, duration = ?, "
                    "spans = ?, done_by = ?, done_at = ? WHERE id = ? AND status != 'done'",
                    (audio_path, duration, json.dumps([list(s) for s in spans]), node, now,
                     unit_id))
                db.execute("DELETE FROM leases WHERE unit_id = ?", (unit_id,))
            self._drop(key for key in self._held if key[0] == unit_id)
            return cur.rowcount > 0
