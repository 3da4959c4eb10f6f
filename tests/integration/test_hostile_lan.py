"""The farm attacked as a hostile machine on a home LAN would: loopback, real processes.

Each test re-runs one attack that once worked (see the farm-hardening issue) and
asserts what a user would notice now: the book is still finished, complete and
unpoisoned; the node keeps its farm; the wire shows nothing of the book.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from mutagen.mp4 import MP4

from e2a_desktop.ebook import read_book
from e2a_desktop.farm.app import create_app
from e2a_node.client import CoordinatorClient
from e2a_node.discovery import Advertiser
from e2a_node.protocol import API, PROTOCOL_VERSION
from e2a_node.trust import TrustedCoordinator
from e2a_node.worker import NodeConfig, NodeWorker
from tests.conftest import SAMPLE_TITLES
from tests.helpers.fakes import ToneEngine, tone_voice
from tests.helpers.farm_fixtures import CODE, impostor_tls_context, make_farm, tls_context
from tests.helpers.recorder import StateRecorder
from tests.integration.farm_procs import (
    exit_code,
    free_port,
    start_coordinator,
    start_node,
    stop_all,
)

pytestmark = pytest.mark.slow


class LoopThread:
    """An asyncio loop on its own thread, for attackers and relays beside real processes."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: object, timeout: float = 60) -> object:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)  # type: ignore[arg-type]

    def close(self) -> None:
        """Cancel whatever still runs there, then stop and close the loop."""
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(cancel_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


class Relay:
    """A machine in the middle: forwards node ↔ coordinator bytes and keeps a copy."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.captured = bytearray()
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                while data := await src.read(65536):
                    self.captured += data
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(OSError):
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


def test_a_relay_in_the_middle_learns_no_word_of_the_book(
        sample_book: Path, tmp_path: Path, loop_thread: LoopThread) -> None:
    """Pairing, job, units and audio all pass through a relay that records every byte."""
    port = free_port()
    out = tmp_path / "book.m4b"
    relay = Relay(port)
    relay_port = loop_thread.run(relay.start())
    coord = start_coordinator(sample_book, out, tmp_path / "coord", port, "--wait-nodes", "1",
                              log=tmp_path / "coord.log")
    node = start_node(tmp_path / "node", "relayed", port=relay_port, log=tmp_path / "node.log")
    try:
        assert coord.wait(timeout=240) == 0, (tmp_path / "coord.log").read_text()
        assert exit_code(node, 60, tmp_path / "node.log") == 0
    finally:
        stop_all(coord, node)
        loop_thread.run(relay.stop())
    assert "paired with farm" in (tmp_path / "node.log").read_text()
    assert re.search(r"unit \d+ done", (tmp_path / "node.log").read_text()), \
        "the node spoke units (they went to it first while the farm waited)"
    captured = bytes(relay.captured)
    assert len(captured) > 20_000  # the job, its units and their audio went through
    book = read_book(sample_book)
    words = {w for chapter in book.chapters for w in re.findall(r"[A-Za-z]{6,}", chapter.text)}
    words |= {book.metadata.title}
    assert words and not [w for w in words if w.encode() in captured]
    assert [c.title for c in MP4(str(out)).chapters] == SAMPLE_TITLES


def test_the_coordinator_outlives_2000_idle_connections_at_the_1024_descriptor_limit(
        sample_book: Path, tmp_path: Path, loop_thread: LoopThread) -> None:
    """Once 1,100 idle connections crashed `e2a convert` in 2 s; now it finishes the book."""
    port = free_port()
    out = tmp_path / "book.m4b"
    coord = start_coordinator(sample_book, out, tmp_path / "coord", port, "--wait-nodes", "1",
                              log=tmp_path / "coord.log", fd_limit=1024)
    stop = asyncio.Event()
    opened: list[int] = [0]

    async def hold(i: int) -> None:
        """One hostile connection, from one of 200 addresses, reopened whenever dropped."""
        source = (f"127.0.0.{2 + i % 200}", 0)
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                               local_addr=source)
            except OSError:
                await asyncio.sleep(0.2)
                continue
            opened[0] += 1
            try:
                with contextlib.suppress(OSError, TimeoutError):
                    await asyncio.wait_for(reader.read(1), 30)  # idle till the server drops it
            finally:
                writer.close()

    async def attack() -> list[asyncio.Task[None]]:
        return [asyncio.create_task(hold(i)) for i in range(2000)]

    def wait_port() -> bool:
        import socket
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    from tests.integration.farm_procs import wait_for
    wait_for(wait_port, 60, "the coordinator to listen")
    tasks = loop_thread.run(attack())
    wait_for(lambda: opened[0] >= 2000, 60, "2,000 hostile connections")
    node = start_node(tmp_path / "node", "honest", port=port, log=tmp_path / "node.log")
    try:
        assert coord.wait(timeout=300) == 0, (tmp_path / "coord.log").read_text()[-3000:]
        assert exit_code(node, 60, tmp_path / "node.log") == 0
    finally:
        loop_thread.loop.call_soon_threadsafe(stop.set)
        for task in tasks:  # type: ignore[attr-defined]
            loop_thread.loop.call_soon_threadsafe(task.cancel)
        stop_all(coord, node)
    log = (tmp_path / "coord.log").read_text()
    assert "Traceback" not in log
    assert "paired with farm" in (tmp_path / "node.log").read_text()
    assert [c.title for c in MP4(str(out)).chapters] == SAMPLE_TITLES


def _fake_app(answer: str) -> web.Application:
    """A farm impostor with the real farm's public identity that answers badly."""
    async def hello(_request: web.Request) -> web.Response:
        return web.json_response({"protocol": PROTOCOL_VERSION + 1, "name": "Test Farm",
                                  "coordinator_id": "coord-fake", "fingerprint": "0" * 16})

    async def refuse(_request: web.Request) -> web.Response:
        return web.json_response({"error": "this node is not paired with this farm"},
                                 status=int(answer))

    app = web.Application()
    if answer == "hello":
        app.router.add_get(f"{API}/hello", hello)
    app.router.add_route("*", f"{API}/{{tail:.*}}", refuse)
    return app


@pytest.mark.parametrize("answer", ["401", "404", "409", "hello"])
async def test_a_fake_farm_never_unpairs_or_stops_a_node(tmp_path: Path, answer: str) -> None:
    """A copy of the farm's advert answering 401/404/409 or another protocol: the node
    keeps its trust file as it was, and goes on to work for the real farm."""
    farm = make_farm(tmp_path / "farm", rate=ToneEngine.RATE)
    real = TestServer(create_app(farm), host="127.0.0.1")
    await real.start_server(ssl=tls_context(farm))
    fake = TestServer(_fake_app(answer), host="127.0.0.1")
    await fake.start_server(ssl=impostor_tls_context(tmp_path / "fake"))
    states = StateRecorder()
    worker = NodeWorker(NodeConfig(tmp_path / "node", name="pc2", mdns_interfaces=["127.0.0.1"],
                                   one_job=True), engine_factory=tone_voice, on_state=states)
    async with aiohttp.ClientSession() as session:
        paired = await CoordinatorClient(session, str(real.make_url("")),
                                         worker.identity.node_id).async_pair("pc2", CODE)
    worker.trust.remember(TrustedCoordinator(paired.coordinator_id, paired.fingerprint,
                                             paired.name, paired.secret, paired.certificate))
    trust_before = worker.trust.path.read_bytes()
    ident = farm.identity
    fake_advert, real_advert = Advertiser(["127.0.0.1"]), Advertiser(["127.0.0.1"])
    await fake_advert.async_start(ident.name, fake.port, ident.fingerprint)
    running = asyncio.create_task(worker.async_run())
    try:
        fake_url = f"https://127.0.0.1:{fake.port}"
        for _ in range(400):  # the node meets the fake first, alone on the network
            if any(fake_url in s.last_error for s in states.seen) or running.done():
                break
            await asyncio.sleep(0.05)
        assert not running.done(), "the node kept running"
        assert worker.trust.path.read_bytes() == trust_before
        await real_advert.async_start(ident.name, real.port, ident.fingerprint)
        await asyncio.wait_for(running, 90)
    finally:
        worker.stop()
        await asyncio.gather(running, return_exceptions=True)
        await fake_advert.async_close()
        await real_advert.async_close()
        await fake.close()
        await real.close()
    assert worker.trust.path.read_bytes() == trust_before
    counts = farm.job.store.counts()
    assert counts["pending"] == counts["leased"] == 0 and counts["done"] > 0
    farm.job.close()
