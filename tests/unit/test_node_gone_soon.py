"""A node killed mid-unit is reported lost, and its unit redone, within seconds: it beat
every couple of seconds, so half a minute of its lease's silence is not needed to tell
(household test: a killed node showed "speaking" for a minute, its unit held)."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.events import Event, NodeGone, UnitRequeued
from e2a_desktop.farm.farm import SPEAKER_SILENT_S
from e2a_node.protocol import LEASE_UNIT, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm

CAPS = Capabilities("study-pc", "cpu", {"piper": ["en_US-joe-medium"]})


def _speaking(tmp_path: Path, beat_every: float, lease_ttl: float = 60
              ) -> tuple[FakeClock, object, list[Event], int]:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock, lease_ttl=lease_ttl)
    seen: list[Event] = []
    farm.emit = seen.append
    held = farm.lease("node-study0001", CAPS)
    assert held.status == LEASE_UNIT and held.assignment is not None
    unit = held.assignment.unit_id
    total = len(held.assignment.sentences)
    for beat in range(4):
        clock.advance(beat_every)
        assert farm.heartbeat("node-study0001", unit, min(beat, total - 1), total)
    return clock, farm, seen, unit


def test_a_node_that_beat_often_and_fell_silent_is_lost_and_its_unit_redone(
        tmp_path: Path) -> None:
    clock, farm, seen, unit = _speaking(tmp_path, beat_every=2.0)
    clock.advance(SPEAKER_SILENT_S - 1)
    farm.sweep()  # type: ignore[attr-defined]
    assert not any(isinstance(e, NodeGone) for e in seen)  # a few missed beats: not yet
    clock.advance(2)
    farm.sweep()  # type: ignore[attr-defined]
    assert [e.node for e in seen if isinstance(e, NodeGone)] == ["node-study0001"]
    assert UnitRequeued(unit, "node-study0001", "node gone") in seen
    other = farm.lease("node-living01", CAPS)  # type: ignore[attr-defined]
    assert other.assignment is not None and other.assignment.unit_id == unit


def test_a_node_that_beats_slowly_keeps_its_leases_time(tmp_path: Path) -> None:
    clock, farm, seen, _unit = _speaking(tmp_path, beat_every=15.0)
    clock.advance(SPEAKER_SILENT_S + 5)
    farm.sweep()  # type: ignore[attr-defined]
    assert not any(isinstance(e, NodeGone) for e in seen)
