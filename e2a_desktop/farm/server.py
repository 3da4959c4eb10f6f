"""Runs the coordinator's HTTP app and mDNS advertisement on a background thread.

The CLI's main thread (and later the GUI) keep rendering on the built-in node;
this thread owns the asyncio loop. Start-up errors (a port in use) surface in
the caller as E2AError.

Connections are accepted by our own loop rather than aiohttp's site, so that
each socket passes the ConnectionGuard (guard.py) before it costs anything:
a LAN full of idle or hostile connections cannot starve the coordinator of file
descriptors or of slots for its paired nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable

from aiohttp import web

from e2a_node.discovery import Advertiser

from ..errors import E2AError
from . import judging
from .app import create_app
from .farm import Farm, NoJob
from .guard import PER_PEER_UNPROVEN, ConnectionGuard, connection_cap, raise_fd_limit
from .quiet_logs import PEER_ERRORS, PeerErrorLog, quiet_peer_noise

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_S = 10.0
KEEPALIVE_TIMEOUT_S = 75.0
"""An idle keep-alive connection of a paired node is closed after this (its client's pool
closes idle ones sooner, so it never finds one closed under it)."""
ACCEPT_ERROR_PAUSE_S = 0.1
STRAGGLER_GRACE_S = 1.0
"""At stop, how long closed connections may take to send their last bytes."""
SHUTDOWN_GRACE_S = 3.0
"""At stop, requests in flight get this long; an upload a vanished node never finishes
must not hold the coordinator open."""
SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the GIL while another waits for it (Python's default: 5 ms).

The farm's loop shares the GIL with the thread judging uploads (and, in the desktop,
the window and the built-in node). Each time the loop wakes for a request it waits for
the GIL up to this long, several times per lease: at 5 ms, with 200 nodes, that alone
put tens of ms on a lease."""


