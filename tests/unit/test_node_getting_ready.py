"""A node that asks for the book and has not yet asked for a unit is loading its voice:
the Nodes table says so, not "stopped" from its last book (household run: "stopped" for
~20 s while a node loaded its voice after Convert again)."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.nodestate import NodeState
from e2a_node.protocol import Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})


def test_a_node_asking_for_the_book_reads_getting_ready_until_it_takes_a_unit(
        tmp_path: Path) -> None:
    farm = make_farm(tmp_path, clock=FakeClock())
    unit = farm.lease("pc", CAPS).assignment
    assert unit is not None
    farm.hand_back("pc", unit.unit_id)  # Cancel: it stopped, its unit handed back
    assert farm.nodes["pc"].state is NodeState.LEFT

    assert farm.job_for("pc") is not None  # Convert again: it asks for the book, loads
    assert farm.nodes["pc"].state is NodeState.PREPARING
    assert farm.nodes["pc"].state.label == "getting ready: loading the voice"
    assert farm.job_for("pc") is not None  # asks again while loading: still getting ready
    assert farm.nodes["pc"].state is NodeState.PREPARING

    assert farm.lease("pc", CAPS).assignment is not None
    assert farm.nodes["pc"].state is NodeState.SPEAKING
    assert farm.job_for("pc") is not None  # a node at work asking again stays at work
    assert farm.nodes["pc"].state is NodeState.SPEAKING


def test_a_node_told_job_over_is_not_getting_ready_while_the_book_binds(
        tmp_path: Path) -> None:
    """Right after Done the household saw LAN nodes read "getting ready: loading the voice"
    while the book bound: a node told the job is over asks for the book again then."""
    from e2a_node.protocol import LEASE_DONE
    from tests.helpers.farm_fixtures import small_book, speech_like_wav

    farm = make_farm(tmp_path, clock=FakeClock(), book=small_book(chapters=1, sentences=1))
    unit = farm.lease("pc", CAPS).assignment
    assert unit is not None
    tmp = farm.upload_tmp(unit.unit_id, "pc")
    tmp.write_bytes(speech_like_wav(2.0))
    assert farm.accept_upload("pc", unit.unit_id, tmp, [(0.0, 2.0)]) == (True, False)
    assert farm.lease("pc", CAPS).status == LEASE_DONE
    assert farm.nodes["pc"].state is NodeState.FINISHED
    assert farm.job_for("pc") is not None  # the book is still binding
    assert farm.nodes["pc"].state is NodeState.FINISHED


def test_a_node_waiting_for_a_part_is_ready_once_the_book_is_over(tmp_path: Path) -> None:
    """After Done or Cancel this PC's row read "waiting" while the others read "ready"."""
    from tests.helpers.farm_fixtures import small_book

    farm = make_farm(tmp_path, clock=FakeClock(), book=small_book(chapters=1, sentences=1))
    assert farm.lease("pc", CAPS).assignment is not None  # the only part
    assert farm.lease("other", CAPS).assignment is None  # nothing for it: it waits
    assert farm.nodes["other"].state.label == "waiting"
    farm.detach()
    assert farm.nodes["other"].state is NodeState.READY
