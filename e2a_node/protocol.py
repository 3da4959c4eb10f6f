"""The wire protocol between coordinator and nodes: the one place that knows JSON shapes.

HTTP/JSON under /api/v1. Every request and response carries the protocol version
in a header; a peer of another version is refused with a message that says so.

    GET  /hello                    public: who the coordinator is (name, key fingerprint)
    POST /pair, /pair/confirm      public: SPAKE2 over the farm code, then the node's proof
    GET  /job                      the job's settings and sample rate (or: no job yet)
    POST /lease                    capabilities in; a unit, "wait", or "done" out
    POST /units/{id}/heartbeat     keep the lease; answers whether to keep going
    POST /units/{id}/release       a stopping node hands its unit back
    PUT  /units/{id}/audio         the unit's WAV, sentence spans in a header
    GET  /units/{id}/hearing       the audio of a unit this node was given to hear, raw WAV
    POST /units/{id}/hearing       what it heard (``--verify asr``): a transcript, no verdict
    GET  /voice-samples/{sha256}   the job's reference recording (cloning voices), raw WAV
    GET  /status                   job and per-node figures

Everything but /hello and /pair* is signed by the node (request line, time and
body digest, HMAC with its pairing secret) and answered with a proof that the
coordinator holds that secret too. The signing, proofs, fingerprint and pairing
key derivation, and what they guarantee, are in auth.py; this module only names
the headers they travel in.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from typing import Any

from .settings import Break, EngineSettings, SettingsError, SpeechSettings

PROTOCOL_VERSION = 2
API = "/api/v1"
SERVICE_TYPE = "_e2a._tcp.local."

VERSION_HEADER = "X-E2A-Protocol"
NODE_HEADER = "X-E2A-Node"
TIME_HEADER = "X-E2A-Time"
AUTH_HEADER = "X-E2A-Auth"
CHECKSUM_HEADER = "X-E2A-SHA256"
SPANS_HEADER = "X-E2A-Spans"
PROOF_HEADER = "X-E2A-Proof"
NONCE_HEADER = "X-E2A-Nonce"

MAX_RETRY_AFTER_S = 60.0
"""The longest "ask again after" a node heeds (a farm's number is not trusted further)."""

NOT_PAIRED = "this node is not paired with this farm"
"""The 401 reason that means revoked (as opposed to a bad signature or a stale clock)."""

CODE_USED = ("that one-time code was already used by another PC; ask the desktop for a new "
             "one (Pair a node)")
"""What a node says when the farm answers its pairing 410: the code was right, but the
one-time code had been spent (the node says its own words, not the peer's)."""


class ProtocolError(ValueError):
    """A message that does not have the expected shape."""


def _require(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict) or key not in data or not isinstance(data[key], kind):
        raise ProtocolError(f"field '{key}' is missing or has the wrong type")
    return data[key]


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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ProtocolError(f"field '{what}' is not base64") from None


def _node_id(data: Any) -> str:
    node_id = _require(data, "node_id", str)
    if not 8 <= len(node_id) <= 64 or not node_id.isascii() \
            or not all(c.isalnum() or c in "-_" for c in node_id):
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
    certificate: str
    """SHA-256 (hex) of the coordinator's TLS certificate, which the node will pin."""
    also: tuple[tuple[bytes, str], ...] = ()
    """(message, proof) for another code the farm accepts now: its standing code while
    a one-time one is open. A node tries each; one that reads only the first still works."""

    def to_json(self) -> dict[str, Any]:
        return {"message": _b64(self.message), "proof": self.proof,
                "coordinator_id": self.coordinator_id, "fingerprint": self.fingerprint,
                "name": self.name, "certificate": self.certificate,
                "also": [{"message": _b64(m), "proof": p} for m, p in self.also]}

    @classmethod
    def from_json(cls, data: Any) -> PairResponse:
        certificate = _require(data, "certificate", str)
        if len(certificate) != 64 or not all(c in "0123456789abcdef" for c in certificate):
            raise ProtocolError("certificate must be a SHA-256 in hex")
        also = data.get("also", [])
        if not isinstance(also, list) or len(also) > 4:
            raise ProtocolError("field 'also' must be a short list")
        return cls(_unb64(_require(data, "message", str), "message"),
                   _require(data, "proof", str), _require(data, "coordinator_id", str),
                   _require(data, "fingerprint", str), _require(data, "name", str),
                   certificate, tuple((_unb64(_require(a, "message", str), "message"),
                                       _require(a, "proof", str)) for a in also))


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


@dataclass(frozen=True)
class JobInfo:
    """What a node needs to know to work on a job."""

    job_id: str
    title: str
    settings: SpeechSettings
    sample_rate: int

    def to_json(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "title": self.title, "settings": self.settings.to_json(),
                "sample_rate": self.sample_rate}

    @classmethod
    def from_json(cls, data: Any) -> JobInfo:
        try:
            settings = SpeechSettings.from_json(_require(data, "settings", dict))
        except SettingsError as exc:
            raise ProtocolError(f"job settings: {exc}") from None
        return cls(_require(data, "job_id", str), _require(data, "title", str), settings,
                   _require(data, "sample_rate", int))


@dataclass(frozen=True)
class NoJobYet:
    """GET /job when the farm has no book: paired nodes stay and ask again later."""

    retry_after: float = 5.0

    def to_json(self) -> dict[str, Any]:
        return {"job": None, "retry_after": self.retry_after}

    @classmethod
    def is_it(cls, data: Any) -> bool:
        return isinstance(data, dict) and "job" in data and data["job"] is None


NO_JOB = NoJobYet()


@dataclass(frozen=True)
class Capabilities:
    """What a node can speak with, sent with every lease request.

    ``gpu`` and ``gpu_free_mb`` describe the accelerator behind ``device`` (empty
    and 0 on a CPU node, or a node too old to say): the desktop shows them, and
    the farm prefers such nodes for heavy engines.
    """

    name: str
    device: str
    engines: dict[str, list[str]] = field(default_factory=dict)  # engine -> voices
    gpu: str = ""
    gpu_free_mb: int = 0
    paused: bool = False
    """Paused at its own PC: it asks for nothing, it says it is there (and not stopped)."""
    hears: tuple[str, ...] = ()
    """The offline recognisers it can hear units with (``--verify asr``), by name: a farm
    gives units to hear only to a node that names the one the farm hears with. Older nodes
    say none, and so are never given any."""
    hints: bool = False
    """It reads the book's phoneme hints (and the lexicon's printed words) carried inside a
    unit's sentences (``phonemes``). A node from before them says nothing, and is sent the
    words alone: it would hand the private-use marks to its voice (an XTTS voice may say
    them)."""

    def can_speak(self, voice: EngineSettings) -> bool:
        return voice.voice in self.engines.get(voice.engine, [])

    @property
    def accelerated(self) -> bool:
        """Speaks on a GPU (CUDA, Apple MPS…), not on the CPU."""
        return self.device.split(":")[0] not in ("", "cpu")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["hears"] = list(self.hears)
        if not self.hears:  # (what an older node sends)
            del out["hears"]
        if not self.hints:
            del out["hints"]
        return out

    @classmethod
    def from_json(cls, data: Any) -> Capabilities:
        engines = _require(data, "engines", dict)
        if not all(isinstance(k, str) and isinstance(v, list) for k, v in engines.items()):
            raise ProtocolError("field 'engines' must map engine names to voice lists")
        free = data.get("gpu_free_mb", 0)
        hears = data.get("hears", [])
        return cls(_require(data, "name", str)[:64], _require(data, "device", str)[:32],
                   {k: [str(v) for v in vs] for k, vs in engines.items()},
                   str(data.get("gpu", ""))[:64],
                   free if isinstance(free, int) and 0 <= free < 1 << 24 else 0,
                   data.get("paused") is True,
                   tuple(h for h in hears[:MAX_RECOGNISERS] if isinstance(h, str)
                         and 0 < len(h) <= MAX_RECOGNISER_NAME)
                   if isinstance(hears, list) else (),
                   data.get("hints") is True)


@dataclass(frozen=True)
class Assignment:
    """One unit leased to a node."""

    unit_id: int
    chapter: int
    sentences: tuple[str, ...]
    breaks: tuple[int, ...]  # a Break per sentence (bools from older peers read the same)
    lease_seconds: float
    job_id: str = ""  # the job the unit belongs to: a node never speaks it with another's voice
    take: int = 0
    """Which speaking of the unit this is (``Engine.take``): the audio check refused the
    earlier ones, so a voice seeded by its text must sound different this time. Sent only
    when not 0; a node of before takes ignores it."""

    def to_json(self) -> dict[str, Any]:
        # "breaks" stays bools for nodes of before verse (a stanza, a paragraph: true);
        # "kinds" tells the others a line of verse and a stanza from a sentence, a paragraph.
        data = {"unit_id": self.unit_id, "chapter": self.chapter,
                "sentences": list(self.sentences), "breaks": [bool(b) for b in self.breaks],
                "kinds": [int(Break.of(b)) for b in self.breaks],
                "lease_seconds": self.lease_seconds, "job_id": self.job_id}
        if self.take:
            data["take"] = self.take
        return data

    @classmethod
    def from_json(cls, data: Any) -> Assignment:
        sentences = _require(data, "sentences", list)
        breaks = _require(data, "breaks", list)
        if len(sentences) != len(breaks) or not all(isinstance(s, str) for s in sentences):
            raise ProtocolError("sentences and breaks must be lists of the same length")
        kinds = data.get("kinds")
        try:
            said = tuple(Break.of(k) for k in kinds) if isinstance(kinds, list) \
                and len(kinds) == len(breaks) else tuple(Break.of(bool(b)) for b in breaks)
        except ValueError:
            raise ProtocolError("kinds must be a list of breaks (0–3)") from None
        take = data.get("take", 0)
        if not isinstance(take, int) or isinstance(take, bool) or not 0 <= take <= MAX_TAKE:
            raise ProtocolError(f"take must be a whole number from 0 to {MAX_TAKE}")
        return cls(_require(data, "unit_id", int), _require(data, "chapter", int),
                   tuple(sentences), said,
                   float(_require(data, "lease_seconds", (int, float))),
                   str(data.get("job_id", "")), take)


MAX_TAKE = 1000
"""More takes than any farm asks for (it keeps a unit, flagged, after a few)."""


MAX_RECOGNISERS = 8
MAX_RECOGNISER_NAME = 64
MAX_TRANSCRIPT_CHARS = 10_000
"""The longest transcript a farm reads from a node: a unit is a few hundred characters
(1,000 at most), and a recogniser writes down about as many."""
MAX_HEARING_S = 600.0


@dataclass(frozen=True)
class HearAssignment:
    """A unit another node spoke, given to a node with nothing to speak to hear
    (``--verify asr``). It carries no text: the node writes down what it hears, and the
    farm compares that with the unit's words. ``seconds``: the farm hears it itself if
    no transcript came by then; ``token`` names this handing-out of it."""

    unit_id: int
    token: str
    recogniser: str
    language: str
    seconds: float
    job_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> HearAssignment:
        token = _require(data, "token", str)
        if not 8 <= len(token) <= 64 or not token.isascii() or not token.isalnum():
            raise ProtocolError("token must be 8-64 letters or digits")
        seconds = float(_require(data, "seconds", (int, float)))
        if not 0.0 < seconds <= MAX_HEARING_S:  # (NaN too)
            raise ProtocolError(f"seconds must be in (0, {MAX_HEARING_S:.0f}]")
        return cls(_require(data, "unit_id", int), token,
                   _require(data, "recogniser", str)[:MAX_RECOGNISER_NAME],
                   _require(data, "language", str)[:32], seconds,
                   str(data.get("job_id", ""))[:128])


@dataclass(frozen=True)
class HeardReport:
    """What a node heard in a unit it was given to hear; ``transcript`` None: it could not
    hear it (stopping, its recogniser failed), so the farm hears it itself at once."""

    token: str
    transcript: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> HeardReport:
        token = _require(data, "token", str)[:64]
        transcript = data.get("transcript") if isinstance(data, dict) else None
        if transcript is not None and not isinstance(transcript, str):
            raise ProtocolError("field 'transcript' must be a string or null")
        if transcript is not None and len(transcript) > MAX_TRANSCRIPT_CHARS:
            raise ProtocolError(f"transcript over {MAX_TRANSCRIPT_CHARS} characters")
        return cls(token, transcript)


LEASE_UNIT, LEASE_WAIT, LEASE_DONE = "unit", "wait", "done"
HEARING_REASON = "hearing"
"""A "wait" whose ``hearing`` gives the node a unit to hear meanwhile."""


@dataclass(frozen=True)
class LeaseResponse:
    """A unit, or "wait" (nothing for you now, ask again later), or "done" (job over).

    A "wait" says why in ``reason``, in the coordinator's words for the node's state
    ("paused", "pausing", "standing aside", "gpu first", "idle", "benched", "no voice"),
    so the node's tray says what is true ("the farm is paused") instead of "no book".
    Older coordinators send none; older nodes ignore it.

    A "wait" may carry ``hearing``: nothing to speak, so hear this unit meanwhile. Only a
    node that named the farm's recogniser in its Capabilities gets one (older ones never
    do), and it is a "wait" all the same, which any node reads as before.
    """

    status: str
    assignment: Assignment | None = None
    retry_after: float = 1.0
    reason: str = ""
    hearing: HearAssignment | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status, "retry_after": self.retry_after,
            "assignment": self.assignment.to_json() if self.assignment else None}
        if self.reason:
            out["reason"] = self.reason
        if self.hearing is not None:
            out["hearing"] = self.hearing.to_json()
        return out

    @classmethod
    def from_json(cls, data: Any) -> LeaseResponse:
        status = _require(data, "status", str)
        if status not in (LEASE_UNIT, LEASE_WAIT, LEASE_DONE):
            raise ProtocolError(f"unknown lease status '{status}'")
        raw = data.get("assignment")
        assignment = Assignment.from_json(raw) if status == LEASE_UNIT else None
        retry = float(data.get("retry_after", 1.0))
        if not 0.0 <= retry <= MAX_RETRY_AFTER_S:  # NaN, Infinity, negative: a bad farm
            retry = 1.0 if retry != retry else min(max(retry, 0.0), MAX_RETRY_AFTER_S)
        reason = data.get("reason", "")
        heard = data.get("hearing")
        hearing = HearAssignment.from_json(heard) if status == LEASE_WAIT \
            and isinstance(heard, dict) else None
        return cls(status, assignment, retry, reason[:40] if isinstance(reason, str) else "",
                   hearing)


