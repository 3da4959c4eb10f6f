"""What each request costs the coordinator's store thread, in CPU time: a capacity
figure that, unlike request latency, hardly moves with what else runs on the host.

Run on demand: `python -m pytest tests/bench -m bench -s -k store_cost`. The real Farm,
Scheduler and job store, called as the store thread calls them (no HTTP, no TLS), for
200 nodes on a book planned as the capacity benchmark's: each node leases, then beats
with its progress as a node does every 0.5 s, and the sweep runs once a second. The
figure is the thread's CPU time per call (``time.thread_time``), median of the rounds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from e2a_node.protocol import Capabilities
from tests.bench.coordinator_proc import synthetic_book
from tests.helpers.farm_fixtures import make_farm

pytestmark = pytest.mark.bench

NODES = 200
ROUNDS = 7
CAPS = Capabilities("bench", "cpu", {"piper": ["en_US-joe-medium"]})


def _cpu_us(calls: list[Callable[[], object]]) -> float:
    """Thread CPU time per call, in microseconds."""
    began = time.thread_time()
    for call in calls:
        call()
    return (time.thread_time() - began) / len(calls) * 1e6


def test_store_cost_per_request(tmp_path: Path) -> None:
    farm = make_farm(tmp_path, unit_chars=150, lease_ttl=30.0,
                     book=synthetic_book(200, 6000))
    try:
        nodes = [f"node-{i:03d}" for i in range(NODES)]
        lease_us, beat_us, sweep_us = [], [], []
        held: dict[str, tuple[int, int]] = {}
        for _ in range(ROUNDS):
            def lease(node: str) -> None:
                unit = farm.lease(node, CAPS).assignment
                assert unit is not None
                held[node] = (unit.unit_id, len(unit.sentences))
            lease_us.append(_cpu_us([lambda n=n: lease(n) for n in nodes]))  # type: ignore[misc]
            for done in range(3):  # three beats a unit, as a node speaking 1.5 s
                beat_us.append(_cpu_us([
                    lambda n=n, d=done: farm.heartbeat(n, held[n][0], min(d, held[n][1]),  # type: ignore[misc]
                                                       held[n][1])
                    for n in nodes]))
                sweep_us.append(_cpu_us([farm.sweep]))
            for node, (unit_id, _) in held.items():  # done: as an accepted upload leaves it
                farm.job.store.complete(unit_id, node, f"{unit_id}.wav", 1.0, [],
                                        time.monotonic())
                farm.scheduler.accepted(node, unit_id, 150)
        print(f"\nstore thread CPU per call, {NODES} nodes (median of {ROUNDS} rounds): lease "
              f"{statistics.median(lease_us):.0f} us, heartbeat "
              f"{statistics.median(beat_us):.0f} us, sweep {statistics.median(sweep_us):.0f} us")
    finally:
        farm.job.store.close()
