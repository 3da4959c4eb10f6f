"""A node's identity and the coordinators it trusts (trust on first use).

Kept as small JSON files readable only by the user: the pairing secrets in them
are what lets this node into a farm.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path


def write_private_json(path: Path, data: object) -> None:
    """Write JSON atomically with owner-only permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class NodeIdentity:
    node_id: str
    name: str

    @classmethod
    def load(cls, folder: Path, name: str | None = None) -> NodeIdentity:
        """This node's stable id (created once) and its display name."""
        path = folder / "node.json"
        data = read_json(path)
        node_id = data.get("node_id")
        if not isinstance(node_id, str):
            node_id = "node-" + secrets.token_hex(8)
            write_private_json(path, {"node_id": node_id})
        return cls(node_id, name or socket.gethostname())


@dataclass(frozen=True)
class TrustedCoordinator:
    coordinator_id: str
    fingerprint: str
    name: str
    secret: str
    certificate: str = ""
    """SHA-256 of the farm's TLS certificate; empty for a pairing made before TLS."""


class TrustStore:
    """Coordinators this node has paired with, keyed by their key fingerprint."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "coordinators.json"

    def all(self) -> dict[str, TrustedCoordinator]:
        out = {}
        for fp, entry in self.read().items():
            if isinstance(entry, dict):
                try:
                    out[fp] = TrustedCoordinator(**entry)
                except TypeError:
                    continue
        return out

    def read(self) -> dict[str, object]:
        return read_json(self.path)

    def get(self, fingerprint: str) -> TrustedCoordinator | None:
        """The farm with this fingerprint, if paired (pairings without a pinned
        certificate, from before TLS, do not count: the node pairs again)."""
        found = self.all().get(fingerprint)
        return found if found is not None and found.certificate else None

    def remember(self, coordinator: TrustedCoordinator) -> None:
        data = self.read()
        data[coordinator.fingerprint] = asdict(coordinator)
        write_private_json(self.path, data)

    def forget(self, fingerprint: str) -> None:
        data = self.read()
        data.pop(fingerprint, None)
        write_private_json(self.path, data)

    @property
    def last_joined_path(self) -> Path:
        return self.path.with_name("last-farm.txt")

    def last_joined(self) -> str:
        """The fingerprint of the farm this node last worked for ("" if none, or unreadable):
        joined first when it starts again (killed mid-book, it went to another farm)."""
        try:
            text = self.last_joined_path.read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return ""
        return text if len(text) <= 128 and text.isalnum() else ""

    def remember_joined(self, fingerprint: str) -> None:
        """Note the farm worked for now; a failed write only loses the preference."""
        if not fingerprint or fingerprint == self.last_joined():
            return
        try:
            self.last_joined_path.parent.mkdir(parents=True, exist_ok=True)
            self.last_joined_path.write_text(fingerprint + "\n", encoding="ascii")
        except OSError:
            pass
