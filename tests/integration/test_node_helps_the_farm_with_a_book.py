"""A node paired with two farms helps whichever has a book, and never forgets the other.

Household test: den-pc, paired with farms A and B, sat "ready" on A (no book) while B
spoke a 12-chapter book alone. Real farms served over TLS on loopback and advertised by
mDNS on 127.0.0.1, under a name unique to this test (other farms are never considered).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.events import Event, NodeChanged, NodeGone, NodeLeft
from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import Farm
from e2a_desktop.nodestate import NodeState
from e2a_node import worker as worker_module
from e2a_node.client import CoordinatorClient
from e2a_node.discovery import Advertiser
from e2a_node.engines.base import Engine, EngineSettings
from e2a_node.farm_tag import farm_tag
from e2a_node.state import NodeStatus
from e2a_node.trust import TrustedCoordinator
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import GateEngine, ToneEngine, gate_voice, tone_voice
from tests.helpers.farm_fixtures import CODE, make_farm, small_book, tls_context
from tests.helpers.polling import async_until
from tests.helpers.recorder import StateRecorder


async def _serve(farm: Farm) -> TestServer:
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    return server


def _port(server: TestServer) -> int:
    assert server.port is not None
    return server.port


def _done(farm: Farm) -> bool:
    counts = farm.job.store.counts()
    return counts["pending"] == counts["leased"] == 0


def _node(tmp_path: Path, farm_name: str, engine: Callable[[EngineSettings], Engine] = tone_voice,
          states: StateRecorder | None = None) -> NodeWorker:
    """den-pc, finding farms of ``farm_name`` on loopback only (never another test's)."""
    return NodeWorker(NodeConfig(tmp_path / "node", name="den-pc", farm_name=farm_name,
                                 mdns_interfaces=["127.0.0.1"]),
                      engine_factory=engine, on_state=states or StateRecorder())


async def _wind_down(worker: NodeWorker, running: asyncio.Task[None],
                     adverts: list[Advertiser], servers: list[TestServer]) -> None:
    """Stop the node (a held voice let go), then the adverts and the farms' servers."""
    GateEngine.open()
    worker.stop()
    await asyncio.gather(running, return_exceptions=True)
    for advert in adverts:
        await advert.async_close()
    for server in servers:
        await server.close()


async def _pair(worker: NodeWorker, server: TestServer) -> None:
    async with aiohttp.ClientSession() as session:
        paired = await CoordinatorClient(session, str(server.make_url("")),
                                         worker.identity.node_id).async_pair("den-pc", CODE)
    worker.trust.remember(TrustedCoordinator(paired.coordinator_id, paired.fingerprint,
                                             paired.name, paired.secret, paired.certificate))


@dataclass
class _Household:
    """Two farms served over TLS and den-pc paired with both and running (not yet told of
    either: ``advertise`` puts a farm on the network)."""

    name: str
    farms: list[Farm]
    servers: list[TestServer]
    adverts: list[Advertiser]
    worker: NodeWorker
    running: asyncio.Task[None]

    async def advertise(self, index: int) -> None:
        farm, server = self.farms[index], self.servers[index]
        await self.adverts[index].async_start(self.name, _port(server),
                                              farm.identity.fingerprint)

    async def wind_down(self) -> None:
        await _wind_down(self.worker, self.running, self.adverts, self.servers)


async def _household(tmp_path: Path, name: str, farms: list[Farm],
                     engine: Callable[[EngineSettings], Engine] = tone_voice,
                     states: StateRecorder | None = None) -> _Household:
    servers = [await _serve(farm) for farm in farms]
    worker = _node(tmp_path, name, engine, states)
    for server in servers:
        await _pair(worker, server)
    return _Household(name, farms, servers, [Advertiser(["127.0.0.1"]) for _ in farms],
                      worker, asyncio.create_task(worker.async_run()))


async def test_a_node_on_a_farm_without_a_book_moves_to_its_other_farm_with_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    name = f"vm {secrets.token_hex(3)}"
    idle = make_farm(tmp_path / "a", rate=ToneEngine.RATE, name=name)
    idle.detach()  # farm A has no book
    seen_on_a: list[Event] = []
    idle.emit = seen_on_a.append
    busy = make_farm(tmp_path / "b", rate=ToneEngine.RATE, name=name,
                     book=small_book(chapters=3))
    states = StateRecorder()
    home = await _household(tmp_path, name, [idle, busy], states=states)
    worker, running = home.worker, home.running
    tag_a = farm_tag(idle.identity.fingerprint)
    try:
        with caplog.at_level(logging.INFO, logger="e2a.node"):
            await home.advertise(0)
            await async_until(lambda: any(s.status is NodeStatus.READY and s.farm_tag == tag_a
                                          for s in states.seen), 30, "ready on farm A")
            await home.advertise(1)
            await async_until(lambda: _done(busy), 60, "farm B's book to be spoken")
            assert busy.job.store.counts()["done"] > 0
            assert any("moving to farm" in r.getMessage() and "it has a book" in r.getMessage()
                       for r in caplog.records)
            # A's window says where its node went: "helping another farm", never "lost".
            node_id = worker.identity.node_id
            assert NodeLeft(node_id, "den-pc", "another farm") in seen_on_a
            assert idle.nodes[node_id].state is NodeState.AWAY
            assert NodeState.AWAY.label == "helping another farm"
            idle.sweep()
            assert idle.nodes[node_id].state is NodeState.AWAY

            # A stays paired, and is asked again once B's book is over.
            second = make_farm(tmp_path / "second", rate=ToneEngine.RATE, name=name)
            busy.detach()
            idle.attach(second.job, second.scheduler, ToneEngine.RATE)
            await async_until(lambda: _done(idle), 60, "farm A's new book to be spoken")
            assert idle.job.store.counts()["done"] > 0
        assert not running.done()
        worker.stop()  # Quit on the node's PC: the farm it was with says "stopped"
        await asyncio.gather(running, return_exceptions=True)
        assert idle.nodes[node_id].state is NodeState.LEFT
        assert NodeLeft(node_id, "den-pc", "stopping") in seen_on_a
        assert not any(isinstance(e, NodeGone) for e in seen_on_a)
    finally:
        await home.wind_down()
    assert running.exception() is None
    assert {t.fingerprint for t in worker.trust.all().values()} == \
        {idle.identity.fingerprint, busy.identity.fingerprint}


async def test_a_node_busy_on_one_farm_reads_helping_another_farm_on_the_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Household test: farm B read "ready", then "lost", of a node speaking for farm A all
    along (it had only asked B for a book while A had none)."""
    monkeypatch.setattr(worker_module, "ELSEWHERE_EVERY_S", 0.2)  # a minute, in the app
    GateEngine.reset()  # A's book lasts until the test lets it end
    name = f"vm {secrets.token_hex(3)}"
    busy = make_farm(tmp_path / "a", rate=ToneEngine.RATE, name=name,
                     book=small_book(chapters=3, sentences=12))
    other = make_farm(tmp_path / "b", rate=ToneEngine.RATE, name=name)
    other.detach()  # farm B has no book
    seen_on_b: list[Event] = []
    other.emit = seen_on_b.append
    home = await _household(tmp_path, name, [busy, other], gate_voice)
    worker, running = home.worker, home.running
    node_id = worker.identity.node_id
    try:
        await home.advertise(0)
        await async_until(lambda: node_id in busy.nodes
                          and busy.nodes[node_id].state is NodeState.SPEAKING, 30,
                          "speaking for farm A")
        await home.advertise(1)

        def away_on_b() -> bool:
            GateEngine.allow(1)  # a sentence at a time: between units it tells B it is busy
            return node_id in other.nodes and other.nodes[node_id].state is NodeState.AWAY

        await async_until(away_on_b, 30, "farm B to show it helping another farm")
        assert other.nodes[node_id].state.label == "helping another farm"
        assert not _done(busy)
        GateEngine.open()
        await async_until(lambda: _done(busy), 60, "farm A's book to be spoken")
        busy.detach()  # A's book is over: the node is free, and B is told so ("ready")
        await async_until(lambda: other.nodes[node_id].state is NodeState.READY, 30,
                          "farm B to show it ready")
        assert not any(isinstance(e, NodeGone) for e in seen_on_b)
        states_on_b = {str(e.state) for e in seen_on_b if isinstance(e, NodeChanged)
                       and e.node == node_id}
        assert "speaking" not in states_on_b and "gone" not in states_on_b
    finally:
        await home.wind_down()
    assert running.exception() is None


async def test_a_node_tells_its_other_farm_at_once_when_a_new_book_starts_and_when_it_quits(
        tmp_path: Path) -> None:
    """Household test: between two books on farm X, farm Y saw the node "ready"; the next
    book began and Y heard nothing for up to a minute (it said "lost" meanwhile); a node
    quit from its tray read "stopped" on X but "lost" on Y."""
    name = f"vm {secrets.token_hex(3)}"
    farms = [make_farm(tmp_path / "x", rate=ToneEngine.RATE, name=name),
             make_farm(tmp_path / "y", rate=ToneEngine.RATE, name=name)]
    for farm in farms:
        farm.detach()  # no book anywhere yet
    home = await _household(tmp_path, name, farms)
    worker, running = home.worker, home.running
    node_id = worker.identity.node_id
    try:
        for index in range(len(farms)):
            await home.advertise(index)
        await async_until(lambda: worker._joined is not None
                          and all(node_id in f.nodes for f in farms), 30,
                          "joined one farm, seen by both")
        assert worker._joined is not None
        here, there = sorted(farms, key=lambda f: f.identity.fingerprint
                             != worker._joined.fingerprint)  # type: ignore[union-attr]
        for book in range(2):
            spoken = make_farm(tmp_path / f"book{book}", rate=ToneEngine.RATE, name=name)
            here.attach(spoken.job, spoken.scheduler, ToneEngine.RATE)
            await async_until(lambda: there.nodes[node_id].state is NodeState.AWAY, 20,
                              f"the other farm to hear of book {book + 1} at once")
            await async_until(lambda: _done(here), 60, "the book to be spoken")
            here.detach()
            await async_until(lambda: there.nodes[node_id].state is NodeState.READY, 20,
                              "the other farm to see it ready between books")
        worker.stop()  # Quit at the node's PC: both its farms say "stopped"
        await asyncio.gather(running, return_exceptions=True)
        assert [f.nodes[node_id].state for f in (here, there)] == [NodeState.LEFT] * 2
    finally:
        await home.wind_down()
    assert running.exception() is None


async def test_a_node_whose_farm_is_paused_helps_its_other_farm_with_a_book(
        tmp_path: Path) -> None:
    """Household test of the installed node: its farm A paused, it sat idle for half an
    hour ("vm is paused") while its other farm B waited on "0 % · 0:00 of audio"."""
    name = f"vm {secrets.token_hex(3)}"
    paused = make_farm(tmp_path / "a", rate=ToneEngine.RATE, name=name,
                       book=small_book(chapters=3))
    paused.pause()
    seen_on_a: list[Event] = []
    paused.emit = seen_on_a.append
    waiting = make_farm(tmp_path / "b", rate=ToneEngine.RATE, name=name,
                        book=small_book(chapters=2))
    home = await _household(tmp_path, name, [paused, waiting])
    worker, running = home.worker, home.running
    node_id = worker.identity.node_id
    try:
        await home.advertise(0)
        await async_until(lambda: node_id in paused.nodes
                          and paused.nodes[node_id].state is NodeState.PAUSED, 30,
                          "the node to wait on paused farm A")
        await home.advertise(1)
        await async_until(lambda: _done(waiting), 60, "farm B's book to be spoken")
        assert NodeLeft(node_id, "den-pc", "another farm") in seen_on_a
        assert paused.nodes[node_id].state is NodeState.AWAY  # "helping another farm"
        assert paused.job.store.counts()["done"] == 0  # nothing of A's was taken along
        paused.resume()  # back at A: the node comes back once B's book is over
        waiting.detach()
        await async_until(lambda: _done(paused), 60, "farm A's book, resumed, to be spoken")
    finally:
        await home.wind_down()
    assert running.exception() is None
