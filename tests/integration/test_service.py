"""The job service driven from another thread, as the window and the tray will drive it."""

from __future__ import annotations

import errno
import sqlite3
import time
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import ConvertRequest, FarmOptions, prepare
from e2a_desktop.events import (
    Cancelled,
    ChapterEncoded,
    NodeGone,
    UnitFinished,
    UnitRequeued,
    UnitStarted,
    WaitingForNodes,
)
from e2a_desktop.plan import PlanSettings
from e2a_desktop.service import CANCELLED, FAILED, FINISHED, Conversion
from e2a_node.protocol import Capabilities
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder

SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."
TITLES = ["The Fox", "The Dog", "The River"]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "fables.txt"
    path.write_text("Fables\n\n" + "".join(
        f"Chapter {n}: {title}\n\n{' '.join([SENTENCE] * 4)}\n\n{' '.join([SENTENCE] * 3)}\n\n"
        for n, title in enumerate(TITLES, start=1)), encoding="utf-8")
    return path


def _conversion(book: Path, out: Path, farm: FarmOptions | None = None) -> Conversion:
    request = ConvertRequest(book, out, voice=EngineSettings(engine="gate", voice="gate"),
                             plan=PlanSettings(target_chars=140, max_chars=300), farm=farm)
    return Conversion(prepare(request), AppPaths.load())


