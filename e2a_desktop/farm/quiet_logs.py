"""Peer garbage costs at most one short log line, never a traceback, and the log is bounded.

aiohttp logs a full traceback for every malformed HTTP request, and asyncio one
for every failed TLS handshake: on a LAN anyone can send those, as often as they
like, and fill the log (and the disk) with them. They are not our errors. The
coordinator's own handlers refuse a peer's junk with a 4xx and say so here too.

``PeerErrorLog`` says each kind of error from each peer at most once a
``window`` (a minute), as one DEBUG line; at most ``max_lines`` such lines a
window in all, whoever sends them. What it holds back is counted, and the count
is said in one line when the next window begins. A real bug (a 500) keeps its
traceback, once per kind a window, so a peer that found one cannot fill the disk
with it either. So the farm's log grows by at most ``max_lines + 1`` lines of
peer errors a minute (each under ``MAX_LINE_CHARS``), however many requests come.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable

_PEER_ERRORS = (ConnectionError, ssl.SSLError, TimeoutError)
_NOISY = ("aiohttp.server", "aiohttp.access", "asyncio")
WINDOW_S = 60.0
MAX_LINES_PER_WINDOW = 50
"""Lines about peers' errors in one window, all peers and kinds together."""
MAX_TRACKED = 4096
"""(peer, kind) pairs remembered in a window; more (a spoofed address per request) are
only counted, so the memory this takes is bounded too."""
MAX_LINE_CHARS = 300
_DETAIL_CHARS = 160


class PeerErrorLog:
    """Rate-limits what peers' errors put in the log (see the module's docstring)."""

    def __init__(self, logger: logging.Logger, window: float = WINDOW_S,
                 max_lines: int = MAX_LINES_PER_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.window = window
        self.max_lines = max_lines
        self.clock = clock
        self._lock = threading.Lock()  # called from the server's loop and aiohttp's filters
        self._quiet: dict[tuple[str, str], float] = {}  # said: quiet until then
        self._window_end = float("-inf")
        self._lines = 0
        self._held = 0  # not said in the current window
        self.noted = 0
        """Every error reported, said or not."""

    def note(self, peer: str, kind: str, detail: str = "") -> None:
        """A peer caused an error of ``kind`` (a short fixed phrase): one DEBUG line at most."""
        if self._admit(peer, kind):
            self.logger.debug("%s", _line(f"{kind} from {peer[:64]}", detail))

    def bug(self, kind: str, exc: BaseException) -> None:
        """Our own error (a 500): with its traceback, but once per ``kind`` a window."""
        if self._admit("", kind):
            self.logger.error("%s", _line(kind, ""), exc_info=exc)

    def _admit(self, peer: str, kind: str) -> bool:
        """Say it now? Else it is counted, and the count said when the window ends."""
        summary, admitted = 0, False
        with self._lock:
            self.noted += 1
            now = self.clock()
            if now >= self._window_end:
                summary, self._held, self._lines = self._held, 0, 0
                self._quiet = {k: until for k, until in self._quiet.items() if until > now}
                self._window_end = now + self.window
            key = (peer, kind)
            if self._quiet.get(key, now) > now or self._lines >= self.max_lines or (
                    key not in self._quiet and len(self._quiet) >= MAX_TRACKED):
                self._held += 1
            else:
                self._quiet[key] = now + self.window
                self._lines += 1
                admitted = True
        if summary:
            self.logger.debug("%d more errors from peers in the last minute were not logged",
                              summary)
        return admitted


def _line(what: str, detail: str) -> str:
    return (f"{what}: {detail[:_DETAIL_CHARS]}" if detail else what)[:MAX_LINE_CHARS]


PEER_ERRORS = PeerErrorLog(logging.getLogger("e2a_desktop.farm.peers"))
"""The process's one limiter: the coordinator's app and the filters below share it."""


class PeerNoiseFilter(logging.Filter):
    """Turns peer-caused errors (bad requests, broken TLS, resets) into rate-limited lines."""

    def __init__(self, peer_log: PeerErrorLog = PEER_ERRORS) -> None:
        super().__init__()
        self.peer_log = peer_log

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        from_peer = exc is not None and (
            isinstance(exc, _PEER_ERRORS) or type(exc).__module__.startswith("aiohttp"))
        if record.name == "aiohttp.server" or from_peer:
            kind = f"{record.name}: {type(exc).__name__ if exc else 'peer'}"
            self.peer_log.note("a peer", kind, record.getMessage())
            return False
        return True


def quiet_peer_noise(peer_log: PeerErrorLog = PEER_ERRORS) -> None:
    """Install the filter once on the loggers that report peers' mistakes."""
    for name in _NOISY:
        logger = logging.getLogger(name)
        installed = [f for f in logger.filters if isinstance(f, PeerNoiseFilter)]
        for noise in installed:
            noise.peer_log = peer_log
        if not installed:
            logger.addFilter(PeerNoiseFilter(peer_log))
