"""Revoking a node: its pairing goes, its units go back to the queue, its row says so."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.events import Event, NodeChanged, UnitRequeued
from e2a_node.auth import pairing_keys
from e2a_node.protocol import LEASE_UNIT, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import CODE, make_farm
from tests.unit.test_pairing import Node

CAPS = Capabilities("study-pc", "cpu", {"piper": ["en_US-joe-medium"]})


def test_a_revoked_node_is_unpaired_and_its_units_are_redone_by_others(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)
    seen: list[Event] = []
    farm.emit = seen.append
    node = Node("node-study0001", CODE)
    answer = farm.pairing.begin(node.node_id, "study-pc", node.message, peer="10.0.0.7")
    assert answer is not None
    message, coordinator_proof = answer
    _secret, expected, proof = pairing_keys(node.pake.finish(message),
                                            farm.identity.certificate.sha256)
    assert expected == coordinator_proof
    assert farm.confirm_pairing(node.node_id, proof)
    held = farm.lease(node.node_id, CAPS)
    assert held.status == LEASE_UNIT and held.assignment is not None

    farm.revoke(node.node_id)

    assert not farm.pairing.knows(node.node_id)  # its next request gets 401 "not paired"
    assert farm.job.store.leases() == []
    assert node.node_id not in farm.nodes
    last = [e for e in seen if isinstance(e, NodeChanged)][-1]
    assert (last.node, last.state, last.unit_id) == (node.node_id, "revoked", None)
    assert UnitRequeued(held.assignment.unit_id, node.node_id, "node revoked") in seen
    other = farm.lease("node-living01", CAPS)  # the unit it held goes to the next node
    assert other.assignment is not None and other.assignment.unit_id == held.assignment.unit_id
    clock.advance(3600)
    farm.sweep()  # and it is never reported lost: it was told to go
    assert not any(getattr(e, "node", None) == node.node_id and type(e).__name__ == "NodeGone"
                   for e in seen)


def test_revoking_a_node_without_a_book_or_unknown_is_harmless(tmp_path: Path) -> None:
    farm = make_farm(tmp_path)
    farm.detach()
    farm.revoke("node-nobody01")
    assert farm.nodes == {}
