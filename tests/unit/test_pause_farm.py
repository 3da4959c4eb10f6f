"""Pause at the farm: units in flight are taken back; a quick Resume lets their holders
keep them; nodes are shown pausing until they have heard, then paused."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.events import Event, UnitRequeued, UnitStarted
from e2a_desktop.nodestate import NodeState
from e2a_node.protocol import LEASE_UNIT, LEASE_WAIT, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})


def test_pause_takes_units_back_and_the_holder_is_pausing_until_it_hears(
        tmp_path: Path) -> None:
    farm = make_farm(tmp_path, clock=FakeClock())
    seen: list[Event] = []
    farm.emit = seen.append
    held = farm.lease("laptop", CAPS).assignment
    assert held is not None
    farm.pause()
    assert farm.job.store.counts()["leased"] == 0
    assert farm.nodes["laptop"].state is NodeState.PAUSING
    assert [(e.unit_id, e.reason) for e in seen if isinstance(e, UnitRequeued)] == [
        (held.unit_id, "paused")]
    answer = farm.lease("laptop", CAPS)  # asking ahead, its unit still in its mouth
    assert answer.status == LEASE_WAIT and farm.nodes["laptop"].state is NodeState.PAUSING
    assert farm.lease("desk", CAPS).status == LEASE_WAIT
    assert farm.nodes["desk"].state is NodeState.PAUSED
    assert not farm.heartbeat("laptop", held.unit_id, 1, len(held.sentences))
    assert farm.nodes["laptop"].state is NodeState.PAUSED
    farm.resume()
    again = farm.lease("laptop", CAPS)
    assert again.status == LEASE_UNIT and again.assignment is not None
    farm.job.close()


def test_a_quick_resume_lets_a_node_that_had_not_heard_keep_its_unit(tmp_path: Path) -> None:
    farm = make_farm(tmp_path, clock=FakeClock())
    seen: list[Event] = []
    farm.emit = seen.append
    held = farm.lease("laptop", CAPS).assignment
    assert held is not None
    farm.pause()
    farm.resume()  # before its next heartbeat
    assert farm.nodes["laptop"].state is NodeState.SPEAKING
    assert farm.heartbeat("laptop", held.unit_id, 1, len(held.sentences)), "it keeps its unit"
    other = farm.lease("desk", CAPS).assignment
    assert other is not None and other.unit_id != held.unit_id, "nobody speaks it twice"
    assert [e.unit_id for e in seen if isinstance(e, UnitStarted)].count(held.unit_id) == 2
    farm.job.close()
