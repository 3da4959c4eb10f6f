"""HTTP client side of the protocol: signed requests, typed answers, clear failures."""

from __future__ import annotations

import hmac
import io
import json
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import aiohttp
from spake2 import SPAKE2_A
from spake2.spake2 import SPAKEError

from .auth import COORDINATOR_PAKE_ID, auth_headers, pairing_keys, response_proof
from .errors import E2AError
from .protocol import (
    API,
    AUTH_HEADER,
    CODE_USED,
    NOT_PAIRED,
    PROOF_HEADER,
    PROTOCOL_VERSION,
    SPANS_HEADER,
    VERSION_HEADER,
    Capabilities,
    Elsewhere,
    FarmStatus,
    HeardReport,
    Heartbeat,
    HeartbeatResponse,
    Hello,
    JobInfo,
    LeaseResponse,
    Leaving,
    NoJobYet,
    PairConfirm,
    PairRequest,
    PairResponse,
    UploadResponse,
)

TIMEOUT = aiohttp.ClientTimeout(total=60, connect=5)
PAIR_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)
"""Pairing answers at once (a PAKE step): a person is waiting on "Checking the code…"."""
MAX_JSON_BYTES = 1 << 20
"""The largest JSON answer a node reads: a farm's answers are a few kB (a unit's text)."""
MAX_RAW_BYTES = 64 << 20
"""The largest raw answer (a voice sample: 30 s of WAV is under 6 MB)."""


class CoordinatorGone(Exception):
    """The coordinator cannot be reached (stopped, restarting, network down)."""


class ProtocolMismatch(E2AError):
    """The coordinator speaks another protocol version: fatal, tell the user."""


