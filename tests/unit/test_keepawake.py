"""Keep-awake where no inhibitor works: one log line, no wakepy paragraph, no warning."""

from __future__ import annotations

import logging
import threading
import warnings

import pytest

from e2a_desktop import keepawake
from e2a_desktop.keepawake import KeepAwake


@pytest.fixture
def no_inhibitor(monkeypatch: pytest.MonkeyPatch) -> None:
    """wakepy's own switch: every method fails, as on a box without a session D-Bus."""
    monkeypatch.setenv("WAKEPY_FORCE_FAILURE", "1")
    monkeypatch.setattr(keepawake, "_said_unavailable", threading.Event())


def test_an_unavailable_keep_awake_says_so_once_and_nothing_else(
        no_inhibitor: None, caplog: pytest.LogCaptureFixture) -> None:
    """The window logs at INFO to stderr: wakepy printed three records there, one of them
    a paragraph listing each D-Bus failure, every time a book started."""
    caplog.set_level(logging.DEBUG)
    awake = KeepAwake()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _book in range(2):
            awake.hold()
            awake.release()
        awake.settle()
        released_elsewhere = threading.Thread(target=awake.release)  # (the window's close)
        awake.hold()
        released_elsewhere.start()
        released_elsewhere.join()
        awake.close()
    shown = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [(r.name, r.getMessage()) for r in shown] == [
        ("e2a.keepawake", "no way to keep this computer awake was found; it may sleep "
                          "mid-book")]
    assert not caught, [str(w.message) for w in caught]


def test_hold_does_not_wait_for_wakepy(no_inhibitor: None) -> None:
    """The window calls hold() on its GUI thread: wakepy's import and D-Bus calls happen
    on the keeper's own thread."""
    threads: list[str] = []
    awake = KeepAwake()
    awake._submit(lambda: threads.append(threading.current_thread().name))
    awake.hold()
    awake.settle()
    awake.close()
    assert threads and threads[0].startswith("e2a-keepawake")
