"""The coordinator's side of pairing: its key, the farm code, the nodes it trusts.

A node proves once that its user knows the short farm code shown on the desktop,
by a PAKE (SPAKE2) over the code, which leaves both sides with the node's own
secret without sending it; the node signs every later request with it. Pairing
attempts are rate-limited so the 6-digit code cannot be guessed online.
"""

from __future__ import annotations

import hmac
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spake2 import SPAKE2_B
from spake2.spake2 import SPAKEError

from e2a_node.auth import (
    AUTH_WINDOW_S,
    COORDINATOR_PAKE_ID,
    NONCE_BYTES,
    fingerprint,
    pairing_keys,
    response_proof,
    sign,
)
from e2a_node.protocol import ProtocolError
from e2a_node.trust import read_json, write_private_json

from .certificate import FarmCertificate, load_or_create

MAX_GUESSES_PER_PEER = 5
"""Pairing attempts one address may have answered per window, counting those not yet
confirmed: each answered attempt is one guess at the code (the README promises 5 a minute)."""
MAX_GUESSES_TOTAL = 30
"""The same, for all addresses together: many addresses still guess slowly."""
FAILURE_WINDOW_S = 60.0
DIGEST_CHARS = 64
"""A SHA-256 in hex: signatures, body digests and pairing proofs."""
PENDING_TTL_S = 10.0
"""An attempt the node has not confirmed by then counts as failed (a guess that was tested)."""
PAIRING_MOMENT_S = 180.0
"""How long a one-time code from the desktop's "Pair a node" lasts."""


def _is_count(text: str, max_digits: int) -> bool:
    """ASCII digits only (``'²'.isdigit()`` is true in Python), and not absurdly long."""
    return 0 < len(text) <= max_digits and text.isascii() and text.isdigit()


def _is_hex(text: str, length: int) -> bool:
    return len(text) == length and all(ch in "0123456789abcdef" for ch in text)


class NonceMemory:
    """Nonces of accepted requests, kept for the time window: a second use is a replay.

    Requests older than the window are refused by their time stamp, so nothing
    needs remembering for longer; the memory is pruned as it is used.
    """

    def __init__(self, window: float = AUTH_WINDOW_S) -> None:
        self.window = window
        self._seen: dict[tuple[str, str], float] = {}
        self._next_prune = 0.0

    def first_time(self, node_id: str, nonce: str, now: float) -> bool:
        if now >= self._next_prune:
            self._seen = {k: t for k, t in self._seen.items() if now - t <= 2 * self.window}
            self._next_prune = now + self.window / 10
        key = (node_id, nonce)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


MAX_NAME_CHARS = 40


def display_name(claimed: str) -> str:
    """A node's name as the farm will show it: printable, short, never empty.

    Chosen once, at pairing; the node cannot change it later (it could otherwise
    pose as another PC, or as the desktop's own built-in node).
    """
    name = "".join(ch for ch in claimed if ch.isprintable()).strip()[:MAX_NAME_CHARS]
    return name or "unnamed PC"


def new_farm_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def format_code(code: str) -> str:
    """'482913' → '482-913' (how the desktop shows it)."""
    return f"{code[:3]}-{code[3:]}" if len(code) == 6 else code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


@dataclass(frozen=True)
class CoordinatorIdentity:
    coordinator_id: str
    key: bytes
    name: str
    certificate: FarmCertificate

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)

    @classmethod
    def load(cls, folder: Path, name: str | None = None) -> CoordinatorIdentity:
        """The persistent key (created once): nodes recognise this coordinator by it."""
        path = folder / "coordinator.json"
        data = read_json(path)
        key, cid = data.get("key"), data.get("coordinator_id")
        if not isinstance(key, str) or not isinstance(cid, str):
            key, cid = secrets.token_hex(32), "coord-" + secrets.token_hex(8)
            write_private_json(path, {"key": key, "coordinator_id": cid})
        name = name or socket.gethostname()
        return cls(cid, bytes.fromhex(key), name, load_or_create(folder, f"e2a farm {name}"))


@dataclass(frozen=True)
class PairingMoment:
    """A one-time code the person at the desktop asked for ("Pair a node").

    The standing code's budget is shared by every address, so six machines guessing
    wrong codes lock everyone out for a minute, the person with the right code too.
    A moment is that person's way in: a fresh code (guesses at the standing one are
    worth nothing against it) under per-address budgets only while it lasts.

    No address is barred from it, not even one that guessed wrong just before it
    opened: at home that is the very PC whose person mistyped the code and then asked
    the desktop for a new one, and behind NAT or on one machine every node shares it.
    Why that is safe: each address keeps its one budget (MAX_GUESSES_PER_PEER answered
    attempts in FAILURE_WINDOW_S, guesses made before the moment included), so opening
    a moment hands a guesser no fresh guesses; it gets what any address gets, 5 a
    minute, and the ones it spent earlier were at another code. What a moment costs:
    an attacker with N addresses gets 5·N guesses a minute at a code that lives for
    three minutes, and only when someone at the desktop opened one.
    """

    code: str
    opened: float
    ends: float


