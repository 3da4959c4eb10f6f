"""One window per data folder: a second `e2a [BOOK…]` hands its books to the window already
open on that folder and exits; garbage on the socket and a killed window's socket are
shrugged off. (A household test opened a second window with "Open with e2a": the same
farm advertised twice, and a paused book neither window could resume or discard.)"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from e2a_desktop.ui import single_window
from e2a_desktop.ui.app import serve_later_starts
from e2a_desktop.ui.main_window import MainWindow
from e2a_desktop.ui.single_window import (
    MAX_MESSAGE,
    OK,
    WindowClaim,
    WindowServer,
    decode,
    encode,
    hand_over,
    server_name,
)
from e2a_node.single import FileLock
from tests.conftest import ROOT
from tests.helpers.fakes import GateEngine

WAIT_MS = 60_000
QUICK_S = 20.0
"""A second start that waited for no window, but took one over, is done well within this
(it imports the app on a loaded test machine; opening its own window never ends)."""


@pytest.fixture
def served(window: MainWindow, data_dir: Path) -> Iterator[WindowServer]:
    """The window, listening for later starts on this test's data folder."""
    claim = WindowClaim(data_dir)
    assert claim.first
    server = serve_later_starts(window, claim)
    yield server
    server.close()


def _send(qtbot: QtBot, name: str, data: bytes) -> bytes:
    """What a later start (or anything else of this user's) sends; returns the answer once
    the window has closed the connection."""
    sock = QLocalSocket()
    got: list[bytes] = []
    sock.readyRead.connect(lambda: got.append(bytes(sock.readAll().data())))
    with qtbot.waitSignal(sock.connected, timeout=5_000):
        sock.connectToServer(name)
    with qtbot.waitSignal(sock.disconnected, timeout=10_000):
        sock.write(data)
        sock.flush()
    return b"".join(got)


def _second_start(*args: str) -> subprocess.CompletedProcess[str]:
    """`e2a ARGS` as "Open with e2a" runs it: a process of its own, on the same folder."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "e2a_desktop", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _run_second_start(qtbot: QtBot, *args: str) -> tuple[int, str, float]:
    """Start it, and serve the window while it runs; its exit status, output and time."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    began = time.monotonic()
    with subprocess.Popen([sys.executable, "-m", "e2a_desktop", *args], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        try:
            qtbot.waitUntil(lambda: proc.poll() is not None, timeout=int(QUICK_S * 1000))
        finally:
            if proc.poll() is None:
                proc.kill()  # it opened a window of its own: the defect
            output, _ = proc.communicate()
    return proc.returncode, output, time.monotonic() - began


def test_a_second_start_hands_its_book_to_the_open_window_and_exits(
        qtbot: QtBot, window: MainWindow, served: WindowServer, sample_book: Path) -> None:
    with qtbot.waitSignal(window.book_opened, timeout=WAIT_MS) as opened:
        status, output, took = _run_second_start(qtbot, str(sample_book))
    assert status == 0, output
    assert took < QUICK_S
    assert opened.args[0].metadata.title == "Three Fables of Aesop"
    assert window.book_path == sample_book


def test_a_second_start_with_no_book_brings_the_window_forward(
        qtbot: QtBot, window: MainWindow, served: WindowServer) -> None:
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=5_000)
    status, output, _took = _run_second_start(qtbot)
    assert status == 0, output
    qtbot.waitUntil(lambda: not window.isMinimized() and window.isVisible(), timeout=5_000)
    assert window.pages.currentIndex() == 0  # nothing opened


def test_a_book_handed_over_mid_conversion_waits_in_the_queue(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, served: WindowServer,
        sample_book: Path, tmp_path: Path) -> None:
    """As a drop does while a book converts: it joins Books waiting."""
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=WAIT_MS):
        window.open_book(sample_book)
    window.start_conversion()
    qtbot.waitUntil(lambda: window.session is not None, timeout=WAIT_MS)
    crow = tmp_path / "crow.md"
    crow.write_text("# The Crow\n\nA thirsty crow found a jug.\n", encoding="utf-8")
    assert _send(qtbot, served.claim.name, encode([crow])) == OK
    qtbot.waitUntil(lambda: [r.book_path for r in window.waiting.queue] == [crow],
                    timeout=5_000)
    assert window.tabs.currentWidget() is window.waiting_panel
    assert window.book_path == sample_book  # the converting book stays


