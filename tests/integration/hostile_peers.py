"""A real coordinator (its FarmServer: TLS, guard, log filters) and the junk peers send it.

Each attack is one raw request over TLS, written byte by byte as a hostile machine
would (non-ASCII headers, bodies that stop, resets), from one of many loopback
addresses; it returns the HTTP status, or None when the connection was closed.
The coordinator's log is captured from its own threads only, so the attacker's
side never counts.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
import ssl
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from spake2 import SPAKE2_A

from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.quiet_logs import PeerErrorLog
from e2a_desktop.farm.server import FarmServer
from e2a_node.auth import COORDINATOR_PAKE_ID, body_digest, new_nonce, sign
from e2a_node.client import CoordinatorClient
from e2a_node.protocol import (
    API,
    AUTH_HEADER,
    CHECKSUM_HEADER,
    NODE_HEADER,
    NONCE_HEADER,
    PROTOCOL_VERSION,
    SPANS_HEADER,
    TIME_HEADER,
    VERSION_HEADER,
    Capabilities,
)
from tests.helpers.farm_fixtures import CODE, make_farm, speech_like_wav

CAPS = Capabilities("tester", "cpu", {"piper": ["en_US-joe-medium"]})
CLIENT_TLS = ssl.create_default_context()
CLIENT_TLS.check_hostname = False
CLIENT_TLS.verify_mode = ssl.CERT_NONE
SERVER_THREADS = ("e2a-",)
"""The coordinator's threads (its loop, its store); the attacker's records do not count."""


class ServerLog(logging.Handler):
    """Every record the coordinator's threads log, at any level, as the lines it would write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("e2a.node"):
            return  # a node's words (a node thread an earlier test left still retrying)
        if record.threadName.startswith(SERVER_THREADS) or record.name.startswith("e2a_desktop"):
            self.lines.extend(self.format(record).splitlines())

    @property
    def tracebacks(self) -> int:
        return sum(1 for line in self.lines if line.startswith("Traceback"))

    @property
    def size(self) -> int:
        return sum(len(line) + 1 for line in self.lines)


@dataclass
class Coordinator:
    """The farm, its server on loopback, and one node paired with it that holds a unit."""

    farm: Farm
    server: FarmServer
    port: int
    peer_log: PeerErrorLog
    node_id: str = ""
    secret: str = ""
    unit_id: int = 0
    sentences: int = 0
    sources: int = 1
    """Attacks come from this many loopback addresses (127.0.0.2, .3, …), in turn."""
    _next: int = field(default=0)

    def source(self) -> str:
        self._next += 1
        return f"127.0.0.{2 + self._next % self.sources}"

    def hold(self) -> None:
        """The node holds its unit again, unbenched: each upload attack reaches the checks."""
        with self.farm._lock:
            stats = self.farm.nodes[self.node_id]
            stats.bad_uploads = 0
            stats.given.add(self.unit_id)

    def spans(self, seconds: float) -> str:
        n = self.sentences
        return json.dumps([[round(seconds * i / n, 3), round(seconds * (i + 1) / n, 3)]
                           for i in range(n)])

    def signed(self, method: str, path: str, body: bytes = b"", digest: str | None = None,
               extra: str = "", token: str | None = None) -> dict[str, str]:
        stamp, nonce, digest = int(time.time()), new_nonce(), digest or body_digest(body)
        return {NODE_HEADER: self.node_id, TIME_HEADER: str(stamp), NONCE_HEADER: nonce,
                CHECKSUM_HEADER: digest,
                AUTH_HEADER: token or sign(self.secret, method, path, self.node_id, stamp,
                                           nonce, digest, extra)}


async def async_start(folder: Path, peer_log: PeerErrorLog) -> Coordinator:
    farm = make_farm(folder)
    server = FarmServer(farm, 0, "127.0.0.1", advertise=False, peer_log=peer_log)
    port = await asyncio.to_thread(server.start)
    coordinator = Coordinator(farm, server, port, peer_log)
    async with aiohttp.ClientSession() as session:
        client = CoordinatorClient(session, f"https://127.0.0.1:{port}", "node-aaaa1111")
        paired = await client.async_pair("tester", CODE)
        client.secret = paired.secret
        client.pin(paired.certificate)
        unit = (await client.async_lease(CAPS)).assignment
    assert unit is not None
    coordinator.node_id, coordinator.secret = client.node_id, paired.secret
    coordinator.unit_id, coordinator.sentences = unit.unit_id, len(unit.sentences)
    return coordinator


