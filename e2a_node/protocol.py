"""The wire protocol between coordinator and nodes: the one place that knows JSON shapes.

HTTP/JSON under /api/v1. Every request and response carries the protocol version
in a header; a peer of another version is refused with a message that says so.

    GET  /hello                    public: who the coordinator is (name, key fingerprint)
    POST /pair, /pair/confirm      public: SPAKE2 over the farm code, then the node's proof
    GET  /job                      the voice settings and sample rate of the job
    POST /lease                    capabilities in; a unit, "wait", or "done" out
    POST /units/{id}/heartbeat     keep the lease; answers whether to keep going
    POST /units/{id}/release       a stopping node hands its unit back
    PUT  /units/{id}/audio         the unit's WAV, sentence spans in a header
    GET  /status                   job and per-node figures

Everything but /hello and /pair* is signed by the node (request line, time and
body digest, HMAC with its pairing secret) and answered with a proof that the
coordinator holds that secret too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from .engines.base import VoiceSettings

PROTOCOL_VERSION = 1
API = "/api/v1"
SERVICE_TYPE = "_e2a._tcp.local."

VERSION_HEADER = "X-E2A-Protocol"
NODE_HEADER = "X-E2A-Node"
TIME_HEADER = "X-E2A-Time"
AUTH_HEADER = "X-E2A-Auth"
CHECKSUM_HEADER = "X-E2A-SHA256"
SPANS_HEADER = "X-E2A-Spans"
PROOF_HEADER = "X-E2A-Proof"

AUTH_WINDOW_S = 300
"""A signed request older or newer than this is refused (replay protection)."""


class ProtocolError(ValueError):
    """A message that does not have the expected shape."""


def _require(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict) or key not in data or not isinstance(data[key], kind):
        raise ProtocolError(f"field '{key}' is missing or has the wrong type")
    return data[key]


def body_digest(body: bytes) -> str:
    """SHA-256 of a request or response body, as it travels in CHECKSUM_HEADER."""
    return hashlib.sha256(body).hexdigest()


def sign(secret: str, method: str, path: str, node_id: str, timestamp: int,
         digest: str) -> str:
    """The per-request token: an HMAC of the request line and body, keyed by the pairing secret.

    The body enters by its digest, so a streamed upload can be signed before it is
    sent and checked against the same digest as it arrives.
    """
    message = f"{method.upper()}\n{path}\n{node_id}\n{timestamp}\n{digest}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def auth_headers(secret: str, method: str, path: str, node_id: str, body: bytes = b"",
                 now: float | None = None) -> dict[str, str]:
    """Headers that authenticate a node's request (and its body) to the coordinator."""
    timestamp = int(now if now is not None else time.time())
    digest = body_digest(body)
    return {NODE_HEADER: node_id, TIME_HEADER: str(timestamp), CHECKSUM_HEADER: digest,
            AUTH_HEADER: sign(secret, method, path, node_id, timestamp, digest)}


def response_proof(secret: str, request_token: str, body: bytes) -> str:
    """The coordinator's answer to a signed request proves it holds the node's secret.

    Without it a node that auto-joins by the advertised fingerprint (which is
    public) would work for anyone who copies that fingerprint into their own advert.
    """
    message = f"coordinator\n{request_token}\n{body_digest(body)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def fingerprint(key: bytes) -> str:
    """Short public fingerprint of a coordinator key (shown and advertised)."""
    return hashlib.sha256(key).hexdigest()[:16]


@dataclass(frozen=True)
class Hello:
    """Public, unauthenticated: who the coordinator is (no book text, no settings)."""

    protocol: int
    coordinator_id: str
    name: str
    fingerprint: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Hello:
        return cls(_require(data, "protocol", int), _require(data, "coordinator_id", str),
                   _require(data, "name", str), _require(data, "fingerprint", str))


COORDINATOR_PAKE_ID = b"e2a-coordinator"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ProtocolError(f"field '{what}' is not base64") from None


def pairing_keys(shared: bytes) -> tuple[str, str, str]:
    """From the PAKE's shared key: the node's secret, and each side's proof of the key.

    The secret never crosses the wire: both sides derive it, and only someone who
    knew the farm code can. A wrong code on either side shows as a proof mismatch.
    """
    def derive(label: str) -> str:
        return hmac.new(shared, label.encode(), hashlib.sha256).hexdigest()

    return derive("e2a node secret"), derive("e2a coordinator proof"), derive("e2a node proof")


def _node_id(data: Any) -> str:
    node_id = _require(data, "node_id", str)
    if not 8 <= len(node_id) <= 64 or not all(c.isalnum() or c in "-_" for c in node_id):
        raise ProtocolError("node_id must be 8–64 letters, digits, '-' or '_'")
    return str(node_id)


@dataclass(frozen=True)
class PairRequest:
    """A node's opening PAKE (SPAKE2) message, made from the farm code it was given."""

    node_id: str
    name: str
    message: bytes

    def to_json(self) -> dict[str, Any]:
        return {"node_id": self.node_id, "name": self.name, "message": _b64(self.message)}

    @classmethod
    def from_json(cls, data: Any) -> PairRequest:
        return cls(_node_id(data), _require(data, "name", str)[:64],
                   _unb64(_require(data, "message", str), "message"))


