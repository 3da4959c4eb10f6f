"""A node that says it goes reads "helping another farm" or "stopped", never "lost".

Household test: a node that moved to its other farm (which had a book), or a --one-job
node that exited after its book, read "lost" on its farm a minute later, as if crashed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.events import Event, NodeChanged, NodeGone, NodeLeft, UnitRequeued
from e2a_desktop.farm.farm import AWAY_GONE_AFTER_S
from e2a_desktop.loglines import log_line
from e2a_desktop.nodestate import NodeState, state_label
from e2a_node.protocol import (
    LEASE_UNIT,
    LEAVING_FOR_ANOTHER_FARM,
    LEAVING_TO_STOP,
    Capabilities,
    Elsewhere,
    Leaving,
    ProtocolError,
)
from e2a_node.worker import ELSEWHERE_EVERY_S
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm

CAPS = Capabilities("den-pc", "cpu", {"piper": ["en_US-joe-medium"]})
NODE = "node-den00001"


def test_a_node_gone_to_another_farm_is_shown_so_and_never_reported_lost(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)
    farm.detach()  # between books
    seen: list[Event] = []
    farm.emit = seen.append
    farm.job_for(NODE)
    assert farm.nodes[NODE].state is NodeState.READY

    farm.leaving(NODE, LEAVING_FOR_ANOTHER_FARM)

    last = [e for e in seen if isinstance(e, NodeChanged)][-1]
    assert state_label(str(last.state)) == "helping another farm"
    assert "went to help another of its farms" in log_line(seen[-1])
    clock.advance(AWAY_GONE_AFTER_S - 1)  # it says so every 20 s while busy elsewhere
    farm.sweep()
    assert not any(isinstance(e, NodeGone) for e in seen)
    assert farm.nodes[NODE].state is NodeState.AWAY

    farm.job_for(NODE)  # back: whatever it asks decides its state again
    assert farm.nodes[NODE].state is NodeState.READY


def test_a_node_busy_on_another_farm_is_away_until_it_stops_saying_so(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)
    farm.detach()
    seen: list[Event] = []
    farm.emit = seen.append
    # A farm waits for three missed tells and a margin, and not minutes more (a node killed
    # mid-book read "helping another farm" on its other farm for three and a half minutes).
    assert 3 * ELSEWHERE_EVERY_S < AWAY_GONE_AFTER_S <= 4 * ELSEWHERE_EVERY_S
    for _tell in range(5):
        assert farm.elsewhere(NODE, busy=True) is None  # (this farm has no book)
        assert farm.nodes[NODE].state.label == "helping another farm"
        clock.advance(ELSEWHERE_EVERY_S)
        farm.sweep()
    assert not any(isinstance(e, NodeGone) for e in seen)
    clock.advance(AWAY_GONE_AFTER_S)  # killed, or its PC switched off: lost after all
    farm.sweep()
    assert farm.nodes[NODE].state.label == "lost"

    farm.elsewhere(NODE, busy=False)  # idle on its own farm: it would come at once
    assert farm.nodes[NODE].state is NodeState.READY


def test_a_benched_node_stays_benched_when_it_asks_from_elsewhere(tmp_path: Path) -> None:
    farm = make_farm(tmp_path)
    farm.job_for(NODE)
    farm.nodes[NODE].state = NodeState.BENCHED
    assert farm.elsewhere(NODE, busy=True) is not None  # this farm's book, as GET /job says
    assert farm.nodes[NODE].state is NodeState.BENCHED


@pytest.mark.parametrize("body", [{}, [], {"busy": "yes"}, {"busy": 1}, None])
def test_an_elsewhere_saying_anything_else_is_refused(body: object) -> None:
    with pytest.raises(ProtocolError):
        Elsewhere.from_json(body)


def test_a_node_that_stops_gives_back_what_it_held_and_reads_stopped(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)
    seen: list[Event] = []
    farm.emit = seen.append
    held = farm.lease(NODE, CAPS)
    assert held.status == LEASE_UNIT and held.assignment is not None

    farm.leaving(NODE, LEAVING_TO_STOP)

    assert farm.job.store.leases() == []  # its unit is the next node's now, not at expiry
    assert any(isinstance(e, UnitRequeued) and e.unit_id == held.assignment.unit_id
               and e.reason == "handed back" for e in seen)
    assert NodeLeft(NODE, farm.nodes[NODE].name, LEAVING_TO_STOP) in seen
    assert farm.nodes[NODE].state.label == "stopped"
    clock.advance(3600)
    farm.sweep()
    assert not any(isinstance(e, NodeGone) for e in seen)


@pytest.mark.parametrize("body", [{}, [], {"why": "forever"}, {"why": 3}, "stopping"])
def test_a_goodbye_saying_anything_else_is_refused(body: object) -> None:
    with pytest.raises(ProtocolError):
        Leaving.from_json(body)


def test_the_two_goodbyes_read_back() -> None:
    for why in (LEAVING_FOR_ANOTHER_FARM, LEAVING_TO_STOP):
        assert Leaving.from_json(Leaving(why).to_json()) == Leaving(why)


def test_no_row_reads_speaking_once_the_book_is_over(tmp_path: Path) -> None:
    """Household test: this PC's row read "speaking" a copy of the book's last part for
    minutes after Done (another node had sent that part first)."""
    farm = make_farm(tmp_path)
    held = farm.lease("local", CAPS)
    assert held.assignment is not None and farm.nodes["local"].state is NodeState.SPEAKING

    farm.detach()

    assert (farm.nodes["local"].state, farm.nodes["local"].unit_id) == (NodeState.READY, None)
