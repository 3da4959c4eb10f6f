"""The coordinator's log of peers' errors is bounded, whatever peers send (quiet_logs.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from e2a_desktop.farm.quiet_logs import MAX_LINE_CHARS, MAX_TRACKED, PeerErrorLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def said(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """What the log holds; (caplog's list for the test itself is made after fixtures run)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    caplog.set_level(logging.DEBUG, logger="test.peers")
    keep = Keep()
    logging.getLogger("test.peers").addHandler(keep)
    yield records
    logging.getLogger("test.peers").removeHandler(keep)


def _log(clock: Clock, max_lines: int = 50) -> PeerErrorLog:
    return PeerErrorLog(logging.getLogger("test.peers"), window=60, max_lines=max_lines,
                        clock=clock)


def test_one_peers_repeated_error_is_said_once_a_minute_with_a_count(
        said: list[logging.LogRecord]) -> None:
    clock = Clock()
    log = _log(clock)
    for _ in range(1000):
        log.note("10.0.0.9", "slow body to POST /lease")
    assert len(said) == 1 and said[0].levelno == logging.DEBUG
    clock.now += 61
    log.note("10.0.0.9", "slow body to POST /lease")
    assert [r.getMessage() for r in said[1:]] == [
        "999 more errors from peers in the last minute were not logged",
        "slow body to POST /lease from 10.0.0.9"]
    assert log.noted == 1001


def test_many_peers_and_kinds_share_one_budget_a_minute(said: list[logging.LogRecord]) -> None:
    clock = Clock()
    log = _log(clock, max_lines=50)
    for minute in range(3):
        for peer in range(20_000):  # a spoofed address each time
            log.note(f"10.{peer // 250}.{peer % 250}.1", f"kind {peer % 7}", "x" * 10_000)
        clock.now += 60
        assert len(said) <= (minute + 1) * 51
    assert all(len(r.getMessage()) <= MAX_LINE_CHARS for r in said)
    assert len(log._quiet) <= MAX_TRACKED


def test_a_bug_keeps_its_traceback_but_once_a_minute(said: list[logging.LogRecord]) -> None:
    clock = Clock()
    log = _log(clock)
    for _ in range(100):
        try:
            raise KeyError("x")
        except KeyError as exc:
            log.bug("error handling POST /lease (KeyError)", exc)
    assert len(said) == 1 and said[0].exc_info is not None and said[0].levelno == logging.ERROR
