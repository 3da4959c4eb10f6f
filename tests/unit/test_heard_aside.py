"""`--verify asr` never holds up an upload (issue 25): the node is answered on the quick
checks and its unit waits for the recogniser on one background thread; the unit counts as
spoken (and its chapter is bound) only once it is heard, and one the recogniser refuses is
spoken again, by another node first."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from e2a_desktop.events import UnitRejected
from e2a_desktop.farm.farm import RECOGNISER_KEY, Farm
from e2a_desktop.farm.scheduler import HEARING
from e2a_desktop.store import UnitRecord
from tests.helpers.farm_fixtures import RATE, make_farm
from tests.unit.test_refused_elsewhere import lease, send


class HeldVerifier:
    """A recogniser the test answers for: each unit waits until the test says its verdict."""

    name = "fake-recogniser"

    def __init__(self) -> None:
        self.asked: list[tuple[str, ...]] = []
        self.verdicts: list[str | None] = []
        self.go = threading.Event()
        self.hearing = threading.Event()

    def __call__(self, pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> str | None:
        assert rate == RATE and len(pcm) > 0
        self.asked.append(tuple(sentences))
        self.hearing.set()
        assert self.go.wait(10)
        return self.verdicts.pop(0) if self.verdicts else None


Heard = tuple[Farm, HeldVerifier, list[UnitRecord], list[object]]


@pytest.fixture
def heard(tmp_path: Path) -> Iterator[Heard]:
    farm = make_farm(tmp_path)
    job, scheduler = farm.job, farm.scheduler
    accepted: list[UnitRecord] = []
    events: list[object] = []
    farm.emit = events.append
    verifier = HeldVerifier()
    farm.detach()
    farm.attach(job, scheduler, RATE, accepted.append, verify=verifier)
    yield farm, verifier, accepted, events
    verifier.go.set()
    farm.detach()


def test_the_upload_is_answered_before_the_unit_is_heard(heard: Heard) -> None:
    farm, verifier, accepted, _ = heard
    first = lease(farm, "node-a")
    assert first is not None
    assert send(farm, "node-a", first) == (True, False)  # answered, the recogniser still busy
    assert verifier.hearing.wait(10)
    unit = farm.job.store.unit(first)
    assert unit is not None and unit.status == "leased"  # not bound, not spoken again
    assert [lease.node for lease in farm.job.store.leases() if lease.unit_id == first] \
        == [HEARING]
    assert accepted == []  # its chapter waits for its verdict
    assert not farm.scheduler.finished()
    assert lease(farm, "node-a") not in (None, first)  # the node goes on meanwhile
    verifier.go.set()
    assert farm.hearing_drained(10)
    assert farm.job.store.unit(first).status == "done"  # type: ignore[union-attr]
    assert [u.id for u in accepted] == [first]
    assert farm.job.store.meta()[RECOGNISER_KEY] == "fake-recogniser"


def test_a_unit_the_recogniser_refuses_is_spoken_again_by_the_other_node(heard: Heard) -> None:
    farm, verifier, accepted, events = heard
    first = lease(farm, "node-a")
    other = lease(farm, "node-b")
    assert first is not None and other is not None
    verifier.verdicts.append("fake-recogniser heard 5% of the unit's words")
    verifier.go.set()
    assert send(farm, "node-a", first) == (True, False)
    assert farm.hearing_drained(10)
    assert farm.job.store.unit(first).status == "pending"  # type: ignore[union-attr]
    assert accepted == []
    refused = [e for e in events if isinstance(e, UnitRejected)]
    assert [(e.node, e.unit_id) for e in refused] == [("node-a", first)]
    assert "heard 5%" in refused[0].reason
    assert farm.nodes["node-a"].bad_uploads == 1
    assert lease(farm, "node-a") not in (None, first)  # another unit for node-a...
    assert send(farm, "node-b", other) == (True, False)
    assert lease(farm, "node-b") == first  # ...and the refused one for node-b
    assert send(farm, "node-b", first) == (True, False)
    assert farm.hearing_drained(10)
    assert farm.job.store.unit(first).status == "done"  # type: ignore[union-attr]
    assert verifier.asked.count(farm.job.store.unit(first).sentences) == 2  # type: ignore[union-attr]


def test_pause_leaves_units_awaiting_their_verdict(heard: Heard) -> None:
    farm, verifier, accepted, _ = heard
    first = lease(farm, "node-a")
    assert first is not None
    assert send(farm, "node-a", first) == (True, False)
    farm.pause()  # takes back units being spoken, not one spoken already
    assert any(lease.node == HEARING for lease in farm.job.store.leases())
    farm.resume()
    verifier.go.set()
    assert farm.hearing_drained(10)
    assert [u.id for u in accepted] == [first]


def test_pause_stops_the_hearing_too(heard: Heard) -> None:
    """Pause means this PC stops spending CPU on the book: a unit uploaded since (a node
    finishing the sentence it was in) waits for Resume to be heard."""
    farm, verifier, accepted, _ = heard
    first, second = lease(farm, "node-a"), lease(farm, "node-b")
    assert first is not None and second is not None
    assert send(farm, "node-a", first) == (True, False)
    assert verifier.hearing.wait(10)  # being heard when Pause comes: it is finished
    farm.pause()
    assert send(farm, "node-b", second) == (True, False)  # (taken back, but spoken already)
    verifier.go.set()
    assert farm.hearing_drained(10, left=1)  # the first one's verdict, the second held
    assert len(verifier.asked) == 1 and [u.id for u in accepted] == [first]
    farm.resume()
    assert farm.hearing_drained(10)
    assert [u.id for u in accepted] == [first, second]


def test_a_stop_keeps_units_awaiting_their_verdict(heard: Heard,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Cancel or Keep for later with units still awaiting the recogniser: their audio is
    kept (done, recorded unheard for the report), not thrown away and spoken again."""
    import json

    from e2a_desktop.farm.farm import UNHEARD_KEY

    farm, verifier, accepted, _ = heard
    first, second = lease(farm, "node-a"), lease(farm, "node-b")
    assert first is not None and second is not None
    assert send(farm, "node-a", first) == (True, False)
    assert verifier.hearing.wait(10)  # the first is being heard, the second queued
    assert send(farm, "node-b", second) == (True, False)
    job = farm.job
    store = job.store
    verifier.go.set()
    farm.detach()  # the run stops
    units = {u.id: u for u in store.units()}
    assert units[first].status == "done" and units[second].status == "done"
    assert (job.units_dir / str(units[second].audio_path)).is_file()
    assert set(json.loads(store.meta()[UNHEARD_KEY])) <= {first, second}
    assert second in json.loads(store.meta()[UNHEARD_KEY])
    from e2a_desktop.cli import _report_hearing

    _report_hearing(job.folder)  # what `e2a report` says of it
    said = capsys.readouterr().out
    assert "checked by fake-recogniser" in said and "kept unheard" in said