class NotTheTrustedCoordinator(CoordinatorGone):
    """Something answered for a paired coordinator without its key: an impostor or a replay."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url} answers with the fingerprint of a paired farm but not with "
                         "its certificate or key; ignoring it (if that farm was reinstalled, "
                         "pair again: e2a-node --forget NAME, then --code CODE)")
        self.url = url


class Unauthorized(Exception):
    """The coordinator does not (or no longer) know this node, or refused the signature.

    ``proven``: the answer came over the coordinator's pinned TLS channel, so it
    really is the farm speaking; ``revoked``: it says it does not know this node
    (rather than, say, that the request's clock is off). Only both together may
    make a node forget a farm.
    """

    def __init__(self, reason: str, proven: bool = False) -> None:
        super().__init__(reason)
        self.proven = proven
        self.revoked = reason == NOT_PAIRED


class RequestRefused(Exception):
    """A 4xx answer other than the above; carries the coordinator's reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


class BadAnswer(RequestRefused):
    """The answer was not one a farm gives: junk, too deep, too large, or the wrong shape.

    Anything on the LAN can answer on a farm's address; such an answer is a reason
    to leave that address alone for a while, never to stop the node or to trace back.
    """

    def __init__(self, url: str, what: str) -> None:
        super().__init__(502, f"{url} gave an answer that is not a farm's ({what})")


_Decoded = TypeVar("_Decoded", covariant=True)


class _FromJson(Protocol[_Decoded]):
    def from_json(self, data: Any) -> _Decoded: ...


@dataclass(frozen=True)
class PairedCoordinator:
    """What pairing leaves a node with: its secret for this coordinator, and who it is."""

    secret: str
    coordinator_id: str
    fingerprint: str
    name: str
    certificate: str
    """SHA-256 of the coordinator's TLS certificate, proven by the PAKE: pin it."""


class CoordinatorClient:
    """One coordinator, as seen from one node."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, node_id: str,
                 secret: str | None = None, certificate: str | None = None) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.node_id = node_id
        self.secret = secret
        self._ssl: aiohttp.Fingerprint | bool = False  # TLS, not yet pinned: hello, pairing
        self.pinned = False
        """True once every request goes over TLS to the certificate pinned at pairing."""
        if certificate:
            self.pin(certificate)

    def pin(self, certificate: str) -> None:
        """From now on talk only to the TLS certificate with this SHA-256 (hex)."""
        self._ssl = aiohttp.Fingerprint(bytes.fromhex(certificate))
        self.pinned = True

    async def _request(self, method: str, path: str, *, json_body: Any = None,
                       data: bytes | None = None, headers: dict[str, str] | None = None,
                       signed: bool = True, raw: bool = False,
                       timeout: aiohttp.ClientTimeout = TIMEOUT) -> Any:
        full = f"{API}{path}"
        all_headers = {VERSION_HEADER: str(PROTOCOL_VERSION), **(headers or {})}
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        token = ""
        if signed and self.secret:
            auth = auth_headers(self.secret, method, full, self.node_id, data or b"",
                                extra=all_headers.get(SPANS_HEADER, ""))
            all_headers.update(auth)
            token = auth[AUTH_HEADER]
        try:
            payload_stream = io.BytesIO(data) if data is not None else None  # large: no copy
            async with self.session.request(method, self.base_url + full, data=payload_stream,
                                            headers=all_headers, timeout=timeout,
                                            ssl=self._tls()) as response:
                status = response.status
                body = await _read_capped(response, MAX_RAW_BYTES if raw and status < 400
                                          else MAX_JSON_BYTES, self.base_url)
                proof = response.headers.get(PROOF_HEADER, "")
        except (aiohttp.ServerFingerprintMismatch, aiohttp.ClientSSLError) as exc:
            if self.pinned:  # not the certificate this node paired with: not our farm
                raise NotTheTrustedCoordinator(self.base_url) from None
            raise CoordinatorGone(f"TLS failed: {exc}") from None
        except aiohttp.ClientConnectorError as exc:  # its str() names aiohttp's objects
            why = exc.os_error.strerror if exc.os_error.strerror else str(exc.os_error)
            raise CoordinatorGone(f"cannot connect to {exc.host}:{exc.port}: {why}") from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise CoordinatorGone(str(exc) or type(exc).__name__) from None
        return self._interpret(status, body, proof, token, raw)

    def _interpret(self, status: int, body: bytes, proof: str, token: str, raw: bool) -> Any:
        """The answer's payload, or the exception its status means."""
        try:
            payload = json.loads(body) if body and (status >= 400 or not raw) else {}
        except (ValueError, RecursionError):  # junk, or nested past Python's stack
            if 200 <= status < 300:
                raise BadAnswer(self.base_url, "not JSON") from None
            payload = {}
        reason = payload.get("error", "") if isinstance(payload, dict) else ""
        if status == 409 and "protocol" in reason:
            raise ProtocolMismatch(f"{self.base_url}: {reason}")
        if status == 401:
            raise Unauthorized(reason, proven=self.pinned)
        if status >= 500:
            raise CoordinatorGone(f"server error {status}")
        if status >= 400:
            raise RequestRefused(status, reason or f"HTTP {status}")
        if token and not hmac.compare_digest(proof, response_proof(str(self.secret), token,
                                                                   body)):
            raise NotTheTrustedCoordinator(self.base_url)
        return body if raw else payload

    def _decode(self, kind: _FromJson[_Decoded], payload: Any) -> _Decoded:
        """``kind.from_json(payload)``, where any failure is the farm's, not this node's."""
        try:
            return kind.from_json(payload)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise BadAnswer(self.base_url, str(exc)[:200] or type(exc).__name__) from None

    def _tls(self) -> aiohttp.Fingerprint | bool:
        """Pinned once paired; unverified TLS before (the PAKE proves who answers).

        (Only tests of the HTTP layer use http:// URLs; there this is not used.)
        """
        return self._ssl

    async def async_hello(self) -> Hello:
        hello = self._decode(Hello, await self._request("GET", "/hello", signed=False))
        if hello.protocol != PROTOCOL_VERSION:
            raise ProtocolMismatch(f"{self.base_url}: protocol version mismatch: the coordinator"
                                   f" speaks version {hello.protocol}, this node "
                                   f"{PROTOCOL_VERSION}; install the same e2a version on both")
        return hello

    async def async_pair(self, name: str, code: str) -> PairedCoordinator:
        """Pair with the farm code by PAKE: both sides end with this node's secret, unsent.

        The coordinator proves it holds the same code before this node proves it
        does, so a machine that is not the farm learns nothing it can test guesses on.
        """
        digits = "".join(ch for ch in code if ch.isdigit())
        pake = SPAKE2_A(digits.encode(), idA=self.node_id.encode(), idB=COORDINATOR_PAKE_ID)
        request = PairRequest(self.node_id, name, pake.start())
        answer = self._decode(PairResponse, await self._request("POST", "/pair",
                                                                json_body=request.to_json(),
                                                                signed=False,
                                                                timeout=PAIR_TIMEOUT))
        started = pake.serialize()  # one finish per answer: the farm may answer for two codes
        matched, secret, node_proof = False, "", ""
        for message, proof in ((answer.message, answer.proof), *answer.also):
            try:
                secret, coordinator_proof, node_proof = pairing_keys(
                    SPAKE2_A.from_serialized(started).finish(message), answer.certificate)
            except (ValueError, SPAKEError):
                continue
            matched = hmac.compare_digest(proof, coordinator_proof)
            if matched:
                break
        # Confirm either way: a failed attempt is closed now instead of at its timeout.
        confirm = PairConfirm(self.node_id, node_proof if matched else "")
        try:
            await self._request("POST", "/pair/confirm", json_body=confirm.to_json(),
                                signed=False, timeout=PAIR_TIMEOUT)
        except RequestRefused as exc:
            if matched and exc.status == 410:  # the right code, already spent by another PC
                raise RequestRefused(410, CODE_USED) from None
            matched = False
        if not matched:
            raise RequestRefused(403, "wrong farm code")
        return PairedCoordinator(secret, answer.coordinator_id, answer.fingerprint, answer.name,
                                 answer.certificate)

    async def async_job(self) -> JobInfo | None:
        """The farm's current book, or None while it has none."""
        payload = await self._request("GET", "/job")
        return None if NoJobYet.is_it(payload) else self._decode(JobInfo, payload)

    async def async_lease(self, caps: Capabilities) -> LeaseResponse:
        return self._decode(LeaseResponse, await self._request("POST", "/lease",
                                                               json_body=caps.to_json()))

    async def async_heartbeat(self, unit_id: int, done: int = 0,
                              total: int = 0) -> HeartbeatResponse:
        """Keep the lease; tell how many of the unit's sentences are spoken."""
        body = Heartbeat(done, total).to_json()
        return self._decode(
            HeartbeatResponse,
            await self._request("POST", f"/units/{unit_id}/heartbeat", json_body=body))

    async def async_hand_back(self, unit_id: int) -> None:
        """Give an unfinished unit back (this node is stopping)."""
        await self._request("POST", f"/units/{unit_id}/release", json_body={})

    async def async_elsewhere(self, busy: bool) -> JobInfo | None:
        """This farm's book, asked by a node joined to another of its farms (``Elsewhere``).
        A farm from before the question answers 404: it is asked ``GET /job`` instead."""
        try:
            payload = await self._request("POST", "/elsewhere",
                                          json_body=Elsewhere(busy).to_json())
        except RequestRefused as exc:
            if exc.status != 404:
                raise
            return await self.async_job()
        return None if NoJobYet.is_it(payload) else self._decode(JobInfo, payload)

    async def async_leaving(self, why: str) -> None:
        """Say goodbye between books: going to another farm, or stopping."""
        await self._request("POST", "/leaving", json_body=Leaving(why).to_json())

    async def async_upload(self, unit_id: int, wav: bytes,
                           spans: list[tuple[float, float]]) -> UploadResponse:
        headers = {SPANS_HEADER: json.dumps([[round(a, 3), round(b, 3)] for a, b in spans]),
                   "Content-Type": "audio/wav"}
        return self._decode(
            UploadResponse,
            await self._request("PUT", f"/units/{unit_id}/audio", data=wav, headers=headers))

    async def async_hearing_audio(self, unit_id: int) -> bytes:
        """The audio of a unit the farm lent this node to hear (raw WAV bytes)."""
        body: bytes = await self._request("GET", f"/units/{unit_id}/hearing", raw=True)
        return body

    async def async_heard(self, unit_id: int, report: HeardReport) -> bool:
        """Say what this node heard in a lent unit; False: the farm had it heard already."""
        answer = await self._request("POST", f"/units/{unit_id}/hearing",
                                     json_body=report.to_json())
        return isinstance(answer, dict) and answer.get("used") is True

    async def async_voice_sample(self, sample_id: str) -> bytes:
        """The job's reference recording, as the coordinator stored it (raw WAV bytes)."""
        body: bytes = await self._request("GET", f"/voice-samples/{sample_id}", raw=True)
        return body

    async def async_status(self) -> FarmStatus:
        return self._decode(FarmStatus, await self._request("GET", "/status"))


async def _read_capped(response: aiohttp.ClientResponse, limit: int, url: str) -> bytes:
    """The body, refused past ``limit`` bytes (a peer must not fill this PC's memory)."""
    if (response.content_length or 0) > limit:
        raise BadAnswer(url, f"{response.content_length} bytes")
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > limit:
            raise BadAnswer(url, f"over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
