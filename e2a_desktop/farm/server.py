"""Runs the coordinator's HTTP app and mDNS advertisement on a background thread.

The CLI's main thread (and later the GUI) keep rendering on the built-in node;
this thread owns the asyncio loop. Start-up errors (a port in use) surface in
the caller as E2AError.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import threading

from aiohttp import web

from e2a_node.discovery import Advertiser

from ..errors import E2AError
from .app import create_app
from .farm import Farm

log = logging.getLogger(__name__)

class FarmServer:
    """Serves the farm on ``port`` (0: any free port) and advertises it."""

    def __init__(self, farm: Farm, port: int = 0, host: str | None = None,
                 mdns_interfaces: list[str] | None = None, advertise: bool = True) -> None:
        self.farm = farm
        self.host = host or "0.0.0.0"
        self.port = port
        self.mdns_interfaces = mdns_interfaces
        self.advertise = advertise
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> int:
        """Start serving; return the port actually bound."""
        self._thread = threading.Thread(target=self._run, name="e2a-farm", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self.port

    def _run(self) -> None:
        try:
            asyncio.run(self._async_main())
        except BaseException as exc:  # surfaced to start() or logged
            if not self._ready.is_set():
                self._error = exc
                self._ready.set()
            else:
                log.exception("farm server stopped")

    async def _async_main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        runner = web.AppRunner(create_app(self.farm), access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno == errno.EADDRINUSE:
                raise E2AError(f"port {self.port} is in use; choose another with --port") \
                    from None
            raise E2AError(f"cannot listen on {self.host}:{self.port} ({exc.strerror})") \
                from None
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        advertiser = Advertiser(self.mdns_interfaces)
        self._ready.set()  # serving now; the mDNS probe and announcement take a second or two
        try:
            if self.advertise:
                await self._async_advertise(advertiser)
            await self._stop.wait()
        finally:
            await advertiser.async_close()
            await runner.cleanup()

    async def _async_advertise(self, advertiser: Advertiser) -> None:
        """Advertise the farm, not the book: the LAN learns nothing of what is read."""
        ident = self.farm.identity
        try:
            await advertiser.async_start(ident.name, "", "", self.port, ident.fingerprint)
        except OSError as exc:  # no multicast here: nodes can still use --url
            log.warning("mDNS advertisement unavailable: %s", exc)

    def stop_soon(self, grace: float) -> None:
        """Shut down in the background after ``grace`` seconds; returns at once.

        The grace lets polling nodes hear "job over" instead of finding the port
        closed, and the mDNS goodbye then overlaps the last chapter's encoding
        instead of adding to the book's end.
        """
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._loop.call_later, grace, self._stop.set)

    def stop(self) -> None:
        """Withdraw the advertisement, close the server, join the thread."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