def test_a_long_chapter_is_encoding_before_its_last_unit_is_spoken(
        gate: type[GateEngine], book: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's end does not wait for a whole chapter's encode: the encoder has the
    chapter's beginning while its last unit is still being spoken."""
    monkeypatch.setattr("e2a_desktop.mastering.STREAM_AFTER_S", 1.0)
    conversion = _conversion(book, tmp_path / "book.m4b")
    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    first_chapter = [u for u in conversion.prepared.units if u.chapter == 0]
    assert len(first_chapter) >= 3
    gate.allow(sum(len(u.sentences) for u in first_chapter[:-1]))  # all but the last unit
    seen.wait_for(lambda evs: sum(isinstance(e, UnitFinished) and e.accepted
                                  for e in evs) == len(first_chapter) - 1,
                  what="the chapter's first units")
    assert conversion.job is not None
    partial = conversion.job.chapters_dir / "000.m4a.tmp"
    deadline = time.monotonic() + 60
    while not partial.exists() and time.monotonic() < deadline:  # ffmpeg opens its output
        seen.wait_for(lambda evs: True, timeout=0.1)
    assert partial.exists(), "the chapter's encode began before its last unit"
    assert not seen.of(ChapterEncoded)
    gate.open()
    outcome = conversion.wait(120)
    assert outcome is not None and outcome.state == FINISHED, outcome
    encoded_chapters = seen.of(ChapterEncoded)
    assert sorted(e.chapter for e in encoded_chapters) == [0, 1, 2]
    for encoded in encoded_chapters:  # every unit and the pauses between, nothing twice
        units = [e for e in seen.of(UnitFinished) if e.accepted and e.chapter == encoded.chapter]
        speech = sum(e.audio_seconds for e in units)
        assert speech < encoded.duration < speech + 0.9 * len(units)
    chapters = MP4(str(tmp_path / "book.m4b")).chapters
    assert [c.title for c in chapters] == [f"Chapter {n}: {t}"
                                           for n, t in enumerate(TITLES, start=1)]


def test_the_next_unit_is_leased_while_the_last_sentence_is_spoken(
        gate: type[GateEngine], book: Path, tmp_path: Path) -> None:
    """No idle round trip between units: the lease is on its way before the unit ends."""
    conversion = _conversion(book, tmp_path / "book.m4b")
    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    seen.wait_kind(UnitStarted)
    first = seen.of(UnitStarted)[0]
    planned = len(conversion.prepared.units[first.unit_id - 1].sentences)
    assert planned >= 2
    gate.allow(planned - 1)  # everything but the last sentence of the first unit
    seen.wait_kind(UnitStarted, 2)  # the next one is leased while that sentence waits
    assert not seen.of(UnitFinished)
    gate.open()
    outcome = conversion.wait(120)
    assert outcome is not None and outcome.state == FINISHED, outcome
    finished = [e.unit_id for e in seen.of(UnitFinished) if e.accepted]
    assert sorted(finished) == sorted(set(finished))  # each unit accepted once
    assert len(finished) == len(conversion.prepared.units)


def test_cancel_returns_promptly_keeps_the_work_and_leaves_no_output(
        gate: type[GateEngine], book: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.m4b"
    conversion = _conversion(book, out)
    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    gate.allow(4)  # the first unit (two sentences, then the next one's first ones)
    seen.wait_kind(UnitFinished)
    seen.wait_kind(UnitStarted, 2)
    began = time.monotonic()
    assert conversion.cancel(timeout=0) is None  # asked; the unit in hand ends at a sentence
    gate.allow(1)
    outcome = conversion.wait(30)
    assert outcome is not None and outcome.state == CANCELLED
    assert time.monotonic() - began < 10
    assert seen.of(Cancelled)[0].units_done >= 1
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    assert any(e.reason == "handed back" for e in seen.of(UnitRequeued))

    # The same book again: the units spoken before are not spoken again.
    before = {e.unit_id for e in seen.of(UnitFinished) if e.accepted}
    gate.open()
    again = _conversion(book, out)
    seen_again = Recorder()
    again.bus.subscribe(seen_again)
    outcome = again.run()
    assert outcome.state == FINISHED
    spoken_again = {e.unit_id for e in seen_again.of(UnitFinished)}
    assert before and not before & spoken_again
    assert out.exists()


def test_a_silent_node_is_reported_gone_by_the_timer(gate: type[GateEngine], book: Path,
                                                     tmp_path: Path) -> None:
    """Nobody leases meanwhile: the built-in node is stuck in a sentence, the ghost is gone."""
    conversion = _conversion(book, tmp_path / "book.m4b",
                             FarmOptions(lease_ttl=2.0, mdns_interfaces=["127.0.0.1"]))
    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    seen.wait_kind(UnitStarted)  # the built-in node holds a unit and waits at the gate
    assert conversion.farm is not None
    caps = Capabilities("ghost pc", "cpu", {"gate": ["gate"]})
    leased = conversion.farm.lease("ghost-node-1", caps)
    assert leased.assignment is not None  # then the ghost goes silent for good
    seen.wait_for(lambda evs: any(isinstance(e, NodeGone) and e.node == "ghost-node-1"
                                  for e in evs), timeout=30, what="the ghost reported gone")
    assert any(e.unit_id == leased.assignment.unit_id and e.reason == "lease expired"
               for e in seen.of(UnitRequeued))
    gone = [e for e in seen.of(NodeGone)]
    assert [e.node for e in gone] == ["ghost-node-1"], "the built-in node is alive"
    assert conversion.snapshot().nodes and {n.node: n.state for n in
                                            conversion.snapshot().nodes}["ghost-node-1"] == "gone"
    conversion.cancel(timeout=0)
    gate.allow(1)  # the built-in node's sentence ends; it hands its unit back
    outcome = conversion.wait(30)
    assert outcome is not None and outcome.state == CANCELLED


def test_waiting_for_nodes_that_never_come_gives_up_and_binds_the_book(
        gate: type[GateEngine], book: Path, tmp_path: Path) -> None:
    """--wait-nodes 2 with no node on the LAN: a countdown, then this PC renders the book."""
    gate.open()
    conversion = _conversion(book, tmp_path / "book.m4b",
                             FarmOptions(wait_nodes=2, wait_nodes_for=1.0,
                                         mdns_interfaces=["127.0.0.1"]))
    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    outcome = conversion.wait(120)
    assert outcome is not None and outcome.state == FINISHED, outcome
    waits = seen.of(WaitingForNodes)
    assert waits[0] == WaitingForNodes(0, 2, waits[0].seconds_left)
    assert waits[-1].gave_up and waits[-1].joined == 0
    assert [c.title for c in MP4(str(tmp_path / "book.m4b")).chapters] == [
        f"Chapter {n}: {t}" for n, t in enumerate(TITLES, start=1)]


DISK_FAULTS = {
    "disk full": (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    "store full": (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
    "read-only": (OSError(errno.EROFS, "Read-only file system"), "cannot be written"),
}


@pytest.mark.parametrize("fault", sorted(DISK_FAULTS))
def test_a_disk_fault_ends_with_one_line_and_the_same_conversion_resumes(
        gate: type[GateEngine], book: Path, tmp_path: Path, fault: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The third accepted unit cannot be stored: a clear message, no traceback, nothing lost."""
    from e2a_desktop.job import Job

    error, message = DISK_FAULTS[fault]
    real_accept, calls = Job.accept_file, []

    def failing_accept(self: Job, *args: object, **kwargs: object) -> bool:
        calls.append(1)
        if len(calls) >= 3:
            raise error
        return real_accept(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Job, "accept_file", failing_accept)
    gate.open()
    out = tmp_path / "book.m4b"
    conversion = _conversion(book, out)
    seen = Recorder()
    conversion.bus.subscribe(seen)
    outcome = conversion.run()
    assert outcome.state == FAILED
    assert outcome.error is not None and message in str(outcome.error)
    assert str(conversion.job.folder) in str(outcome.error)  # type: ignore[union-attr]
    assert "internal error" not in str(outcome.error)
    kept = {e.unit_id for e in seen.of(UnitFinished) if e.accepted}
    assert len(kept) == 2 and not out.exists()

    monkeypatch.setattr(Job, "accept_file", real_accept)  # room again
    again = _conversion(book, out)
    seen_again = Recorder()
    again.bus.subscribe(seen_again)
    assert again.run().state == FINISHED
    assert not kept & {e.unit_id for e in seen_again.of(UnitStarted)}  # not spoken twice
    assert [c.title for c in MP4(str(out)).chapters] == [
        f"Chapter {n}: {t}" for n, t in enumerate(TITLES, start=1)]


def test_a_voice_that_always_fails_ends_the_conversion_with_its_error(
        book: Path, tmp_path: Path) -> None:
    from e2a_node.engines import register_engine, unregister_engine
    from e2a_node.engines.base import Speech

    class BrokenEngine(GateEngine):
        def speak(self, text: str) -> Speech:
            raise RuntimeError("model weights are corrupt")

    register_engine("gate", BrokenEngine)
    try:
        outcome = _conversion(book, tmp_path / "book.m4b").run()
    finally:
        unregister_engine("gate")
    assert outcome.state == FAILED
    assert "failed on 3 units in a row" in str(outcome.error)
    assert "model weights are corrupt" in str(outcome.error)


def test_chapters_encoded_by_an_earlier_run_are_said_with_their_length(
        gate: type[GateEngine], book: Path, tmp_path: Path) -> None:
    """A resumed book's chapters encoded before are announced once, with their real length
    (the window's chapter list kept its estimates for them after a resume)."""
    gate.open()
    first = _conversion(book, tmp_path / "book.m4b")
    seen = Recorder()
    first.bus.subscribe(seen)
    first.start()
    outcome = first.wait(120)
    assert outcome is not None and outcome.state == FINISHED, outcome
    lengths = {e.chapter: e.duration for e in seen.of(ChapterEncoded)}
    assert not any(e.earlier for e in seen.of(ChapterEncoded))

    again = _conversion(book, tmp_path / "again.m4b")  # the same job, its chapters encoded
    heard = Recorder()
    again.bus.subscribe(heard)
    again.start()
    outcome = again.wait(120)
    assert outcome is not None and outcome.state == FINISHED, outcome
    earlier = heard.of(ChapterEncoded)
    assert sorted(e.chapter for e in earlier) == [0, 1, 2] and all(e.earlier for e in earlier)
    for event in earlier:
        assert abs(event.duration - lengths[event.chapter]) < 0.1
