"""`--verify asr` on nodes with spare time (issue 25): at the book's tail a node with nothing
to speak is lent another node's unit to hear; it sends back what it heard, and this PC
scores it against the unit's text (the verdict is never the node's). A node never hears a
unit it spoke, a junk answer is refused, a hearer that vanishes gives the unit back to the
coordinator's own recogniser, and an older node that does not say it can hear is lent
nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from e2a_desktop.audio.asr import AsrVerifier
from e2a_desktop.cli import _report_hearing
from e2a_desktop.events import UnitRejected
from e2a_desktop.farm.farm import HEARD_ON_NODES_KEY, Farm
from e2a_desktop.farm.hearing import MAX_OVERTURNED
from e2a_desktop.farm.scheduler import HEARING
from e2a_desktop.store import UnitRecord
from e2a_node.protocol import (
    HEARING_REASON,
    LEASE_WAIT,
    MAX_TRANSCRIPT_CHARS,
    Capabilities,
    HearAssignment,
    HeardReport,
    LeaseResponse,
    ProtocolError,
)
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import RATE, SENTENCE, make_farm
from tests.unit.test_refused_elsewhere import lease, send

RECOGNISER = "fake-recogniser"
HEARS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]}, hears=(RECOGNISER,))
GOOD = " ".join([SENTENCE] * 20)
"""What the recogniser writes down for a good unit (every word, as often as any unit has it)."""


@dataclass
class GatedTranscriber:
    """This PC's recogniser, held by the test: it hears nothing until ``go`` is set."""

    says: str = GOOD
    name: str = RECOGNISER
    language: str = "en"
    go: threading.Event = field(default_factory=threading.Event)
    hearing: threading.Event = field(default_factory=threading.Event)
    heard: int = 0

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        assert rate == RATE and len(pcm) > 0
        self.hearing.set()
        assert self.go.wait(10)
        self.heard += 1
        return self.says


@dataclass
class Tail:
    farm: Farm
    clock: FakeClock
    here: GatedTranscriber
    accepted: list[UnitRecord]
    events: list[object]
    spoken_by: dict[int, str]


@pytest.fixture
def tail(tmp_path: Path) -> Iterator[Tail]:
    """Every unit spoken (node-a and node-b in turn) and awaiting the recogniser, this PC's
    recogniser busy with the first: the book's tail."""
    clock = FakeClock()
    farm = make_farm(tmp_path, clock=clock)
    job, scheduler = farm.job, farm.scheduler
    accepted: list[UnitRecord] = []
    events: list[object] = []
    farm.emit = events.append
    here = GatedTranscriber()
    farm.detach()
    farm.attach(job, scheduler, RATE, accepted.append, verify=AsrVerifier(here))
    spoken_by: dict[int, str] = {}
    while True:
        leased = {node: lease(farm, node) for node in ("node-a", "node-b")}
        if not any(leased.values()):
            break
        for node, unit_id in leased.items():
            if unit_id is not None:
                assert send(farm, node, unit_id) == (True, False)
                spoken_by[unit_id] = node
    assert len(spoken_by) >= 4
    assert here.hearing.wait(10)  # this PC hears the first; the rest wait
    yield Tail(farm, clock, here, accepted, events, spoken_by)
    here.go.set()
    farm.detach()


def hear(tail: Tail, node: str) -> HearAssignment | None:
    answer = tail.farm.lease(node, HEARS)
    assert answer.status == LEASE_WAIT
    if answer.hearing is not None:
        assert answer.reason == HEARING_REASON
    return answer.hearing


def status(tail: Tail, unit_id: int) -> str:
    unit = tail.farm.job.store.unit(unit_id)
    assert unit is not None
    return unit.status