async def raw_request(coordinator: Coordinator, method: str, path: str,
                      headers: dict[str, str | bytes], body: bytes = b"", *,
                      send: int | None = None, reset: bool = False,
                      reset_once: Callable[[], bool] | None = None) -> int | None:
    """One request over TLS; ``send``: only that many body bytes, then wait for the answer;
    ``reset``: send them, then reset the connection (no answer) as soon as ``reset_once``
    holds (so the reset lands where the attack means it to, not before the coordinator
    has read the request)."""
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", coordinator.port, ssl=CLIENT_TLS,
            local_addr=(coordinator.source(), 0))
    except OSError:
        return None
    head = (f"{method} {path} HTTP/1.1\r\nHost: farm\r\nConnection: close\r\n"
            f"{VERSION_HEADER}: {PROTOCOL_VERSION}\r\nContent-Length: {len(body)}\r\n").encode()
    for name, value in headers.items():
        head += name.encode() + b": " + (value if isinstance(value, bytes)
                                         else value.encode()) + b"\r\n"
    try:
        writer.write(head + b"\r\n" + (body if send is None else body[:send]))
        await writer.drain()
        if reset:
            deadline = time.monotonic() + 30
            while reset_once is not None and not reset_once() and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return None
        line = await asyncio.wait_for(reader.readline(), 30)
        return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None
    except (OSError, TimeoutError, ValueError, IndexError):
        return None
    finally:
        writer.close()


Attack = Callable[[Coordinator], Awaitable["int | None"]]


async def non_ascii_pairing_proof(c: Coordinator) -> int | None:
    """Pair (a guess), then confirm with a proof of non-ASCII text."""
    node = f"node-{new_nonce()[:12]}"
    pake = SPAKE2_A(b"111111", idA=node.encode(), idB=COORDINATOR_PAKE_ID)
    opening = json.dumps({"node_id": node, "name": "x",
                          "message": base64.b64encode(pake.start()).decode()}).encode()
    await raw_request(c, "POST", f"{API}/pair", {"Content-Type": "application/json"}, opening)
    proof = json.dumps({"node_id": node, "proof": "é" * 64}, ensure_ascii=False).encode()
    return await raw_request(c, "POST", f"{API}/pair/confirm",
                             {"Content-Type": "application/json"}, proof)


async def slow_pair_body(c: Coordinator) -> int | None:
    body = b'{"node_id": "node-slow0001", "name": "x", "message": ""}'
    return await raw_request(c, "POST", f"{API}/pair", {"Content-Type": "application/json"},
                             body, send=1)


async def non_ascii_auth(c: Coordinator) -> int | None:
    """A signature of non-ASCII text, naming the paired node (whose id /status shows)."""
    headers: dict[str, str | bytes] = {**c.signed("GET", f"{API}/job", token="é" * 64)}
    return await raw_request(c, "GET", f"{API}/job", headers)


async def huge_fmt_chunk(c: Coordinator) -> int | None:
    """The node's upload: a WAV whose fmt chunk claims 0xfffffff0 bytes."""
    c.hold()
    wav = bytearray(speech_like_wav(3.0))
    wav[16:20] = struct.pack("<I", 0xFFFFFFF0)
    path, spans = f"{API}/units/{c.unit_id}/audio", c.spans(3.0)
    headers: dict[str, str | bytes] = {**c.signed("PUT", path, bytes(wav), extra=spans),
                                       SPANS_HEADER: spans}
    return await raw_request(c, "PUT", path, headers, bytes(wav))


async def non_ascii_checksum(c: Coordinator) -> int | None:
    """A request signed over a body digest of non-ASCII text (the signature is right)."""
    path = f"{API}/lease"
    headers: dict[str, str | bytes] = {**c.signed("POST", path, digest="é" * 64)}
    return await raw_request(c, "POST", path, headers, b"{}")


async def deeply_nested_timings(c: Coordinator) -> int | None:
    c.hold()
    wav, spans = speech_like_wav(3.0), "[" * 3000 + "]" * 3000
    path = f"{API}/units/{c.unit_id}/audio"
    headers: dict[str, str | bytes] = {**c.signed("PUT", path, wav, extra=spans),
                                       SPANS_HEADER: spans}
    return await raw_request(c, "PUT", path, headers, wav)


async def slow_lease_body(c: Coordinator) -> int | None:
    body = json.dumps(CAPS.to_json()).encode()
    path = f"{API}/lease"
    headers: dict[str, str | bytes] = {**c.signed("POST", path, body),
                                       "Content-Type": "application/json"}
    return await raw_request(c, "POST", path, headers, body, send=5)


async def reset_mid_upload(c: Coordinator) -> int | None:
    c.hold()
    wav, spans = speech_like_wav(3.0), c.spans(3.0)
    path = f"{API}/units/{c.unit_id}/audio"
    headers: dict[str, str | bytes] = {**c.signed("PUT", path, wav, extra=spans),
                                       SPANS_HEADER: spans}
    receiving = c.farm.upload_tmp(c.unit_id, c.node_id)  # exists while the body streams in
    return await raw_request(c, "PUT", path, headers, wav, send=len(wav) // 2, reset=True,
                             reset_once=receiving.exists)


ATTACKS: dict[str, Attack] = {
    "non-ASCII pairing proof": non_ascii_pairing_proof,
    "slow /pair body": slow_pair_body,
    "non-ASCII X-E2A-Auth": non_ascii_auth,
    "fmt chunk of 0xfffffff0 bytes": huge_fmt_chunk,
    "signed non-ASCII checksum": non_ascii_checksum,
    "3,000-deep timings": deeply_nested_timings,
    "slow /lease body": slow_lease_body,
    "reset mid-upload": reset_mid_upload,
}
QUIET_CLOSE = {"reset mid-upload"}
"""Attacks that get no answer: the peer itself hung up."""
