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
    fingerprint,
    pairing_keys,
    response_proof,
    sign,
)
from e2a_node.protocol import ProtocolError
from e2a_node.trust import read_json, write_private_json

MAX_FAILURES = 5
"""Failed pairing attempts (wrong code, or never confirmed) per window before pairing pauses."""
FAILURE_WINDOW_S = 60.0
MAX_PENDING = 8
"""Attempts answered but not yet confirmed, at once: room for several nodes started together."""
PENDING_TTL_S = 10.0
"""An attempt the node has not confirmed by then counts as failed (a guess that was tested)."""


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
        return cls(cid, bytes.fromhex(key), name or f"{socket.gethostname()}")


@dataclass(frozen=True)
class _Pending:
    """A pairing that has answered the node but waits for the node's proof."""

    name: str
    secret: str
    node_proof: str
    started: float


class PairingRegistry:
    """Paired nodes and their secrets; pairs by PAKE over the farm code; verifies requests.

    Each pairing attempt is one online guess at the code (SPAKE2 gives a listener
    nothing to test guesses against offline), so failed attempts are rate-limited:
    a wrong proof, or no proof within PENDING_TTL_S, is a failure.
    """

    def __init__(self, folder: Path, code: str, clock: Callable[[], float]) -> None:
        self.path = folder / "nodes.json"
        self.code = normalise_code(code)
        self.clock = clock
        self._failures: list[float] = []
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._nodes: dict[str, dict[str, str]] = {
            k: v for k, v in read_json(self.path).items() if isinstance(v, dict)
        }

    def _expire(self, now: float) -> None:
        for node_id, pending in list(self._pending.items()):
            if now - pending.started > PENDING_TTL_S:
                del self._pending[node_id]
                self._failures.append(now)
        self._failures = [t for t in self._failures if now - t < FAILURE_WINDOW_S]

    def begin(self, node_id: str, name: str, node_message: bytes) -> tuple[bytes, str] | None:
        """Answer a node's PAKE message: (our message, our proof), or None while paused.

        Raises ProtocolError for a message that is not a SPAKE2 element.
        """
        with self._lock:
            now = self.clock()
            self._expire(now)
            if len(self._failures) >= MAX_FAILURES or len(self._pending) >= MAX_PENDING:
                return None
            if self._pending.pop(node_id, None) is not None:
                self._failures.append(now)  # a second try replaces an unconfirmed first
            pake = SPAKE2_B(self.code.encode(), idA=node_id.encode(), idB=COORDINATOR_PAKE_ID)
            message = pake.start()
            try:
                shared = pake.finish(node_message)
            except (ValueError, SPAKEError) as exc:
                self._failures.append(now)
                raise ProtocolError(f"not a pairing message ({exc})") from None
            secret, coordinator_proof, node_proof = pairing_keys(shared)
            self._pending[node_id] = _Pending(name, secret, node_proof, now)
            return message, coordinator_proof

    def confirm(self, node_id: str, node_proof: str) -> bool:
        """Pair the node if its proof shows it used the same code; it is then trusted."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            pending = self._pending.pop(node_id, None)
            if pending is None:
                return False
            if not hmac.compare_digest(node_proof, pending.node_proof):
                self._failures.append(now)
                return False
            self._nodes[node_id] = {"name": pending.name, "secret": pending.secret}
            write_private_json(self.path, self._nodes)
            return True

    def revoke(self, node_id: str) -> None:
        with self._lock:
            self._nodes.pop(node_id, None)
            write_private_json(self.path, self._nodes)

    def verify(self, method: str, path: str, node_id: str, timestamp: str, digest: str,
               token: str, wall_time: float) -> bool:
        """True if the request was signed by a paired node within the time window."""
        entry = self._nodes.get(node_id)
        if entry is None or not timestamp.lstrip("-").isdigit():
            return False
        if abs(wall_time - int(timestamp)) > AUTH_WINDOW_S:
            return False
        expected = sign(entry["secret"], method, path, node_id, int(timestamp), digest)
        return hmac.compare_digest(expected, token)

    def prove(self, node_id: str, token: str, body: bytes) -> str:
        """Proof for a verified node that this answer comes from the coordinator it paired with."""
        return response_proof(self._nodes[node_id]["secret"], token, body)

    def name_of(self, node_id: str) -> str:
        return self._nodes.get(node_id, {}).get("name", node_id)