class FarmServer:
    """Serves the farm on ``port`` (0: any free port) and advertises it."""

    def __init__(self, farm: Farm, port: int = 0, host: str | None = None,
                 mdns_interfaces: list[str] | None = None, advertise: bool = True,
                 ssl_context: ssl.SSLContext | None = None,
                 per_peer_unproven: int = PER_PEER_UNPROVEN,
                 peer_log: PeerErrorLog = PEER_ERRORS) -> None:
        self.farm = farm
        self.peer_log = peer_log
        """Where peers' errors are said, rate-limited (quiet_logs.py)."""
        self.host = host or "0.0.0.0"
        self.port = port
        self.mdns_interfaces = mdns_interfaces
        self.advertise = advertise
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._withdraw = asyncio.Event()  # remade on the server's own loop
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.per_peer_unproven = per_peer_unproven
        self.guard = ConnectionGuard(connection_cap(1024))
        self._transports: set[asyncio.Transport] = set()
        self._frozen_for: object | None = None
        """The job whose start froze the objects alive then (``_freeze_with_the_job``)."""
        self.ssl_context = ssl_context or farm.identity.certificate.server_context()
        """Every connection is TLS, with the certificate nodes pin when they pair."""

    def start(self) -> int:
        """Start serving; return the port actually bound."""
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        # Uploads are judged in a process of their own while the farm serves: the judge
        # held Python's lock half the time the event loop needed it (judging.py).
        judging.use_process()
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
        finally:
            judging.use_process(False)  # (ends the judge's process; a bare Farm judges here)

    async def _async_main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._withdraw = asyncio.Event()
        quiet_peer_noise(self.peer_log)
        self.guard = ConnectionGuard(connection_cap(raise_fd_limit()), self.per_peer_unproven)
        runner = web.AppRunner(create_app(self.farm, self.guard, self.peer_log), access_log=None,
                               keepalive_timeout=KEEPALIVE_TIMEOUT_S,
                               shutdown_timeout=SHUTDOWN_GRACE_S)
        await runner.setup()
        try:
            listener = self._listen()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno == errno.EADDRINUSE:
                raise E2AError(f"port {self.port} is in use; choose another with --port") \
                    from None
            raise E2AError(f"cannot listen on {self.host}:{self.port} ({exc.strerror})") \
                from None
        self.port = listener.getsockname()[1]
        assert runner.server is not None  # made by setup()
        accepting = asyncio.create_task(self._async_accept(listener, runner.server))
        advertiser = Advertiser(self.mdns_interfaces)
        self._ready.set()  # serving now; the mDNS probe and announcement take a second or two
        try:
            if self.advertise:
                await self._async_advertise(advertiser)
            await self._withdraw.wait()
            await advertiser.async_close()  # the book is over: no new node should come
            await self._stop.wait()
        finally:
            accepting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await accepting
            listener.close()
            await advertiser.async_close()
            await runner.cleanup()
            if self._frozen_for is not None:
                gc.unfreeze()
                self._frozen_for = None
            await self._async_abort_stragglers()

    def _listen(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
            listener.listen(512)
            listener.setblocking(False)
        except OSError:
            listener.close()
            raise
        return listener

    async def _async_accept(self, listener: socket.socket, factory: web.Server) -> None:
        """Accept, admit through the guard, serve; sweep overstayers every second.

        Accepting is a reader callback on the listening socket, not ``sock_accept`` under
        a timeout: when the timeout cancelled an accept just as a connection arrived,
        Python 3.11 logged an InvalidStateError traceback and lost that socket (seen with
        hundreds of connections a second from one hostile node).
        """
        loop = asyncio.get_running_loop()
        starting: set[asyncio.Task[None]] = set()
        assert self._stop is not None

        def serve(sock: socket.socket) -> None:
            task = loop.create_task(self._async_serve(loop, factory, sock))
            starting.add(task)
            task.add_done_callback(starting.discard)

        readable = _Acceptor(listener, self.guard, serve, loop)
        readable.resume()
        try:
            # The flag, not only cancellation, ends this loop: Python 3.11's wait_for can
            # swallow a cancel that arrives as the timeout does.
            while not self._stop.is_set():
                self.guard.sweep()
                self._freeze_with_the_job()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), 1.0)
        finally:
            readable.close()
            for task in list(starting):
                task.cancel()

    def _freeze_with_the_job(self) -> None:
        """While a book renders, what was alive when it started is left out of the
        garbage collector's full passes (``gc.freeze``); they come back when it ends.

        A full pass walks every object of the process (the book, its plan, the
        window) and holds every thread meanwhile: with 200 nodes it came every 20 s or
        so and stopped the farm for 70-220 ms, a lease's whole budget several times
        over. Those objects live as long as the book anyway.
        """
        try:
            job = self.farm.job if self.farm.has_job else None
        except NoJob:  # detached just now
            job = None
        if job is not self._frozen_for:
            gc.unfreeze()
            if job is not None:
                gc.freeze()
            self._frozen_for = job

    async def _async_serve(self, loop: asyncio.AbstractEventLoop, factory: web.Server,
                           sock: socket.socket) -> None:
        try:
            transport, _protocol = await loop.connect_accepted_socket(
                factory, sock, ssl=self.ssl_context,
                ssl_handshake_timeout=HANDSHAKE_TIMEOUT_S if self.ssl_context else None)
        except (OSError, ssl.SSLError, TimeoutError):  # the peer left or spoke no TLS
            sock.close()
            return
        except asyncio.CancelledError:  # stopping mid-handshake: the loop may end next
            sock.close()
            raise
        self._transports = {t for t in self._transports if not t.is_closing()}
        self._transports.add(transport)

    async def _async_abort_stragglers(self) -> None:
        """Close what is still open; connections a peer never closed end within a second.

        Aborting at once would drop a last answer still in the TLS buffer (the "job
        over" a node was just given) and leave that node retrying a farm that is gone;
        waiting for every TLS goodbye would let a silent peer hold the coordinator open.
        """
        transports, self._transports = self._transports, set()
        sockets = [t.get_extra_info("socket") for t in transports if not t.is_closing()]
        for transport in transports:
            if not transport.is_closing():
                transport.close()  # sends what is buffered, then the TLS goodbye
        deadline = time.monotonic() + STRAGGLER_GRACE_S
        while any(s is not None and s.fileno() != -1 for s in sockets) \
                and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for transport in transports:
            transport.abort()
        for _ in range(3):  # let the aborts' callbacks close the sockets
            await asyncio.sleep(0)

    async def _async_advertise(self, advertiser: Advertiser) -> None:
        """Advertise the farm, not the book: the LAN learns nothing of what is read."""
        ident = self.farm.identity
        try:
            await advertiser.async_start(ident.name, self.port, ident.fingerprint)
        except OSError as exc:  # no multicast here: nodes can still use --url
            log.warning("mDNS advertisement unavailable: %s", exc)

    def stop_soon(self, grace: float) -> None:
        """Withdraw the advertisement now, stop serving after ``grace`` s; returns at once.

        The grace lets nodes still at work hear "job over" instead of finding the port
        closed (``stop`` ends it sooner, once they have), and the mDNS goodbye overlaps
        the last chapter's encoding instead of adding to the book's end.
        """
        if self._loop is not None and self._stop is not None:
            stop, withdraw = self._stop, self._withdraw
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(withdraw.set)
                self._loop.call_soon_threadsafe(self._loop.call_later, grace, stop.set)

    def stop(self) -> None:
        """Withdraw the advertisement, close the server, join the thread."""
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._withdraw.set)
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)


class _Acceptor:
    """Accepts every connection waiting on the listener when it is readable."""

    BURST = 16
    """Connections taken per wake-up before the loop serves the others again."""

    def __init__(self, listener: socket.socket, guard: ConnectionGuard,
                 serve: Callable[[socket.socket], None],
                 loop: asyncio.AbstractEventLoop) -> None:
        self.listener, self.guard, self.serve, self.loop = listener, guard, serve, loop
        self._last_complaint = 0.0
        self._paused = True
        self._closed = False

    def resume(self) -> None:
        if self._paused and not self._closed:
            self._paused = False
            self.loop.add_reader(self.listener.fileno(), self._on_readable)

    def pause(self) -> None:
        if not self._paused:
            self._paused = True
            self.loop.remove_reader(self.listener.fileno())

    def close(self) -> None:
        """For good: a resume already scheduled does nothing."""
        self.pause()
        self._closed = True

    def _on_readable(self) -> None:
        for _ in range(self.BURST):
            try:
                sock, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors: drop overstayers, try again soon
                now = time.monotonic()
                if now - self._last_complaint > 60:
                    log.warning("cannot accept connections (%s); %d open", exc.strerror,
                                len(self.guard))
                    self._last_complaint = now
                self.guard.sweep()
                self.pause()
                self.loop.call_later(ACCEPT_ERROR_PAUSE_S, self.resume)
                return
            sock.setblocking(False)
            if self.guard.admit(sock, str(address[0])):
                self.serve(sock)
            else:
                sock.close()
