"""One paired node cannot take every connection slot (farm hardening, round two, finding 3).

Once a paired node's 768 authenticated keep-alive connections filled the cap under
`ulimit -n 1024`, and every new node was reset for two minutes. Now a node keeps a
handful, an address a few more, and a full house of proven connections still makes
room for a node arriving.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from e2a_desktop.farm.guard import PER_NODE, PER_PEER_PROVEN, ConnectionGuard


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.001  # each call a little later: "least recently used" is well defined
        return self.now


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    made: list[socket.socket] = []
    yield made
    for sock in made:
        sock.close()


def _open(guard: ConnectionGuard, made: list[socket.socket], peer: str) -> socket.socket:
    ours, theirs = socket.socketpair()
    made += [ours, theirs]
    assert guard.admit(ours, peer)
    return theirs


def _dropped(theirs: socket.socket) -> bool:
    """The guard shut the connection: its other end reads end-of-file."""
    theirs.settimeout(0)
    try:
        return theirs.recv(1) == b""
    except BlockingIOError:
        return False


def test_a_node_keeps_a_handful_of_connections_its_oldest_go_first(
        sockets: list[socket.socket]) -> None:
    guard = ConnectionGuard(4096, clock=Clock())
    ends = []
    for k in range(100):
        theirs = _open(guard, sockets, f"10.0.0.{k % 50}")  # from many addresses
        guard.mark_proven(sockets[-2].fileno(), "node-greedy")
        ends.append(theirs)
    assert len(guard) == PER_NODE
    assert [_dropped(end) for end in ends] == [True] * (100 - PER_NODE) + [False] * PER_NODE


def test_an_address_keeps_a_few_more_whatever_node_ids_it_uses(
        sockets: list[socket.socket]) -> None:
    guard = ConnectionGuard(4096, clock=Clock())
    for k in range(60):
        _open(guard, sockets, "10.0.0.9")
        guard.mark_proven(sockets[-2].fileno(), f"node-{k % 10}")
    assert len(guard) == PER_PEER_PROVEN


def test_a_node_arriving_gets_in_when_proven_connections_fill_the_cap(
        sockets: list[socket.socket]) -> None:
    guard = ConnectionGuard(40, clock=Clock())
    honest = _open(guard, sockets, "10.0.0.1")
    guard.mark_proven(sockets[-2].fileno(), "node-honest")
    for k in range(39):  # many paired nodes, a few connections each, fill the cap
        _open(guard, sockets, f"10.0.1.{k // 3}")
        guard.mark_proven(sockets[-2].fileno(), f"node-{k // 3}")
    assert len(guard) == 40
    _open(guard, sockets, "10.0.0.2")  # a new node: admitted, not refused
    assert guard.refused == 0 and len(guard) == 40
    assert not _dropped(honest), "the node with one connection keeps it"


def test_a_flood_of_fresh_connections_does_not_churn_out_a_node_still_pairing(
        sockets: list[socket.socket]) -> None:
    guard = ConnectionGuard(40, clock=Clock())
    pairing = _open(guard, sockets, "10.0.0.1")  # not proven yet: the TLS handshake, /pair
    flood = [_open(guard, sockets, f"10.0.1.{k % 5}") for k in range(500)]
    assert not _dropped(pairing), "the oldest, but alone at its address: it stays"
    assert sum(_dropped(end) for end in flood) == 500 - 39
