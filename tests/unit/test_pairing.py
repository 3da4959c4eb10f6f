"""Pairing by PAKE: nodes started together all pair; guessing the code is throttled."""

from __future__ import annotations

from pathlib import Path

import pytest
from spake2 import SPAKE2_A

from e2a_desktop.farm.pairing import (
    MAX_GUESSES_PER_PEER,
    MAX_GUESSES_TOTAL,
    PENDING_TTL_S,
    CodeAlreadyUsed,
    PairingRegistry,
)
from e2a_node.auth import COORDINATOR_PAKE_ID, auth_headers, pairing_keys
from e2a_node.protocol import AUTH_HEADER, CHECKSUM_HEADER, NONCE_HEADER, TIME_HEADER
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
        secret, expected, proof = pairing_keys(self.pake.finish(coordinator_message), "")
        return secret, proof if expected == coordinator_proof else ""


def test_nodes_started_together_all_pair_with_the_secret_both_sides_derived(
        tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    nodes = [Node(f"node-{i:08d}", CODE) for i in range(12)]
    answers = [registry.begin(n.node_id, "pc", n.message, peer=f"10.0.0.{i}")
               for i, n in enumerate(nodes)]
    for node, answer in zip(nodes, answers, strict=True):
        assert answer is not None
        secret, proof = node.answer(*answer)
        assert registry.confirm(node.node_id, proof)
        # The secret the node derived signs requests the coordinator accepts.
        headers = auth_headers(secret, "GET", "/api/v1/job", node.node_id, now=1000)
        assert _verify(registry, node.node_id, headers)


def _verify(registry: PairingRegistry, node_id: str, headers: dict[str, str],
            method: str = "GET", path: str = "/api/v1/job", now: float = 1000.0) -> bool:
    return registry.verify(method, path, node_id, headers[TIME_HEADER], headers[NONCE_HEADER],
                           headers[CHECKSUM_HEADER], headers[AUTH_HEADER], now)


def _paired(registry: PairingRegistry, node_id: str = "node-honest01") -> str:
    node = Node(node_id, CODE)
    answer = registry.begin(node.node_id, "pc", node.message, peer="10.0.0.9")
    assert answer is not None
    secret, proof = node.answer(*answer)
    assert registry.confirm(node.node_id, proof)
    return secret


def test_a_captured_request_cannot_be_replayed(tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    secret = _paired(registry)
    headers = auth_headers(secret, "POST", "/api/v1/lease", "node-honest01", b"{}", now=1000)
    assert _verify(registry, "node-honest01", headers, "POST", "/api/v1/lease")
    for later in (1000.0, 1001.0, 1290.0):
        assert not _verify(registry, "node-honest01", headers, "POST", "/api/v1/lease", later)
    fresh = auth_headers(secret, "POST", "/api/v1/lease", "node-honest01", b"{}", now=1001)
    assert _verify(registry, "node-honest01", fresh, "POST", "/api/v1/lease", 1001.0)


def test_the_upload_spans_are_signed(tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    secret = _paired(registry)
    path = "/api/v1/units/3/audio"
    headers = auth_headers(secret, "PUT", path, "node-honest01", b"RIFF", now=1000,
                           extra="[[0.0, 1.0]]")
    args = ("PUT", path, "node-honest01", headers[TIME_HEADER], headers[NONCE_HEADER],
            headers[CHECKSUM_HEADER], headers[AUTH_HEADER], 1000.0)
    assert not registry.verify(*args, extra="[[0.0, 9.0]]")
    assert registry.verify(*args, extra="[[0.0, 1.0]]")


def test_malformed_time_and_nonce_headers_are_refused_not_crashed_on(tmp_path: Path) -> None:
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    secret = _paired(registry)
    good = auth_headers(secret, "GET", "/api/v1/job", "node-honest01", now=1000)
    for field, bad in ((TIME_HEADER, "²"), (TIME_HEADER, "9" * 5000), (TIME_HEADER, "-1000"),
                       (NONCE_HEADER, "zz" * 16), (NONCE_HEADER, "")):
        assert not _verify(registry, "node-honest01", {**good, field: bad})


def test_wrong_codes_pause_pairing_for_that_address_only(tmp_path: Path) -> None:
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    for i in range(MAX_GUESSES_PER_PEER):
        guess = Node(f"node-guess{i:04d}", f"{i:06d}")
        answer = registry.begin(guess.node_id, "guesser", guess.message, peer="10.0.0.66")
        assert answer is not None
        _secret, proof = guess.answer(*answer)
        assert proof == ""  # the node itself sees the coordinator holds another code
        assert not registry.confirm(guess.node_id, proof)
    again = Node("node-guess9999", "999999")
    assert registry.begin(again.node_id, "guesser", again.message, peer="10.0.0.66") is None
    # Someone else on the network still pairs at once...
    honest = Node("node-honest01", CODE)
    answer = registry.begin(honest.node_id, "pc", honest.message, peer="10.0.0.9")
    assert answer is not None and registry.confirm(honest.node_id, honest.answer(*answer)[1])
    # ...and the guesser gets its next guesses a minute later.
    clock.advance(61)
    assert registry.begin(again.node_id, "guesser", again.message, peer="10.0.0.66") is not None


def test_many_guesses_at_once_get_only_the_budgeted_answers(tmp_path: Path) -> None:
    """200 attempts sent together (none confirmed yet) must not buy more than 5 guesses."""
    registry = PairingRegistry(tmp_path, CODE, FakeClock())
    answered = sum(
        registry.begin(f"node-flood{i:04d}", "x", Node(f"node-flood{i:04d}", "000000").message,
                       peer="10.0.0.66") is not None
        for i in range(200))
    assert answered == MAX_GUESSES_PER_PEER
    spread = sum(
        registry.begin(f"node-spread{i:04d}", "x", Node(f"node-spread{i:04d}", "0").message,
                       peer=f"10.0.{i // 250}.{i % 250}") is not None
        for i in range(200))
    assert MAX_GUESSES_PER_PEER + spread == MAX_GUESSES_TOTAL


def test_attempts_never_confirmed_count_as_failed_guesses(tmp_path: Path) -> None:
    """An attacker can test a guess against the coordinator's proof and walk away."""
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    for i in range(MAX_GUESSES_PER_PEER):
        silent = Node(f"node-silent{i:03d}", f"{i:06d}")
        assert registry.begin(silent.node_id, "x", silent.message, peer="10.0.0.66") is not None
    clock.advance(PENDING_TTL_S + 1)
    late = Node("node-late0001", CODE)
    assert registry.begin(late.node_id, "pc", late.message, peer="10.0.0.66") is None


def _guess_wrong(registry: PairingRegistry, peer: str, times: int) -> None:
    for n in range(times):
        guesser = Node(f"node-{peer.replace('.', '')}{n:04d}", "000000")
        answer = registry.begin(guesser.node_id, "x", guesser.message, peer=peer)
        if answer is None:
            return
        assert not registry.confirm(guesser.node_id, "0" * 64)


def test_the_person_at_the_desktop_gets_in_while_strangers_spend_the_budget(
        tmp_path: Path) -> None:
    """Six addresses guessing spend the shared budget: a right code from a seventh was
    refused for a minute (finding 4). "Pair a node" on the desktop opens a moment with a
    one-time code that the guessers cannot use up, and they are kept out of it."""
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    attackers = [f"10.0.0.{i}" for i in range(20, 26)]
    for peer in attackers:
        _guess_wrong(registry, peer, MAX_GUESSES_PER_PEER)
    honest = Node("node-honest01", CODE)
    assert registry.begin(honest.node_id, "pc", honest.message, peer="10.0.0.9") is None

    moment = registry.open_moment()
    assert moment.code != CODE and len(moment.code) == 6
    for peer in attackers:  # those guessing when it opened get nothing from it
        barred = Node(f"node-{peer.replace('.', '')}late", moment.code)
        assert registry.begin(barred.node_id, "x", barred.message, peer=peer) is None
    _guess_wrong(registry, "10.0.0.77", 50)  # a fresh address: its own 5 guesses only
    latecomer = Node("node-honest02", moment.code)
    answer = registry.begin(latecomer.node_id, "pc", latecomer.message, peer="10.0.0.9")
    assert answer is not None
    _secret, proof = latecomer.answer(*answer)
    assert proof and registry.confirm(latecomer.node_id, proof)
    assert registry.knows("node-honest02")


def test_a_pairing_moment_ends_and_its_code_with_it(tmp_path: Path) -> None:
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    moment = registry.open_moment(seconds=180)
    clock.advance(181)
    assert registry.moment() is None
    late = Node("node-late0001", moment.code)
    answer = registry.begin(late.node_id, "pc", late.message, peer="10.0.0.9")
    assert answer is not None and late.answer(*answer)[1] == ""  # the code is no more
    standing = Node("node-std00001", CODE)
    answer = registry.begin(standing.node_id, "pc", standing.message, peer="10.0.0.8")
    assert answer is not None
    assert registry.confirm(standing.node_id, standing.answer(*answer)[1])


def test_the_spent_one_time_code_is_recognised_until_its_time_is_up(tmp_path: Path) -> None:
    """It pairs nobody, it counts as a failed attempt, and once the moment's three minutes
    are over it is a wrong code like any other."""
    clock = FakeClock()
    registry = PairingRegistry(tmp_path, CODE, clock)
    moment = registry.open_moment()

    def attempt(node_id: str, code: str, peer: str) -> bool:
        node = Node(node_id, code)
        answers = registry.begin_each(node.node_id, "pc", node.message, peer=peer)
        assert answers is not None
        started = node.pake.serialize()  # one finish per answer, as the client does
        proofs = []
        for message, coordinator_proof in answers:
            _secret, expected, proof = pairing_keys(
                SPAKE2_A.from_serialized(started).finish(message), "")
            proofs.append(proof if expected == coordinator_proof else "")
        return registry.confirm(node.node_id, next((p for p in proofs if p), ""))

    assert attempt("node-first001", moment.code, "10.0.0.1")
    with pytest.raises(CodeAlreadyUsed):
        attempt("node-second01", moment.code, "10.0.0.2")
    assert not registry.knows("node-second01")
    assert not attempt("node-wrong001", "000000" if CODE != "000000" else "111111", "10.0.0.3")
    assert attempt("node-standing", CODE, "10.0.0.4")  # the standing code pairs as ever
    clock.advance(moment.ends - clock() + 1)
    assert not attempt("node-second01", moment.code, "10.0.0.2")  # its time is up: wrong
    assert registry.moment() is None
