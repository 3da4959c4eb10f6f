"""One paired node's keep-alive connections cannot lock a new node out (farm hardening,
round two, finding 3). Real processes on loopback, the coordinator under `ulimit -n 1024`.

Once a paired node held 768 authenticated keep-alive connections, which filled the cap
and which the guard never dropped: an honest node got "connection reset" for 120 s and
gave up. Now a node keeps a handful, and the rest are closed as it proves them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import ssl
import threading
from pathlib import Path

import aiohttp
import pytest
from mutagen.mp4 import MP4

from e2a_node.auth import auth_headers
from e2a_node.client import CoordinatorClient
from e2a_node.protocol import API, PROTOCOL_VERSION, VERSION_HEADER
from tests.conftest import SAMPLE_TITLES
from tests.integration.farm_procs import (
    CODE,
    exit_code,
    free_port,
    start_coordinator,
    start_node,
    stop_all,
    wait_for,
)

pytestmark = pytest.mark.slow
HOG_CONNECTIONS = 900
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


class Hog:
    """A paired node that keeps opening authenticated keep-alive connections and holds them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.node_id = "node-hog00001"
        self.secret = ""
        self.held = 0
        self.connected = 0
        """Connections that carried an authenticated request."""
        self._turn = 0
        self.most_held = 0
        self.loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self.loop.run_until_complete,
                                        args=(self._async_main(),), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        self.loop.close()

    async def _async_main(self) -> None:
        async with aiohttp.ClientSession() as session:
            client = CoordinatorClient(session, f"https://127.0.0.1:{self.port}", self.node_id)
            self.secret = (await client.async_pair("hog", CODE)).secret
        tasks = [asyncio.create_task(self._async_hold()) for _ in range(HOG_CONNECTIONS)]
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _async_hold(self) -> None:
        """One connection, kept busy: a signed request every 20 s (so no keep-alive timeout
        ends it), reopened when the coordinator closes it."""
        while not self._stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, ssl=TLS, local_addr=(self._address(), 0))
            except OSError:
                await asyncio.sleep(5)  # the attacker's pace, not a wait on the server
                continue
            counted = False
            try:
                while True:
                    await self._async_ask(reader, writer)
                    if not counted:
                        self.connected += 1
                        counted, self.held = True, self.held + 1
                        self.most_held = max(self.most_held, self.held)
                    with contextlib.suppress(TimeoutError):
                        if await asyncio.wait_for(reader.read(1), 20) == b"":
                            break  # closed by the coordinator
            except (OSError, asyncio.IncompleteReadError, ssl.SSLError):
                pass
            finally:
                self.held -= counted
                writer.close()
            await asyncio.sleep(5)

    def _address(self) -> str:
        """One of eight addresses (a PC can have several), none the honest node's."""
        self._turn += 1
        return f"127.0.0.{2 + self._turn % 8}"

    async def _async_ask(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        path = f"{API}/job"
        headers = {VERSION_HEADER: str(PROTOCOL_VERSION),
                   **auth_headers(self.secret, "GET", path, self.node_id)}
        head = f"GET {path} HTTP/1.1\r\nHost: farm\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        writer.write(head.encode())
        await writer.drain()
        answer = await reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"Content-Length: (\d+)", answer, re.IGNORECASE)
        await reader.readexactly(int(length.group(1)) if length else 0)


def test_one_paired_nodes_keepalive_connections_do_not_lock_out_a_new_node(
        sample_book: Path, tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "book.m4b"
    coord = start_coordinator(sample_book, out, tmp_path / "coord", port, "--wait-nodes", "1",
                              log=tmp_path / "coord.log", fd_limit=1024)

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_for(listening, 60, "the coordinator to listen")
    hog = Hog(port)
    hog.start()
    # The cap under 1,024 descriptors is 768: once the hog has had that many, the cap
    # would be full of them if the coordinator let one node keep them all.
    wait_for(lambda: hog.connected >= 768, 240, "the hog's connections")
    node = start_node(tmp_path / "node", "honest", port=port, log=tmp_path / "node.log")
    try:
        assert coord.wait(timeout=300) == 0, (tmp_path / "coord.log").read_text()[-3000:]
        assert exit_code(node, 60, tmp_path / "node.log") == 0
    finally:
        hog.stop()
        stop_all(coord, node)
    assert "Traceback" not in (tmp_path / "coord.log").read_text()
    assert "paired with farm" in (tmp_path / "node.log").read_text()
    assert re.search(r"unit \d+ done", (tmp_path / "node.log").read_text()), \
        "the new node spoke units"
    assert [c.title for c in MP4(str(out)).chapters] == SAMPLE_TITLES
    assert hog.most_held < HOG_CONNECTIONS
