"""A farm that outlives one book: identity, pairing, nodes, the HTTP server and the advert.

The CLI makes one per conversion; the desktop keeps one while it is open, so
nodes pair and show as ready before a book starts, and stay while books change.
Conversions ``attach`` their job to ``host.farm`` and detach it when they end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..config import AppPaths, NetworkSettings
from ..events import Emit, FarmStarted, ignore
from .farm import Farm, FarmSweeper
from .pairing import (
    CoordinatorIdentity,
    PairingRegistry,
    format_code,
    new_farm_code,
    normalise_code,
)
from .server import FarmServer


@dataclass(frozen=True)
class FarmOptions:
    """How the coordinator serves LAN nodes."""

    port: int = 0
    code: str | None = None
    wait_nodes: int = 0
    wait_nodes_for: float = 300.0
    """With wait_nodes: start anyway after this many seconds, with whoever came."""
    lease_ttl: float = 60.0
    mdns_interfaces: list[str] | None = None
    name: str | None = None


@dataclass(frozen=True)
class FarmInfo:
    """What a person at another PC needs to join: the farm's name, code and port."""

    name: str
    code: str
    port: int
    fingerprint: str


class FarmHost:
    """Owns a Farm and, when serving, its server thread. ``start``/``stop`` from any thread."""

    def __init__(self, paths: AppPaths, options: FarmOptions | None = None, *,
                 serve: bool = True, emit: Emit = ignore,
                 clock: Callable[[], float] = time.monotonic,
                 network: NetworkSettings | None = None) -> None:
        self.options = options or FarmOptions()
        self.serve = serve
        self.code = normalise_code(self.options.code or "") or new_farm_code()
        identity = CoordinatorIdentity.load(paths.trust_dir, self.options.name)
        pairing = PairingRegistry(paths.trust_dir, self.code, clock,
                                  identity.certificate.sha256)
        self.farm = Farm(identity, pairing, emit, clock)
        self._network = network or NetworkSettings.load()
        self._server: FarmServer | None = None
        self._sweeper: FarmSweeper | None = None  # notices silent nodes between books too
        self.info: FarmInfo | None = None
        self._lock = threading.Lock()

    def start(self) -> FarmInfo | None:
        """Listen and advertise (raises E2AError for a port in use); None when not serving."""
        with self._lock:
            if not self.serve or self._server is not None:
                return self.info
            interfaces = self.options.mdns_interfaces or self._network.mdns_list
            server = FarmServer(self.farm, self.options.port, self._network.bind_host,
                                mdns_interfaces=interfaces)
            port = server.start()
            self._server = server
            self._sweeper = self.farm.sweeping().start()
            ident = self.farm.identity
            self.info = FarmInfo(ident.name, format_code(self.code), port, ident.fingerprint)
        self.farm.emit(FarmStarted(ident.name, self.info.code, port, ident.fingerprint,
                                   self.options.wait_nodes))
        return self.info

    def stop_soon(self, grace: float) -> None:
        if self._server is not None:
            self._server.stop_soon(grace)

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.stop()
        if server is not None:
            server.stop()