def test_a_node_with_nothing_to_speak_hears_the_other_nodes_unit(
        tail: Tail, capsys: pytest.CaptureFixture[str]) -> None:
    given = hear(tail, "node-b")
    assert given is not None and given.recogniser == RECOGNISER and given.language == "en"
    assert tail.spoken_by[given.unit_id] == "node-a"  # never its own
    assert tail.farm.nodes["node-b"].state.label == "listening: checking a part's words"
    audio = tail.farm.hearing_audio("node-b", given.unit_id)
    assert audio is not None and audio[:4] == b"RIFF"
    assert tail.farm.hearing_audio("node-a", given.unit_id) is None  # not lent to node-a
    unit = tail.farm.job.store.unit(given.unit_id)
    assert unit is not None
    said = HeardReport(given.token, " ".join(unit.sentences))
    assert tail.farm.heard_remotely("node-b", given.unit_id, said)
    assert status(tail, given.unit_id) == "done"  # kept on the node's hearing
    assert given.unit_id in [u.id for u in tail.accepted]
    assert not tail.farm.heard_remotely("node-b", given.unit_id, said)  # once only
    tail.here.go.set()
    assert tail.farm.hearing_drained(10)
    assert tail.here.heard == len(tail.spoken_by) - 1  # this PC heard the others only
    assert tail.farm.scheduler.finished()
    _report_hearing(tail.farm.job.folder)  # e2a report counts it
    assert "1 unit of them heard on other PCs with spare time" in capsys.readouterr().out


def test_too_few_words_heard_on_a_node_are_heard_here_before_the_unit_is_refused(
        tail: Tail) -> None:
    given = hear(tail, "node-b")
    assert given is not None
    assert tail.farm.heard_remotely("node-b", given.unit_id,
                                    HeardReport(given.token, "nothing like it at all"))
    assert status(tail, given.unit_id) == "leased"  # not refused on a node's word alone
    assert HEARD_ON_NODES_KEY not in tail.farm.job.store.meta()  # its word decided nothing
    tail.here.says = "something else entirely was said here"  # this PC hears it wrong too
    tail.here.go.set()
    assert tail.farm.hearing_drained(10)
    refused = [e for e in tail.events if isinstance(e, UnitRejected)]
    assert given.unit_id in [e.unit_id for e in refused]
    assert status(tail, given.unit_id) == "pending"  # spoken again
    assert tail.farm.nodes["node-a"].bad_uploads >= 1  # its speaker's strike, this PC's word


def test_a_hearer_whose_word_is_overturned_is_lent_no_more(tail: Tail) -> None:
    for _ in range(MAX_OVERTURNED):
        given = hear(tail, "node-b")
        assert given is not None
        assert tail.farm.heard_remotely("node-b", given.unit_id,
                                        HeardReport(given.token, "lies"))
    tail.here.go.set()  # this PC hears them well: kept, nobody struck
    assert tail.farm.hearing_drained(10)
    hearing = tail.farm._work.hearing if tail.farm._work is not None else None  # noqa: SLF001
    assert hearing is not None and "node-b" in hearing.distrusted  # lent no more
    assert not [e for e in tail.events if isinstance(e, UnitRejected)]
    assert tail.farm.nodes["node-a"].bad_uploads == 0
    assert tail.farm.scheduler.finished()


def test_a_node_never_hears_a_unit_it_spoke(tmp_path: Path) -> None:
    farm = make_farm(tmp_path)
    job, scheduler = farm.job, farm.scheduler
    here = GatedTranscriber()
    farm.detach()
    farm.attach(job, scheduler, RATE, verify=AsrVerifier(here))
    try:
        while (unit_id := lease(farm, "node-a")) is not None:
            assert send(farm, "node-a", unit_id) == (True, False)
        assert here.hearing.wait(10)
        assert farm.lease("node-a", HEARS).hearing is None  # all its own
        assert farm.lease("node-b", HEARS).hearing is not None  # another's: yes
    finally:
        here.go.set()
        farm.detach()


def test_an_older_node_that_names_no_recogniser_is_lent_nothing(tail: Tail) -> None:
    older = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})
    assert "hears" not in older.to_json()  # what an older node sends
    assert Capabilities.from_json(older.to_json()).hears == ()
    assert tail.farm.lease("node-b", older).hearing is None
    other = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]}, hears=("another",))
    assert tail.farm.lease("node-b", other).hearing is None  # another recogniser's scores


def test_a_hearer_that_vanishes_gives_the_unit_back_and_the_book_finishes(tail: Tail) -> None:
    given = hear(tail, "node-b")
    assert given is not None
    tail.clock.advance(given.seconds + 1)
    tail.farm.sweep()  # its time is up: the unit is this PC's again
    assert tail.farm.hearing_audio("node-b", given.unit_id) is None
    tail.here.go.set()
    assert tail.farm.hearing_drained(10)
    assert status(tail, given.unit_id) == "done"
    assert tail.here.heard == len(tail.spoken_by)
    assert tail.farm.scheduler.finished()
    late = HeardReport(given.token, "whatever")  # its answer, too late: ignored
    assert not tail.farm.heard_remotely("node-b", given.unit_id, late)


