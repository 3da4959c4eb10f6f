"""Leases renewed in memory: heartbeats write nothing to the job's file, and a
restarted coordinator still hands every unit in flight out again exactly once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.plan import PlannedUnit
from e2a_desktop.store import JobStore
from tests.helpers.fakes import FakeClock


@pytest.fixture
def path(tmp_path: Path) -> Iterator[Path]:
    store = JobStore(tmp_path / "job.sqlite")
    units = [PlannedUnit(0, i, (f"Sentence {i}.",), (True,)) for i in range(4)]
    store.initialise({"title": "T"}, [("A", 40)], units)
    store.close()
    yield tmp_path / "job.sqlite"


def _writes_seen(path: Path) -> sqlite3.Connection:
    """Another connection to the file: its ``data_version`` moves with every commit."""
    return sqlite3.connect(str(path))


def test_heartbeats_keep_leases_without_writing_to_the_job_file(path: Path) -> None:
    clock = FakeClock()
    store = JobStore(path)
    watcher = _writes_seen(path)
    try:
        sched = Scheduler(store, clock, lease_ttl=30, speculate=False)
        held = [sched.lease(node) for node in ("a", "b")]
        assert all(unit is not None for unit in held)
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        for _ in range(100):  # 50 minutes of beats, every 30 s lease renewed in time
            clock.advance(29)
            sched.expire()
            assert sched.heartbeat(1, "a", 0) and sched.heartbeat(2, "b", 0)
        assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
        assert {(lease.unit_id, lease.node) for lease in store.leases()} == {(1, "a"), (2, "b")}
        clock.advance(31)  # b falls silent: its lease lapses as one renewed on disk would
        assert sched.heartbeat(1, "a", 0)
        sched.expire()
        assert sched.take_expired()[0][0].node == "b"
        assert store.unit(2).status == "pending"  # type: ignore[union-attr]
        assert not sched.heartbeat(2, "b", 0)  # told to drop it
    finally:
        watcher.close()
        store.close()


def test_a_restarted_coordinator_hands_each_unit_in_flight_out_again_once(path: Path) -> None:
    clock = FakeClock()
    store = JobStore(path)
    sched = Scheduler(store, clock, lease_ttl=30, speculate=False)
    assert sched.lease("a").id == 1  # type: ignore[union-attr]
    assert sched.lease("b").id == 2  # type: ignore[union-attr]
    clock.advance(25)
    assert sched.heartbeat(1, "a", 0)
    assert store.complete(2, "b", "2.wav", 1.0, [(0.0, 1.0)], clock())
    store.close()  # the coordinator stops (a crash: nothing else is written)

    again = JobStore(path)
    try:
        assert [(lease.unit_id, lease.node) for lease in again.leases()] == [(1, "a")]
        again.release_all()  # as the service does on every start
        clock.advance(1)
        sched = Scheduler(again, clock, lease_ttl=30, speculate=False)
        assert not sched.heartbeat(1, "a", 0)  # the old holder hears "drop it"
        given = [sched.lease(node) for node in ("c", "d", "e")]
        assert [unit.id if unit else None for unit in given] == [1, 3, 4]
        assert again.unit(2).done_by == "b"  # type: ignore[union-attr]
        # The old holder's audio, if it still comes, is not kept twice.
        assert again.complete(1, "a", "1a.wav", 1.0, [(0.0, 1.0)], clock())
        assert not again.complete(1, "c", "1c.wav", 1.0, [(0.0, 1.0)], clock())
        assert not any(lease.unit_id == 1 for lease in again.leases())
    finally:
        again.close()
