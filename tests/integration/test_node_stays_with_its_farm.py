"""A node stays with its farm: other farms on the LAN, of one name or hostile, never take it.

Real farms served over TLS on loopback and advertised by mDNS on 127.0.0.1, under a
name unique to this test (other e2a farms on this machine are never considered).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import Farm
from e2a_node.client import CoordinatorClient
from e2a_node.discovery import Advertiser
from e2a_node.protocol import API, PROTOCOL_VERSION
from e2a_node.trust import TrustedCoordinator
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine, tone_voice
from tests.helpers.farm_fixtures import CODE, make_farm, tls_context
from tests.helpers.polling import async_until
from tests.helpers.recorder import StateRecorder

NEIGHBOURS_CODE = "111222"



def _pair_counter(asked: list[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def count(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
                    ) -> web.StreamResponse:
        if request.path == f"{API}/pair":
            asked.append(request.path)
        return await handler(request)
    return count


async def _serve(farm: Farm, asked: list[str] | None = None) -> TestServer:
    app = create_app(farm)
    if asked is not None:
        app.middlewares.append(_pair_counter(asked))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    return server


def _done(farm: Farm) -> bool:
    counts = farm.job.store.counts()
    return counts["pending"] == counts["leased"] == 0


async def test_a_code_finds_its_farm_among_two_of_one_name_and_the_node_stays(
        tmp_path: Path) -> None:
    """Two farms named alike; the neighbour's advert is seen first. The --code node tries
    its code there (refused), joins its own farm, speaks its book, and never exits or
    tries the neighbour again, through a second book."""
    name = f"vm {secrets.token_hex(3)}"
    neighbour = make_farm(tmp_path / "neighbour", rate=ToneEngine.RATE, name=name,
                          code=NEIGHBOURS_CODE)
    mine = make_farm(tmp_path / "mine", rate=ToneEngine.RATE, name=name)
    asked: list[str] = []
    neighbour_server, my_server = await _serve(neighbour, asked), await _serve(mine)
    adverts = [Advertiser(["127.0.0.1"]), Advertiser(["127.0.0.1"])]
    states = StateRecorder()
    worker = NodeWorker(NodeConfig(tmp_path / "node", name="pc2", code=CODE, farm_name=name,
                                   mdns_interfaces=["127.0.0.1"]),
                        engine_factory=tone_voice, on_state=states)
    running = asyncio.create_task(worker.async_run())
    try:
        await adverts[0].async_start(name, neighbour_server.port,
                                     neighbour.identity.fingerprint)
        await async_until(lambda: any("refused the code" in s.last_error for s in states.seen), 30,
                     "the neighbour to refuse the code")
        assert not running.done()  # a wrong farm's "no" is not a reason to exit
        await adverts[1].async_start(name, my_server.port, mine.identity.fingerprint)
        await async_until(lambda: _done(mine), 60, "my farm's book to be spoken")
        assert [t.fingerprint for t in worker.trust.all().values()] == \
            [mine.identity.fingerprint]

        second = make_farm(tmp_path / "second", rate=ToneEngine.RATE, name=name)
        mine.detach()
        mine.attach(second.job, second.scheduler, ToneEngine.RATE)
        await async_until(lambda: _done(mine), 60, "the second book to be spoken")
        assert not running.done()
    finally:
        worker.stop()
        await asyncio.gather(running, return_exceptions=True)
        for advert in adverts:
            await advert.async_close()
        await neighbour_server.close()
        await my_server.close()
    assert running.exception() is None
    assert asked == [f"{API}/pair"]  # the code was tried on the neighbour once, never again
    assert neighbour.job.store.counts()["done"] == 0


async def _junk(_r: web.Request) -> web.Response:
    return web.Response(body=b"\x00\xffnot json at all", content_type="application/json")


async def _deep(_r: web.Request) -> web.Response:
    return web.Response(body=b"[" * 200_000 + b"]" * 200_000, content_type="application/json")


def _hello(protocol: int, fingerprint: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def hello(_r: web.Request) -> web.Response:
        return web.json_response({"protocol": protocol, "coordinator_id": "c-fake",
                                  "name": "Test Farm", "fingerprint": fingerprint})
    return hello


@pytest.mark.parametrize("answer, said", [
    ("junk", "not a farm's"),
    ("deep", "not a farm's"),
    ("new key", "not paired with farm"),
    ("other protocol", "protocol version mismatch"),
])
async def test_what_a_fake_farm_answers_never_stops_a_paired_node(
        tmp_path: Path, answer: str, said: str, caplog: pytest.LogCaptureFixture) -> None:
    """Whatever answers on the paired farm's address is logged and left alone a while."""
    farm = make_farm(tmp_path / "farm", rate=ToneEngine.RATE)
    handlers = {"junk": _junk, "deep": _deep,
                "new key": _hello(PROTOCOL_VERSION, "f" * 16),
                "other protocol": _hello(PROTOCOL_VERSION + 7, farm.identity.fingerprint)}
    fake = web.Application()
    fake.router.add_get(f"{API}/hello", handlers[answer])
    server = TestServer(fake, host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    url = f"https://127.0.0.1:{server.port}"
    states = StateRecorder()
    worker = NodeWorker(NodeConfig(tmp_path / "node", name="pc2", url=url),
                        engine_factory=tone_voice, on_state=states)
    real = await _serve(farm)
    async with aiohttp.ClientSession() as session:  # paired with the real farm, earlier
        paired = await CoordinatorClient(session, str(real.make_url("")),
                                         worker.identity.node_id).async_pair("pc2", CODE)
    await real.close()
    worker.trust.remember(TrustedCoordinator(paired.coordinator_id, paired.fingerprint,
                                             paired.name, paired.secret, paired.certificate))
    running = asyncio.create_task(worker.async_run())
    try:
        with caplog.at_level(logging.DEBUG, logger="e2a.node"):
            await async_until(lambda: any(said in s.last_error for s in states.seen), 30, said)
            assert not running.done()
    finally:
        worker.stop()
        await asyncio.gather(running, return_exceptions=True)
        await server.close()
    assert running.exception() is None
    assert [t.fingerprint for t in worker.trust.all().values()] == [farm.identity.fingerprint]
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info]
    assert loud == []  # one line, no traceback
