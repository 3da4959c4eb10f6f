"""Peer garbage costs one short log line, never a traceback.

aiohttp logs a full traceback for every malformed HTTP request, and asyncio one
for every failed TLS handshake: on a LAN anyone can send those, as often as they
like, and fill the log (and the disk) with them. They are not our errors. This
filter keeps such records to one line at DEBUG level; everything else passes.
"""

from __future__ import annotations

import logging
import ssl

_PEER_ERRORS = (ConnectionError, ssl.SSLError, TimeoutError)
_NOISY = ("aiohttp.server", "aiohttp.access", "asyncio")
_installed = False


class PeerNoiseFilter(logging.Filter):
    """Demotes peer-caused errors (bad requests, broken TLS, resets) to one DEBUG line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        from_peer = exc is not None and (
            isinstance(exc, _PEER_ERRORS) or type(exc).__module__.startswith("aiohttp"))
        if record.name == "aiohttp.server" or from_peer:
            record.msg = f"{record.getMessage()} ({type(exc).__name__ if exc else 'peer'})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def quiet_peer_noise() -> None:
    """Install the filter once on the loggers that report peers' mistakes."""
    global _installed
    if _installed:
        return
    _installed = True
    for name in _NOISY:
        logging.getLogger(name).addFilter(PeerNoiseFilter())
