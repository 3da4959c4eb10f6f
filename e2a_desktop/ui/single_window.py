"""One window per data folder: a second `e2a [BOOK…]` hands its books to the running window.

Two windows on one folder advertised the same farm twice and each listed the other's
paused book, which it could neither resume nor discard ("Open with e2a" on an EPUB while
e2a was open did it). So a start first offers its books to the folder's window over a
local socket (QLocalServer: a Unix socket, a named pipe on Windows) and exits if it
answers; else it becomes that window.

- The socket's name is a hash of the user and the folder's resolved path, so another
  user's window or another folder's never answers; only this user may connect.
- A lock file in the folder (an OS lock: gone with its process) says a window owns it.
  Held, another e2a is running or still starting (``Exec=e2a %f`` starts one e2a per
  selected file at once): keep knocking until the wait is over. Free, whatever socket is
  left is stale (a killed window's): remove it and listen.
- A window that does not answer within ``WAIT_S`` (hung, dying) is passed over: the user
  gets a window rather than nothing.
- The message is one line of JSON, a list of absolute paths, at most ``MAX_MESSAGE``
  bytes; the window answers ``ok``. Anything else that arrives is dropped, never raised.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from e2a_node.single import FileLock, LockHeld

log = logging.getLogger("e2a.ui")

LOCK_NAME = "window.lock"
WAIT_S = 3.0
"""How long a start waits for the running window's answer before opening its own."""
MAX_MESSAGE = 64 * 1024
"""Bytes a message may take: thousands of paths; a flood is cut off, not buffered."""
MAX_BOOKS = 1000
READ_MS = 5_000
"""A connection that has not sent its line by then is dropped (it holds a socket)."""
RETRY_S = 0.05
OK = b"ok\n"


def server_name(data_dir: Path) -> str:
    """The folder's socket name: the same for every start of this user on this folder."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the uid will do
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    key = f"{user}\0{data_dir.expanduser().resolve()}".encode("utf-8", "surrogateescape")
    return f"e2a-window-{hashlib.sha256(key).hexdigest()[:24]}"


def encode(books: Sequence[Path]) -> bytes:
    """The message: a line of JSON (ASCII: any byte of a path survives as an escape)."""
    return json.dumps([str(b) for b in books]).encode("ascii") + b"\n"


def decode(line: bytes) -> list[Path] | None:
    """The books in a message; None for anything but a list of absolute paths."""
    try:
        items = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(items, list) or len(items) > MAX_BOOKS:
        return None
    if not all(isinstance(i, str) and i and "\0" not in i for i in items):
        return None
    books = [Path(i) for i in items]
    return books if all(b.is_absolute() for b in books) else None


def hand_over(name: str, books: Sequence[Path], wait_s: float = WAIT_S,
              keep_trying: bool = False) -> bool:
    """Give ``books`` to the window serving ``name``; True once it said it took them.

    ``keep_trying``: a window is known to be starting, so a refused connection is tried
    again until ``wait_s`` is over. Runs before any event loop: Qt's blocking waits."""
    deadline = time.monotonic() + wait_s
    while True:
        taken = _offer(name, encode(books), deadline)
        if taken or not keep_trying or time.monotonic() + RETRY_S >= deadline:
            return taken
        time.sleep(RETRY_S)  # the window is starting: its server listens in a moment


def _offer(name: str, message: bytes, deadline: float) -> bool:
    def left_ms() -> int:
        return max(1, int((deadline - time.monotonic()) * 1000))

    sock = QLocalSocket()
    sock.connectToServer(name)
    try:
        if not sock.waitForConnected(left_ms()):
            return False
        sock.write(message)
        sock.flush()
        reply = b""
        while not reply.endswith(b"\n") and len(reply) < len(OK):
            if time.monotonic() >= deadline or not sock.waitForReadyRead(left_ms()):
                return False
            reply += bytes(sock.readAll().data())
        return reply == OK
    finally:
        sock.abort()


class WindowClaim:
    """This start's claim on the data folder's window: its lock, and whether it is first."""

    def __init__(self, data_dir: Path) -> None:
        self.name = server_name(data_dir)
        self.lock: FileLock | None = None
        self.first = False  # the lock was free: no window runs on this folder
        self.held = False  # another e2a holds it: a window runs, or is starting
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            self.lock = FileLock(data_dir / LOCK_NAME)
            self.first = True
        except LockHeld:
            self.held = True
        except OSError as exc:  # an unwritable folder: the window will say so itself
            log.info("no window lock in %s: %s", data_dir, exc)

    def hand_over(self, books: Sequence[Path], wait_s: float = WAIT_S) -> bool:
        """Offer the books to the running window; False: this start opens the window."""
        if self.first:
            return False
        return hand_over(self.name, books, wait_s, keep_trying=self.held)

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None


class WindowServer(QObject):
    """The running window's end: hears later starts and says what they brought.

    Signals: ``books_handed(list[Path])`` (empty: only come to the front).
    """

    books_handed = Signal(list)

    def __init__(self, claim: WindowClaim, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.claim = claim
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        """Listen under the folder's name; a stale socket (a killed window's) is replaced."""
        if self.claim.first:
            QLocalServer.removeServer(self.claim.name)
        if self._server.listen(self.claim.name):
            return True
        QLocalServer.removeServer(self.claim.name)  # a hung window's: it was passed over
        if self._server.listen(self.claim.name):
            return True
        log.warning("later starts cannot reach this window: %s", self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()
        self.claim.release()

    def _on_connection(self) -> None:
        while (sock := self._server.nextPendingConnection()) is not None:
            _Message(sock, self._on_books)

    def _on_books(self, books: list[Path]) -> None:
        log.info("a later start handed over %d book(s)", len(books))
        # after the answer is sent, from the loop: a question the window asks on opening
        # (edits to keep?) must not run inside the socket's slot
        QTimer.singleShot(0, self, lambda: self.books_handed.emit(books))


class _Message(QObject):
    """Reads one connection's line, answers it, and hands its books on (or drops it)."""

    def __init__(self, sock: QLocalSocket, on_books: Callable[[list[Path]], None]) -> None:
        super().__init__(sock)  # goes with its socket
        self._sock = sock
        self._on_books = on_books
        self._data = b""
        sock.readyRead.connect(self._on_ready_read)
        sock.disconnected.connect(sock.deleteLater)
        QTimer.singleShot(READ_MS, self, self._drop)
        self._on_ready_read()

    def _on_ready_read(self) -> None:
        self._data += bytes(self._sock.readAll().data())
        line, newline, _rest = self._data.partition(b"\n")
        if not newline:
            if len(self._data) > MAX_MESSAGE:
                self._drop()
            return
        books = decode(line) if len(line) <= MAX_MESSAGE else None
        if books is None:
            self._drop()
            return
        self._sock.readyRead.disconnect(self._on_ready_read)
        self._sock.write(OK)
        self._sock.flush()
        self._sock.disconnectFromServer()
        self._on_books(books)

    def _drop(self) -> None:
        self._sock.abort()
        self._sock.deleteLater()


def come_forward(window: QWidget) -> None:
    """Show the window in front, as it was (a maximised one stays maximised)."""
    if window.isMinimized() or window.isHidden():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
