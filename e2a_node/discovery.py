"""mDNS discovery (python-zeroconf): the coordinator advertises, nodes browse.

Service type ``_e2a._tcp.local.``; TXT carries the protocol version, the farm's
name, port and the coordinator key fingerprint, so a node can recognise a
coordinator it already trusts before it connects. Nothing about the book: what
is being read is told only to paired nodes, over TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass

from zeroconf import InterfaceChoice, IPVersion, ServiceStateChange, Zeroconf, get_all_addresses
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from .protocol import PROTOCOL_VERSION, SERVICE_TYPE

RESOLVE_TIMEOUT_MS = 3000


@dataclass(frozen=True)
class FarmAdvert:
    """One coordinator as seen on the network."""

    name: str
    port: int
    fingerprint: str
    protocol: int
    addresses: tuple[str, ...]

    @property
    def url(self) -> str:
        host = self.addresses[0] if self.addresses else "127.0.0.1"
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
        return f"https://{host}:{self.port}"


def farm_url(url: str) -> str:
    """Farms speak only TLS: ``http://pc1:8765`` (as older versions printed) means https."""
    return "https://" + url.split("://", 1)[1] if url.startswith("http://") else url


def _interfaces(interfaces: list[str] | None) -> InterfaceChoice | list[str]:
    return list(interfaces) if interfaces else InterfaceChoice.All


def _advertised_addresses(interfaces: list[str] | None) -> list[str]:
    if interfaces:
        return list(interfaces)
    addresses = [a for a in get_all_addresses() if not a.startswith("127.")]
    return addresses or ["127.0.0.1"]


def _service_name(name: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_'" else "-" for c in name)[:50] or "e2a"
    return f"{safe}.{SERVICE_TYPE}"


class Advertiser:
    """Registers the farm while a job runs; withdraws it when the job ends."""

    def __init__(self, interfaces: list[str] | None = None) -> None:
        self.interfaces = interfaces
        self._zc: AsyncZeroconf | None = None
        self._info: AsyncServiceInfo | None = None

    async def async_start(self, name: str, port: int, fingerprint: str) -> None:
        addresses = _advertised_addresses(self.interfaces)
        self._zc = AsyncZeroconf(interfaces=_interfaces(self.interfaces),
                                 ip_version=IPVersion.V4Only)
        self._info = AsyncServiceInfo(
            SERVICE_TYPE, _service_name(f"{name} {fingerprint[:6]}"),
            addresses=[socket.inet_aton(a) for a in addresses], port=port,
            properties={"v": str(PROTOCOL_VERSION), "port": str(port), "fp": fingerprint,
                        "name": name[:64]},
            server=f"e2a-{fingerprint[:12]}.local.")
        # The first await queues the announcement; the returned task sends it.
        await (await self._zc.async_register_service(self._info, allow_name_change=True))

    async def async_close(self) -> None:
        if self._zc is None:
            return
        if self._info is not None:
            with contextlib.suppress(Exception):
                # Await the goodbye itself, so browsers see the farm go now, not at TTL expiry.
                await (await self._zc.async_unregister_service(self._info))
        await self._zc.async_close()
        self._zc = self._info = None


def _text(props: dict[bytes, bytes | None], key: str) -> str:
    value = props.get(key.encode())
    return value.decode("utf-8", "replace") if value else ""


def advert_from_info(info: AsyncServiceInfo) -> FarmAdvert | None:
    props = info.properties or {}
    try:
        protocol = int(_text(props, "v") or "0")
    except ValueError:
        return None
    addresses = tuple(info.parsed_addresses(IPVersion.V4Only))
    if not addresses or not info.port:
        return None
    return FarmAdvert(_text(props, "name") or info.name.split(".")[0], int(info.port),
                      _text(props, "fp"), protocol, addresses)


class Browser:
    """Collects coordinators as they appear; never blocks in the zeroconf callback."""

    def __init__(self, interfaces: list[str] | None = None,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self.interfaces = interfaces
        self._on_found_change = on_change
        """Called (on the loop) whenever ``found`` changes: a farm appeared or left."""
        self.found: dict[str, FarmAdvert] = {}
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None

    async def async_start(self) -> None:
        self._zc = AsyncZeroconf(interfaces=_interfaces(self.interfaces),
                                 ip_version=IPVersion.V4Only)
        self._browser = AsyncServiceBrowser(self._zc.zeroconf, [SERVICE_TYPE],
                                            handlers=[self._on_change])

    def _on_change(self, zeroconf: Zeroconf, service_type: str, name: str,
                   state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed:
            self.found.pop(name, None)
            self._changed.set()
            self._on_found_change()
            return
        task = asyncio.ensure_future(self._async_resolve(zeroconf, service_type, name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _async_resolve(self, zeroconf: Zeroconf, service_type: str, name: str) -> None:
        info = AsyncServiceInfo(service_type, name)
        if await info.async_request(zeroconf, RESOLVE_TIMEOUT_MS):
            advert = advert_from_info(info)
            if advert is not None:
                self.found[name] = advert
                self._changed.set()
                self._on_found_change()

    async def async_wait(self, timeout: float) -> list[FarmAdvert]:
        """Wait until something changes (or timeout); return what is known now."""
        self._changed.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)
        return list(self.found.values())

    async def async_close(self) -> None:
        if self._browser is not None:
            await self._browser.async_cancel()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._zc is not None:
            await self._zc.async_close()
        self._browser = self._zc = None
