"""Pairing by PAKE: nodes started together all pair; guessing the code is throttled."""

from __future__ import annotations

from pathlib import Path

from spake2 import SPAKE2_A

from e2a_desktop.farm.pairing import (
    MAX_FAILURES,
    MAX_PENDING,
    PENDING_TTL_S,
    PairingRegistry,
)
from e2a_node.auth import COORDINATOR_PAKE_ID, auth_headers, pairing_keys
from e2a_node.protocol import AUTH_HEADER, CHECKSUM_HEADER, TIME_HEADER
from tests.helpers.fakes import FakeClock

CODE = "482913"


class Node:
    """The node's half of the exchange, as the real client does it."""

    def __init__(self, node_id: str, code: str) -> None:
        self.node_id = node_id
        self.pake = SPAKE2_A(code.encode(), idA=node_id.encode(), idB=COORDINATOR_PAKE_ID)
        self.message = self.pake.start()

    def answer(self, coordinator_message: bytes, coordinator_proof: str) -> tuple[str, str]:
        """(secret, proof to send); the proof is empty when the coordinator's did not match."""
        secret, expected, proof = pairing_keys(self.pake.finish(coordinator_message))
        return secret, proof if expected == coordinator_proof else ""


def test_nodes_started_together_all_pair_with_the_secret_both_sides_derived(
        tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    nodes = [Node(f"node-{i:08d}", CODE) for i in range(MAX_PENDING)]
    answers = [registry.begin(n.node_id, "pc", n.message) for n in nodes]
    for node, answer in zip(nodes, answers, strict=True):
        assert answer is not None
        secret, proof = node.answer(*answer)
        assert registry.confirm(node.node_id, proof)
        # The secret the node derived signs requests the coordinator accepts.
        headers = auth_headers(secret, "GET", "/api/v1/job", node.node_id, now=1000)
        assert registry.verify("GET", "/api/v1/job", node.node_id, headers[TIME_HEADER],
                               headers[CHECKSUM_HEADER], headers[AUTH_HEADER], 1000.0)


def test_wrong_codes_pause_pairing_and_it_resumes_after_the_window(tmp_path: Path) -> None:
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    for i in range(MAX_FAILURES):
        guess = Node(f"node-guess{i:04d}", f"{i:06d}")
        answer = registry.begin(guess.node_id, "guesser", guess.message)
        assert answer is not None
        _secret, proof = guess.answer(*answer)
        assert proof == ""  # the node itself sees the coordinator holds another code
        assert not registry.confirm(guess.node_id, proof)
    honest = Node("node-honest01", CODE)
    assert registry.begin(honest.node_id, "pc", honest.message) is None  # paused
    clock.advance(61)
    answer = registry.begin(honest.node_id, "pc", honest.message)
    assert answer is not None and registry.confirm(honest.node_id, honest.answer(*answer)[1])


def test_attempts_never_confirmed_count_as_failed_guesses(tmp_path: Path) -> None:
    """An attacker can test a guess against the coordinator's proof and walk away."""
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    for i in range(MAX_FAILURES):
        silent = Node(f"node-silent{i:03d}", f"{i:06d}")
        assert registry.begin(silent.node_id, "x", silent.message) is not None
    clock.advance(PENDING_TTL_S + 1)
    late = Node("node-late0001", CODE)
    assert registry.begin(late.node_id, "pc", late.message) is None