@pytest.mark.parametrize("garbage", [
    b"not json\n", b"{}\n", b'"/a/book.epub"\n', b"[1, 2]\n", b'["relative/book.epub"]\n',
    b'["/a\\u0000b.epub"]\n', b"\xff\xfe\n", b"[" * 50_000 + b"\n",
    b"[" + b" " * (MAX_MESSAGE + 10),  # a flood with no end of line
])
def test_garbage_on_the_socket_is_ignored_and_the_window_keeps_working(
        qtbot: QtBot, window: MainWindow, served: WindowServer, sample_book: Path,
        garbage: bytes) -> None:
    handed: list[object] = []
    served.books_handed.connect(handed.append)
    assert _send(qtbot, served.claim.name, garbage) == b""  # dropped, no answer
    with qtbot.waitSignal(window.book_opened, timeout=WAIT_MS):
        assert _send(qtbot, served.claim.name, encode([sample_book])) == OK
    assert handed == [[sample_book]]


def test_a_connection_that_never_finishes_its_line_is_dropped(
        qtbot: QtBot, served: WindowServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(single_window, "READ_MS", 50)
    assert _send(qtbot, served.claim.name, b'["/a/book') == b""


def test_a_killed_windows_socket_does_not_stop_a_new_start(
        qtbot: QtBot, window: MainWindow, data_dir: Path, sample_book: Path) -> None:
    """A window killed (SIGKILL, a power cut) leaves its socket file; its lock went with it."""
    name = server_name(data_dir)
    stale = Path(QDir.tempPath()) / name
    left = socket.socket(socket.AF_UNIX)
    left.bind(str(stale))  # the file of a socket nobody listens on any more
    left.close()
    try:
        began = time.monotonic()
        claim = WindowClaim(data_dir)
        assert not claim.hand_over([sample_book])  # refused at once: no one to hand to
        assert time.monotonic() - began < single_window.WAIT_S
        server = serve_later_starts(window, claim)
        try:
            assert server._server.isListening()
            with qtbot.waitSignal(window.book_opened, timeout=WAIT_MS):
                assert _send(qtbot, name, encode([sample_book])) == OK
        finally:
            server.close()
    finally:
        stale.unlink(missing_ok=True)


@pytest.mark.skipif(sys.platform == "win32", reason="the socket's file mode is Unix's")
def test_only_this_user_may_connect(served: WindowServer) -> None:
    mode = (Path(QDir.tempPath()) / served.claim.name).stat().st_mode
    assert mode & 0o077 == 0


def test_a_hung_window_is_passed_over_after_the_wait(data_dir: Path, qapp: object) -> None:
    """It listens (or is still starting, holding the lock) but never answers: the user
    gets a window of their own after the wait, not nothing."""
    data_dir.mkdir(parents=True)
    held = FileLock(data_dir / single_window.LOCK_NAME)
    hung = QLocalServer()
    try:
        assert hung.listen(server_name(data_dir))
        claim = WindowClaim(data_dir)
        assert claim.held and not claim.first
        began = time.monotonic()
        assert not claim.hand_over([Path("/a/book.epub")], wait_s=0.3)
        assert time.monotonic() - began < 2.0
        server = WindowServer(claim)
        assert server.listen()  # takes the name over from the hung one
        server.close()
    finally:
        hung.close()
        held.release()


def test_messages_round_trip_any_path() -> None:
    books = [Path("/home/ann/Books/Émile ü.epub"), Path(os.fsdecode(b"/tmp/\xff.epub"))]
    assert decode(encode(books).rstrip(b"\n")) == books
    assert decode(encode([]).rstrip(b"\n")) == []


def test_the_name_belongs_to_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    same = tmp_path / "a" / ".." / "a"
    assert server_name(tmp_path / "a") == server_name(same)
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert len(server_name(tmp_path)) < 64  # a Unix socket's path is short


def test_no_window_answers_when_none_runs(data_dir: Path, qapp: object) -> None:
    began = time.monotonic()
    assert not hand_over(server_name(data_dir), [Path("/a/book.epub")])
    assert time.monotonic() - began < 1.0
    assert _second_start("--help").returncode == 0  # a command, not a window: untouched