@dataclass(frozen=True)
class PairResponse:
    """The coordinator's PAKE message and its proof that it holds the same code."""

    message: bytes
    proof: str
    coordinator_id: str
    fingerprint: str
    name: str

    def to_json(self) -> dict[str, Any]:
        return {"message": _b64(self.message), "proof": self.proof,
                "coordinator_id": self.coordinator_id, "fingerprint": self.fingerprint,
                "name": self.name}

    @classmethod
    def from_json(cls, data: Any) -> PairResponse:
        return cls(_unb64(_require(data, "message", str), "message"),
                   _require(data, "proof", str), _require(data, "coordinator_id", str),
                   _require(data, "fingerprint", str), _require(data, "name", str))


@dataclass(frozen=True)
class PairConfirm:
    """The node's proof that it holds the code too; only then is it paired."""

    node_id: str
    proof: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> PairConfirm:
        return cls(_node_id(data), _require(data, "proof", str))


def voice_to_json(voice: VoiceSettings) -> dict[str, Any]:
    return asdict(voice)


def voice_from_json(data: Any) -> VoiceSettings:
    try:
        return VoiceSettings(
            engine=_require(data, "engine", str), voice=_require(data, "voice", str),
            language=_require(data, "language", str),
            speed=float(_require(data, "speed", (int, float))),
            sentence_pause=float(_require(data, "sentence_pause", (int, float))),
            paragraph_pause=float(_require(data, "paragraph_pause", (int, float))))
    except ValueError as exc:
        raise ProtocolError(str(exc)) from None


@dataclass(frozen=True)
class JobInfo:
    """What a node needs to know to work on a job."""

    job_id: str
    title: str
    voice: VoiceSettings
    sample_rate: int

    def to_json(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "title": self.title, "voice": voice_to_json(self.voice),
                "sample_rate": self.sample_rate}

    @classmethod
    def from_json(cls, data: Any) -> JobInfo:
        return cls(_require(data, "job_id", str), _require(data, "title", str),
                   voice_from_json(_require(data, "voice", dict)),
                   _require(data, "sample_rate", int))


@dataclass(frozen=True)
class Capabilities:
    """What a node can speak with, sent with every lease request."""

    name: str
    device: str
    engines: dict[str, list[str]] = field(default_factory=dict)  # engine -> voices

    def can_speak(self, voice: VoiceSettings) -> bool:
        return voice.voice in self.engines.get(voice.engine, [])

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Capabilities:
        engines = _require(data, "engines", dict)
        if not all(isinstance(k, str) and isinstance(v, list) for k, v in engines.items()):
            raise ProtocolError("field 'engines' must map engine names to voice lists")
        return cls(_require(data, "name", str)[:64], _require(data, "device", str)[:32],
                   {k: [str(v) for v in vs] for k, vs in engines.items()})


@dataclass(frozen=True)
class Assignment:
    """One unit leased to a node."""

    unit_id: int
    chapter: int
    sentences: tuple[str, ...]
    breaks: tuple[bool, ...]
    lease_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"unit_id": self.unit_id, "chapter": self.chapter,
                "sentences": list(self.sentences), "breaks": list(self.breaks),
                "lease_seconds": self.lease_seconds}

    @classmethod
    def from_json(cls, data: Any) -> Assignment:
        sentences = _require(data, "sentences", list)
        breaks = _require(data, "breaks", list)
        if len(sentences) != len(breaks) or not all(isinstance(s, str) for s in sentences):
            raise ProtocolError("sentences and breaks must be lists of the same length")
        return cls(_require(data, "unit_id", int), _require(data, "chapter", int),
                   tuple(sentences), tuple(bool(b) for b in breaks),
                   float(_require(data, "lease_seconds", (int, float))))


LEASE_UNIT, LEASE_WAIT, LEASE_DONE = "unit", "wait", "done"


@dataclass(frozen=True)
class LeaseResponse:
    """A unit, or "wait" (nothing for you now, ask again later), or "done" (job over)."""

    status: str
    assignment: Assignment | None = None
    retry_after: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "retry_after": self.retry_after,
                "assignment": self.assignment.to_json() if self.assignment else None}

    @classmethod
    def from_json(cls, data: Any) -> LeaseResponse:
        status = _require(data, "status", str)
        if status not in (LEASE_UNIT, LEASE_WAIT, LEASE_DONE):
            raise ProtocolError(f"unknown lease status '{status}'")
        raw = data.get("assignment")
        assignment = Assignment.from_json(raw) if status == LEASE_UNIT else None
        return cls(status, assignment, float(data.get("retry_after", 1.0)))


@dataclass(frozen=True)
class HeartbeatResponse:
    """keep=False tells the node to drop the unit (finished elsewhere, or lease lost)."""

    keep: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> HeartbeatResponse:
        return cls(_require(data, "keep", bool))


@dataclass(frozen=True)
class UploadResponse:
    accepted: bool
    duplicate: bool = False
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> UploadResponse:
        return cls(_require(data, "accepted", bool), bool(data.get("duplicate", False)),
                   str(data.get("reason", "")))