class CodeAlreadyUsed(Exception):
    """The node's proof matches the one-time code another PC has just paired with.

    Said apart from "wrong farm code": the person typed the code the desktop showed,
    only after another PC (or an earlier try of their own) spent it.
    """


@dataclass(frozen=True)
class _Pending:
    """A pairing that has answered the node but waits for the node's proof.

    ``keys`` holds (secret, node's proof) for each code the node was answered with:
    during a pairing moment both the one-time code and the standing one.
    """

    name: str
    keys: tuple[tuple[str, str], ...]
    started: float
    peer: str
    one_time: str = ""
    """The one-time code ``keys[0]`` was made with, if a moment was open: pairing with it
    closes the moment (a one-time code, two PCs paired with it in a household test)."""
    spent: str = ""
    """The used one-time code ``keys[-1]`` was made with, if it was still in its time:
    a proof for it pairs nothing, but is told apart from a wrong code."""


class PairingRegistry:
    """Paired nodes and their secrets; pairs by PAKE over the farm code; verifies requests.

    Each pairing attempt is one online guess at the code (SPAKE2 gives a listener
    nothing to test guesses against offline), so failed attempts are rate-limited:
    a wrong proof, or no proof within PENDING_TTL_S, is a failure.
    """

    def __init__(self, folder: Path, code: str, clock: Callable[[], float],
                 certificate: str = "") -> None:
        self.path = folder / "nodes.json"
        self.certificate = certificate
        """SHA-256 of the TLS certificate nodes will pin; the pairing proofs cover it."""
        self.code = normalise_code(code)
        self.clock = clock
        self._failures: list[tuple[float, str]] = []  # (when, peer address)
        self._moment: PairingMoment | None = None
        self._spent: PairingMoment | None = None  # the moment a pairing closed, to its end
        self._pending: dict[str, _Pending] = {}
        self._seen = NonceMemory()
        self._lock = threading.Lock()
        self._nodes: dict[str, dict[str, str]] = {
            k: v for k, v in read_json(self.path).items() if isinstance(v, dict)
        }

    def open_moment(self, seconds: float = PAIRING_MOMENT_S) -> PairingMoment:
        """Start a pairing moment (see PairingMoment); its code is shown on the desktop."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            self._moment = PairingMoment(new_farm_code(), now, now + seconds)
            self._spent = None
            return self._moment

    def close_moment(self) -> None:
        with self._lock:
            self._moment = self._spent = None

    def moment(self) -> PairingMoment | None:
        """The open pairing moment, if any."""
        with self._lock:
            self._expire(self.clock())
            return self._moment

    def _expire(self, now: float) -> None:
        if self._moment is not None and now >= self._moment.ends:
            self._moment = None
        if self._spent is not None and now >= self._spent.ends:
            self._spent = None
        for node_id, pending in list(self._pending.items()):
            if now - pending.started > PENDING_TTL_S:
                del self._pending[node_id]
                self._failures.append((now, pending.peer))
        self._failures = [f for f in self._failures if now - f[0] < FAILURE_WINDOW_S]

    def _guesses(self, peer: str | None = None) -> int:
        """Answered attempts in the window that did not (or not yet) prove the code."""
        return (sum(1 for _t, p in self._failures if peer in (None, p))
                + sum(1 for pending in self._pending.values() if peer in (None, pending.peer)))

    def begin(self, node_id: str, name: str, node_message: bytes,
              peer: str = "") -> tuple[bytes, str] | None:
        """The first of ``begin_each``'s answers (the code a node reading one would try)."""
        answers = self.begin_each(node_id, name, node_message, peer)
        return answers[0] if answers else None

    def begin_each(self, node_id: str, name: str, node_message: bytes,
                   peer: str = "") -> list[tuple[bytes, str]] | None:
        """Answer a node's PAKE message: (our message, our proof) per code it may hold.

        Outside a pairing moment that is the standing code alone. During one, the
        one-time code comes first and the standing code follows, each under its own
        budget: the person at the desktop may be reading either code to the node (a
        node set up with the standing code must not hear "wrong code" because someone
        opened a moment). None while pairing is paused for this address.

        Each answer lets the asker test one guess at its code, so an attempt counts
        against the budget from the moment it is answered until it is confirmed:
        nobody gets more than MAX_GUESSES_PER_PEER answers a minute, however many
        requests they send at once, and one address spending its budget does not
        stop another from pairing. Raises ProtocolError for a message that is not a
        SPAKE2 element.
        """
        with self._lock:
            now = self.clock()
            self._expire(now)
            if self._pending.pop(node_id, None) is not None:
                self._failures.append((now, peer))  # a second try replaces an unconfirmed one
            codes = self._codes_for(peer)
            if not codes:
                return None
            answers: list[tuple[bytes, str]] = []
            keys: list[tuple[str, str]] = []
            for code in codes:
                pake = SPAKE2_B(code.encode(), idA=node_id.encode(), idB=COORDINATOR_PAKE_ID)
                message = pake.start()
                try:
                    shared = pake.finish(node_message)
                except (ValueError, SPAKEError) as exc:
                    self._failures.append((now, peer))
                    raise ProtocolError(f"not a pairing message ({exc})") from None
                secret, coordinator_proof, node_proof = pairing_keys(shared, self.certificate)
                answers.append((message, coordinator_proof))
                keys.append((secret, node_proof))
            moment, spent = self._moment, self._spent
            one_time = moment.code if moment is not None and codes[0] == moment.code else ""
            used = spent.code if spent is not None and codes[-1] == spent.code else ""
            self._pending[node_id] = _Pending(display_name(name), tuple(keys), now, peer,
                                              one_time, used)
            return answers

    def _codes_for(self, peer: str) -> list[str]:
        """The codes an attempt from ``peer`` is answered with now, within their budgets.

        The one-time code counts per-address budgets only (guesses made before it
        opened included, so it gives nobody fresh guesses); the standing code keeps
        its shared budget too, whether a moment is open or not.
        """
        if self._guesses(peer) >= MAX_GUESSES_PER_PEER:
            return []
        codes = []
        moment = self._moment
        if moment is not None:
            codes.append(moment.code)
        if self._guesses() < MAX_GUESSES_TOTAL and self.code not in codes:
            codes.append(self.code)
        spent = self._spent
        if codes and spent is not None and spent.code not in codes:
            codes.append(spent.code)  # pairs nothing: only told apart from a wrong code
        return codes

    def pending_name(self, node_id: str) -> str | None:
        """The name a node pairing now gave (None when it is not pairing)."""
        with self._lock:
            pending = self._pending.get(node_id)
            return pending.name if pending is not None else None

    def confirm(self, node_id: str, node_proof: str) -> bool:
        """Pair the node if its proof shows it used the same code; it is then trusted.

        Raises CodeAlreadyUsed when the proof is for the one-time code another pairing
        has just spent (it counts as a failed attempt, as a wrong code does).
        """
        with self._lock:
            now = self.clock()
            self._expire(now)
            pending = self._pending.pop(node_id, None)
            if pending is None:
                return False
            matched = next((i for i, (_secret, proof) in enumerate(pending.keys)
                            if _is_hex(node_proof, DIGEST_CHARS)
                            and hmac.compare_digest(node_proof, proof)), None)
            spent = bool(pending.spent) and matched == len(pending.keys) - 1
            if matched is None or spent:
                self._failures.append((now, pending.peer))
                if spent:
                    raise CodeAlreadyUsed(pending.spent)
                return False
            secret = pending.keys[matched][0]
            if matched == 0 and pending.one_time and self._moment is not None \
                    and self._moment.code == pending.one_time:
                # Used: the standing code alone from now on; the spent code is still
                # recognised until its time is up, to tell its latecomers why.
                self._spent, self._moment = self._moment, None
            self._nodes[node_id] = {"name": pending.name, "secret": secret}
            write_private_json(self.path, self._nodes)
            return True

    def revoke(self, node_id: str) -> None:
        with self._lock:
            self._nodes.pop(node_id, None)
            write_private_json(self.path, self._nodes)

    def verify(self, method: str, path: str, node_id: str, timestamp: str, nonce: str,
               digest: str, token: str, wall_time: float, extra: str = "") -> bool:
        """True if a paired node signed this request within the window, and it is not a replay."""
        entry = self._nodes.get(node_id)
        if entry is None or not _is_count(timestamp, 12) or not _is_hex(nonce, NONCE_BYTES * 2):
            return False
        # Each field as a real node sends it, before it meets hmac (which raises on
        # non-ASCII text) or the signature (which encodes it): junk is a plain refusal.
        if not (_is_hex(token, DIGEST_CHARS) and _is_hex(digest, DIGEST_CHARS)
                and path.isascii() and extra.isascii()):
            return False
        if abs(wall_time - int(timestamp)) > AUTH_WINDOW_S:
            return False
        expected = sign(entry["secret"], method, path, node_id, int(timestamp), nonce, digest,
                        extra)
        if not hmac.compare_digest(expected, token):
            return False
        with self._lock:
            return self._seen.first_time(node_id, nonce, wall_time)

    def prove(self, node_id: str, token: str, body: bytes) -> str:
        """Proof for a verified node that this answer comes from the coordinator it paired with."""
        return response_proof(self._nodes[node_id]["secret"], token, body)

    def knows(self, node_id: str) -> bool:
        return node_id in self._nodes

    def name_of(self, node_id: str) -> str:
        return self._nodes.get(node_id, {}).get("name", node_id)
