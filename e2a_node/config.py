"""Where e2a keeps its files and which network it uses: read from the environment once.

Both programs (`e2a` and `e2a-node`) load their paths here, so a voice installed
under the user data dir is seen by both, and every environment override is
parsed in one place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR_ENV = "E2A_DATA_DIR"
"""Overrides the user data dir (tests, portable installs)."""
MDNS_ENV = "E2A_MDNS_INTERFACES"
"""Comma-separated interface addresses for mDNS (tests: 127.0.0.1); default all."""
BIND_ENV = "E2A_BIND_HOST"
"""Address the coordinator listens on (tests: 127.0.0.1); default all."""


@dataclass(frozen=True)
class AppPaths:
    """The user data dir and the folders under it, shared by the desktop and the node."""

    data_dir: Path

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def voices_dir(self) -> Path:
        """Voices by engine (``voices/piper/NAME.onnx``): both programs look here."""
        return self.data_dir / "voices"

    @property
    def models_dir(self) -> Path:
        """Downloaded model weights of heavy engines (Coqui)."""
        return self.data_dir / "models"

    @property
    def trust_dir(self) -> Path:
        """The coordinator's key and the nodes it paired."""
        return self.data_dir / "trust"

    @property
    def node_dir(self) -> Path:
        """A node's identity and the coordinators it trusts."""
        return self.data_dir / "node"

    def writable(self, folder: Path) -> Path:
        """``folder`` (under the data dir), made and checked writable; else one clear line.

        A data dir on a read-only disk, a full one, or a path through a file would
        otherwise end in a traceback at the first file written (the node's identity).
        """
        from .errors import E2AError

        probe = folder / ".e2a-write-check"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise E2AError(f"cannot write to the data folder {folder}: "
                           f"{exc.strerror or exc}; set {DATA_DIR_ENV} to a folder this user "
                           "can write to") from None
        return folder

    @classmethod
    def load(cls) -> AppPaths:
        override = os.environ.get(DATA_DIR_ENV)
        if override:
            return cls(Path(override).expanduser())
        from platformdirs import user_data_dir

        return cls(Path(user_data_dir("e2a", appauthor=False)))


@dataclass(frozen=True)
class NetworkSettings:
    """Which addresses the farm listens and advertises on."""

    bind_host: str = "0.0.0.0"
    mdns_interfaces: tuple[str, ...] | None = None

    @classmethod
    def load(cls) -> NetworkSettings:
        raw = os.environ.get(MDNS_ENV, "").strip()
        interfaces = tuple(a.strip() for a in raw.split(",") if a.strip()) or None
        return cls(os.environ.get(BIND_ENV, "").strip() or "0.0.0.0", interfaces)

    @property
    def mdns_list(self) -> list[str] | None:
        return list(self.mdns_interfaces) if self.mdns_interfaces else None