def test_a_hearer_that_cannot_hear_gives_the_unit_back_at_once(tail: Tail) -> None:
    given = hear(tail, "node-b")
    assert given is not None
    assert tail.farm.heard_remotely("node-b", given.unit_id, HeardReport(given.token, None))
    again = hear(tail, "node-b")  # back in the queue, at its head
    assert again is not None and again.unit_id == given.unit_id and again.token != given.token
    assert not tail.farm.heard_remotely("node-b", given.unit_id,
                                        HeardReport(given.token, "old token"))


def test_pause_lends_nothing(tail: Tail) -> None:
    tail.farm.pause()
    assert tail.farm.lease("node-b", HEARS).hearing is None
    tail.farm.resume()
    assert hear(tail, "node-b") is not None


def test_a_transcript_and_a_lending_are_bounded() -> None:
    with pytest.raises(ProtocolError, match="transcript"):
        HeardReport.from_json({"token": "abcdef0123456789",
                               "transcript": "word " * (MAX_TRANSCRIPT_CHARS // 5 + 1)})
    with pytest.raises(ProtocolError, match="transcript"):
        HeardReport.from_json({"token": "abcdef0123456789", "transcript": ["a list"]})
    lent = HearAssignment(3, "abcdef0123456789", RECOGNISER, "en", 30.0, "job")
    wire = LeaseResponse(LEASE_WAIT, reason=HEARING_REASON, hearing=lent).to_json()
    assert LeaseResponse.from_json(wire).hearing == lent
    assert "hearing" not in LeaseResponse(LEASE_WAIT).to_json()  # as older nodes read it
    for bad in ({**lent.to_json(), "seconds": float("nan")},
                {**lent.to_json(), "token": "../../etc"}):
        with pytest.raises(ProtocolError):
            HearAssignment.from_json(bad)
    many = Capabilities.from_json({"name": "n", "device": "cpu", "engines": {},
                                   "hears": ["x" * 65, 3, *[f"r{i}" for i in range(20)]]})
    assert len(many.hears) <= 8 and all(len(h) <= 64 for h in many.hears)


def test_the_unit_lent_is_held_out_of_the_queue_all_along(tail: Tail) -> None:
    given = hear(tail, "node-b")
    assert given is not None
    holders = [lease.node for lease in tail.farm.job.store.leases()
               if lease.unit_id == given.unit_id]
    assert holders == [HEARING]  # neither spoken again nor bound meanwhile
    assert lease(tail.farm, "node-a") is None


def test_an_idle_node_is_a_second_ear_on_the_unit_this_pc_hears_and_the_first_wins(
        tail: Tail) -> None:
    lent = []
    while (given := hear(tail, "node-b")) is not None:  # every unit node-a spoke...
        lent.append(given)
        assert tail.farm.heard_remotely("node-b", given.unit_id, HeardReport(
            given.token, GOOD))
    first = min(tail.spoken_by)  # ...that one too, though this PC is hearing it
    assert tail.spoken_by[first] == "node-a" and first in [g.unit_id for g in lent]
    assert status(tail, first) == "done"
    tail.here.go.set()  # this PC's verdict on it comes second: dropped
    assert tail.farm.hearing_drained(10)
    assert [u.id for u in tail.accepted].count(first) == 1


def test_this_pc_idle_hears_a_unit_a_slow_node_holds(tail: Tail) -> None:
    held = [hear(tail, "node-a"), hear(tail, "node-b")]
    assert all(held)
    tail.here.go.set()  # this PC hears what is queued, then what the nodes still hold
    assert tail.farm.hearing_drained(10)
    assert tail.farm.scheduler.finished()  # the book did not wait for their answers
    for given in held:
        assert given is not None
        assert not tail.farm.heard_remotely(given_node(tail, given), given.unit_id,
                                            HeardReport(given.token, GOOD))  # too late


def given_node(tail: Tail, given: HearAssignment) -> str:
    """The node a unit was lent to: the one that did not speak it."""
    return "node-b" if tail.spoken_by[given.unit_id] == "node-a" else "node-a"