@dataclass(frozen=True)
class Heartbeat:
    """How far a node is into its unit; an empty body (older nodes) means unknown."""

    sentences_done: int = 0
    sentences_total: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Heartbeat:
        if not isinstance(data, dict) or "sentences_total" not in data:
            return cls()
        done, total = data.get("sentences_done"), data.get("sentences_total")
        if not isinstance(done, int) or not isinstance(total, int) or not 0 <= done <= total:
            raise ProtocolError("sentences_done/sentences_total must be 0 <= done <= total")
        return cls(done, total)


LEAVING_FOR_ANOTHER_FARM = "another farm"
LEAVING_TO_STOP = "stopping"
LEAVING_REASONS = (LEAVING_FOR_ANOTHER_FARM, LEAVING_TO_STOP)


@dataclass(frozen=True)
class Leaving:
    """A node says goodbye between books, so its farm shows why it went quiet.

    Without it a node that moved to another farm with a book, or a ``--one-job`` node
    that exited, read "lost" on its farm a minute later, as if it had crashed.
    """

    why: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Leaving:
        why = _require(data, "why", str)
        if why not in LEAVING_REASONS:
            raise ProtocolError(f"why must be one of {', '.join(LEAVING_REASONS)}")
        return cls(why)


@dataclass(frozen=True)
class Elsewhere:
    """A node joined to another of its farms asks this one for its book (``POST
    /elsewhere``, answered as ``GET /job`` is), and says whether it is busy there.

    It asks every few seconds while its own farm has no book (to move to one that has),
    and every minute while it speaks for its own: this farm then shows it "helping
    another farm", or "ready" (it would come at once), and knows it is alive. Without it
    the farm it had left said "lost" a minute later, and the one it had only peeked at
    said "ready", then "lost", of a node busy elsewhere.
    """

    busy: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Elsewhere:
        return cls(_require(data, "busy", bool))


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


@dataclass(frozen=True)
class NodeRow:
    """One node's figures in GET /status."""

    node_id: str
    name: str
    device: str
    engine: str
    state: str
    unit_id: int | None
    units_done: int
    audio_seconds: float
    busy_seconds: float
    bad_uploads: int


@dataclass(frozen=True)
class FarmStatus:
    """GET /status: the job's unit counts and every node's figures."""

    title: str
    job_id: str
    pending: int
    leased: int
    done: int
    nodes: tuple[NodeRow, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"job": {"title": self.title, "job_id": self.job_id, "pending": self.pending,
                        "leased": self.leased, "done": self.done},
                "nodes": [asdict(n) for n in self.nodes]}

    @classmethod
    def from_json(cls, data: Any) -> FarmStatus:
        job = _require(data, "job", dict)
        rows = _require(data, "nodes", list)
        try:
            nodes = tuple(NodeRow(**row) for row in rows)
        except TypeError:
            raise ProtocolError("field 'nodes' has rows of the wrong shape") from None
        return cls(_require(job, "title", str), _require(job, "job_id", str),
                   _require(job, "pending", int), _require(job, "leased", int),
                   _require(job, "done", int), nodes)
