"""The job store and the leasing policy, with a fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.plan import PlannedUnit
from e2a_desktop.store import JobStore
from tests.helpers.fakes import FakeClock

MakeStore = Callable[..., JobStore]


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[MakeStore]:
    """Stores of n units of ``chars`` characters; closed after the test."""
    opened: list[JobStore] = []

    def make(n: int = 4, chars: int = 100) -> JobStore:
        store = JobStore(tmp_path / "job.sqlite")
        units = [PlannedUnit(i // 2, i % 2, ("x" * chars,), (True,)) for i in range(n)]
        store.initialise({"title": "T"}, [("A", 10), ("B", 10)], units)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def test_units_are_leased_in_reading_order_and_completed_once(make_store: MakeStore) -> None:
    clock = FakeClock()
    store = make_store()
    sched = Scheduler(store, clock, speculate=False)
    first, second = sched.lease("a"), sched.lease("b")
    assert (first.id, second.id) == (1, 2)  # type: ignore[union-attr]
    assert store.complete(1, "a", "1.wav", 2.0, [(0.0, 2.0)], clock())
    assert not store.complete(1, "b", "1b.wav", 2.0, [(0.0, 2.0)], clock())
    assert store.unit(1).done_by == "a"  # type: ignore[union-attr]
    assert store.counts() == {"pending": 2, "leased": 1, "done": 1}


def test_expired_lease_goes_back_to_the_queue(make_store: MakeStore) -> None:
    clock = FakeClock()
    store = make_store(n=1)
    sched = Scheduler(store, clock, lease_ttl=30, speculate=False)
    assert sched.lease("dead-node") is not None
    clock.advance(20)
    assert sched.lease("other") is None  # still leased, not yet expired
    clock.advance(20)
    unit = sched.lease("other")
    assert unit is not None and unit.attempts == 2


def test_heartbeat_extends_the_lease_and_says_drop_when_done(make_store: MakeStore) -> None:
    clock = FakeClock()
    store = make_store(n=1)
    sched = Scheduler(store, clock, lease_ttl=30, speculate=False)
    sched.lease("a")
    clock.advance(25)
    assert sched.heartbeat(1, "a")
    clock.advance(25)
    assert sched.lease("b") is None  # renewed: still a's
    store.complete(1, "a", "1.wav", 1.0, [], clock())
    assert not sched.heartbeat(1, "a")


def test_idle_fast_node_gets_a_copy_of_the_slow_nodes_unit(make_store: MakeStore) -> None:
    clock = FakeClock()
    store = make_store(n=2, chars=1000)
    sched = Scheduler(store, clock, lease_ttl=600)
    sched.record("slow", 1000, 100.0)  # 10 chars/s
    sched.record("fast", 1000, 5.0)  # 200 chars/s
    assert sched.lease("slow").id == 1  # type: ignore[union-attr]
    assert sched.lease("fast").id == 2  # type: ignore[union-attr]
    store.complete(2, "fast", "2.wav", 60.0, [], clock())
    copy = sched.lease("fast")
    assert copy is not None and copy.id == 1
    # A third node gets nothing: two copies are the limit.
    assert sched.lease("third") is None


def test_slow_node_gets_no_copy_it_could_not_finish_first(make_store: MakeStore) -> None:
    clock = FakeClock()
    store = make_store(n=2, chars=1000)
    sched = Scheduler(store, clock)
    sched.record("slow", 1000, 100.0)
    sched.record("fast", 1000, 5.0)
    sched.lease("fast")
    sched.lease("slow")
    store.complete(2, "slow", "2.wav", 60.0, [], clock())
    assert sched.lease("slow") is None


def test_store_survives_reopen(make_store: MakeStore, tmp_path: Path) -> None:
    store = make_store()
    store.complete(1, "a", "1.wav", 2.0, [(0.0, 1.0), (1.3, 2.0)], 5.0)
    store.close()
    again = JobStore(tmp_path / "job.sqlite")
    try:
        unit = again.unit(1)
        assert unit is not None and unit.status == "done"
        assert unit.spans == ((0.0, 1.0), (1.3, 2.0))
        assert again.counts()["done"] == 1
    finally:
        again.close()
