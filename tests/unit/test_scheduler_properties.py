"""Property test: whatever nodes do (finish, vanish, give up), every unit is done exactly once."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from e2a_desktop.farm.scheduler import Scheduler
from e2a_desktop.plan import PlannedUnit
from e2a_desktop.store import JobStore
from tests.helpers.fakes import FakeClock

NODES = ["a", "b", "c", "d"]
actions = st.lists(st.tuples(st.sampled_from(["lease", "finish", "vanish", "give_up", "wait"]),
                             st.sampled_from(NODES), st.floats(0, 40)), max_size=80)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), actions)
def test_every_unit_is_done_exactly_once(units: int, script: list[tuple[str, str, float]]
                                         ) -> None:
    with TemporaryDirectory() as tmp:
        store = JobStore(Path(tmp) / "job.sqlite")
        store.initialise({}, [("C", 1)], [PlannedUnit(0, i, ("x" * (10 + i),), (True,))
                                          for i in range(units)])
        clock = FakeClock()
        sched = Scheduler(store, clock, lease_ttl=30)
        held: dict[str, int] = {}
        completions: list[int] = []
        for action, node, seconds in script:
            clock.advance(seconds)
            if action == "lease" and node not in held:
                unit = sched.lease(node)
                if unit is not None:
                    held[node] = unit.id
            elif action == "finish" and node in held:
                if store.complete(held.pop(node), node, "x.wav", 1.0, [], clock()):
                    completions.append(0)
            elif action == "vanish":
                held.pop(node, None)  # its lease simply runs out
            elif action == "give_up" and node in held:
                store.release(held.pop(node), node)
        # Then a healthy node drains whatever is left.
        for _ in range(units * 3):
            clock.advance(31)
            unit = sched.lease("drain")
            if unit is not None and store.complete(unit.id, "drain", "y.wav", 1.0, [], clock()):
                completions.append(0)
        rows = store.units()
        assert all(u.status == "done" for u in rows)
        assert len(completions) == units  # no unit was accepted twice
        assert sched.finished()
        store.close()
