"""A refused unit is spoken again by another node first (issue 25): the node whose audio
was refused goes on with the next unit; alone, or with every other node busy at the book's
end, it speaks the unit again itself, so the book never waits on the preference."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.uploads import NotSpeech, UploadRejected
from e2a_node.protocol import Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import RATE, make_farm, noise_wav, small_book, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})


def send(farm: Farm, node: str, unit_id: int, good: bool = True) -> tuple[bool, bool]:
    """Upload speech (or noise the judge refuses) for a unit, timed as a voice would."""
    unit = farm.job.store.unit(unit_id)
    assert unit is not None
    seconds = len(unit.text) / 15
    n = len(unit.sentences)
    tmp = farm.upload_tmp(unit_id, node)
    tmp.write_bytes(speech_like_wav(seconds) if good else noise_wav(seconds))
    return farm.accept_upload(node, unit_id, tmp,
                              [(i * seconds / n, (i + 1) * seconds / n) for i in range(n)])


def lease(farm: Farm, node: str) -> int | None:
    assignment = farm.lease(node, CAPS).assignment
    return assignment.unit_id if assignment is not None else None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_a_refused_unit_goes_to_the_other_node_first(tmp_path: Path, clock: FakeClock) -> None:
    farm = make_farm(tmp_path, clock=clock)
    first = lease(farm, "node-a")
    second = lease(farm, "node-b")
    assert first is not None and second is not None
    with pytest.raises(NotSpeech, match="noise"):
        send(farm, "node-a", first, good=False)
    clock.advance(1)
    mine = lease(farm, "node-a")  # it goes on with the next unit, not the one refused
    assert mine is not None and mine != first
    assert send(farm, "node-b", second) == (True, False)
    assert lease(farm, "node-b") == first  # the other node speaks it again
    assert send(farm, "node-b", first) == (True, False)


def test_a_node_alone_speaks_its_refused_unit_again(tmp_path: Path, clock: FakeClock) -> None:
    farm = make_farm(tmp_path, clock=clock)
    first = lease(farm, "node-a")
    assert first is not None
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first, good=False)
    assert lease(farm, "node-a") == first


def test_a_node_gone_quiet_does_not_count_as_at_work(tmp_path: Path, clock: FakeClock) -> None:
    farm = make_farm(tmp_path, clock=clock)
    theirs = lease(farm, "node-b")
    first = lease(farm, "node-a")
    assert theirs is not None and first is not None
    assert send(farm, "node-b", theirs) == (True, False)  # node-b holds nothing now...
    clock.advance(60)  # ...and has not asked for a minute
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first, good=False)
    assert lease(farm, "node-a") == first


def test_at_the_end_a_free_node_gets_it_and_a_busy_one_never_holds_the_book(
        tmp_path: Path, clock: FakeClock) -> None:
    """Nothing else left to speak: while the other node is busy the refused node speaks the
    unit again itself; while the other is free (it asks within half a second) it waits."""
    farm = make_farm(tmp_path, clock=clock, book=small_book(chapters=1, sentences=2))
    (only,) = farm.job.store.units()
    assert len(farm.job.store.split(only.id, 2)) == 2  # two units of one sentence
    first, second = lease(farm, "node-a"), lease(farm, "node-b")
    assert first is not None and second is not None
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first, good=False)
    clock.advance(0.5)
    assert lease(farm, "node-a") == first  # node-b is busy: the book does not wait for it
    assert send(farm, "node-b", second) == (True, False)
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first, good=False)
    clock.advance(0.5)
    assert lease(farm, "node-a") is None  # node-b is free now: it is left for node-b
    assert farm.nodes["node-a"].state.value != "speaking"
    assert lease(farm, "node-b") == first
    assert send(farm, "node-b", first) == (True, False)
    assert farm.scheduler.finished()


def test_refused_twice_it_is_spoken_sentence_by_sentence(tmp_path: Path,
                                                         clock: FakeClock) -> None:
    """Another node first, then sentence by sentence: only a sentence that fails once more
    is kept and flagged, not the whole unit."""
    farm = make_farm(tmp_path, clock=clock)
    first = lease(farm, "node-a")
    assert first is not None
    whole = farm.job.store.unit(first)
    assert whole is not None and len(whole.sentences) == 2
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first, good=False)
    assert lease(farm, "node-b") == first
    with pytest.raises(NotSpeech):
        send(farm, "node-b", first, good=False)
    part = farm.job.store.unit(first)
    assert part is not None and part.sentences == whole.sentences[:1]
    assert lease(farm, "node-c") == first
    assert send(farm, "node-c", first, good=False) == (True, False)  # third try: kept
    assert set(farm.flagged) == {first}
    rest = lease(farm, "node-c")
    after = farm.job.store.unit(rest) if rest is not None else None
    assert after is not None and after.sentences == whole.sentences[1:]
    assert send(farm, "node-c", after.id) == (True, False)
    assert set(farm.flagged) == {first}  # the good sentence is not flagged


def test_a_malformed_upload_also_sends_the_unit_to_the_other_node(
        tmp_path: Path, clock: FakeClock) -> None:
    farm = make_farm(tmp_path, clock=clock)
    first, theirs = lease(farm, "node-a"), lease(farm, "node-b")
    assert first is not None and theirs is not None
    tmp = farm.upload_tmp(first, "node-a")
    tmp.write_bytes(speech_like_wav(1.0, rate=RATE * 2))  # the wrong rate: its fault
    with pytest.raises(UploadRejected, match="Hz"):
        farm.accept_upload("node-a", first, tmp, [(0.0, 0.5), (0.5, 1.0)])
    assert lease(farm, "node-a") not in (None, first)
    assert send(farm, "node-b", theirs) == (True, False)
    assert lease(farm, "node-b") == first


def send_seconds(farm: Farm, node: str, unit_id: int, seconds: float) -> tuple[bool, bool]:
    """Upload speech-like audio of a given length for the unit, whatever its text."""
    unit = farm.job.store.unit(unit_id)
    assert unit is not None
    n = len(unit.sentences)
    tmp = farm.upload_tmp(unit_id, node)
    tmp.write_bytes(speech_like_wav(seconds))
    return farm.accept_upload(node, unit_id, tmp,
                              [(i * seconds / n, (i + 1) * seconds / n) for i in range(n)])


def test_a_part_the_voice_babbles_on_is_kept_flagged_not_the_books_end(
        tmp_path: Path, clock: FakeClock) -> None:
    """XTTS on a one-word title speaks seconds of babble. On a fresh unit a length no voice
    could take is refused outright (a voice reading a language it does not speak stops the
    book with the reason); on a part already refused by the judge it is one more refusal,
    and the last try is kept and flagged, so the book ends."""
    farm = make_farm(tmp_path, clock=clock)
    farm.local_names["this-pc"] = "this PC"  # the built-in voice: its own tries count
    first = lease(farm, "this-pc")
    assert first is not None
    with pytest.raises(UploadRejected, match="implausible") as fresh:
        send_seconds(farm, "this-pc", first, 600.0)
    assert not isinstance(fresh.value, NotSpeech) and not farm.flagged
    assert lease(farm, "this-pc") == first
    with pytest.raises(NotSpeech):
        send(farm, "this-pc", first, good=False)
    assert lease(farm, "this-pc") == first
    with pytest.raises(NotSpeech):
        send(farm, "this-pc", first, good=False)
    part = farm.job.store.unit(first)
    assert part is not None and len(part.sentences) == 1  # now sentence by sentence
    assert lease(farm, "this-pc") == first
    assert send_seconds(farm, "this-pc", first, 600.0) == (True, False)  # kept, flagged
    assert "implausible" in farm.flagged[first]


def test_a_refused_unit_is_leased_as_another_take(tmp_path: Path, clock: FakeClock) -> None:
    """A voice seeded by its text (XTTS) would say a unit the same way again: the lease
    of a refused unit asks for the next take, on the wire too; a first speaking sends
    none, as nodes of before takes expect."""
    from e2a_node.protocol import Assignment

    farm = make_farm(tmp_path, clock=clock)
    first = farm.lease("node-a", CAPS).assignment
    assert first is not None and first.take == 0 and "take" not in first.to_json()
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first.unit_id, good=False)
    again = farm.lease("node-b", CAPS).assignment
    assert again is not None and again.unit_id == first.unit_id and again.take == 1
    assert Assignment.from_json(again.to_json()).take == 1


def test_a_take_from_the_wire_is_checked() -> None:
    from e2a_node.protocol import Assignment, ProtocolError

    wire = Assignment(3, 0, ("One.",), (0,), 60.0, "job", 2).to_json()
    for bad in (-1, 10**9, "2", True, 1.5):
        with pytest.raises(ProtocolError, match="take"):
            Assignment.from_json({**wire, "take": bad})
    del wire["take"]  # a farm of before takes: the first take
    assert Assignment.from_json(wire).take == 0


def test_the_job_records_what_was_spoken_again_for_its_report(tmp_path: Path,
                                                               clock: FakeClock) -> None:
    """Per chapter, the report and the Review tab say how many units the audio check sent
    back (issue 25: "the units, the re-renders and what is left")."""
    import json

    from e2a_desktop.farm.farm import REDONE_KEY
    from e2a_desktop.review import review
    from e2a_node.settings import PauseSettings

    farm = make_farm(tmp_path, clock=clock)
    first = lease(farm, "node-a")
    assert first is not None
    with pytest.raises(NotSpeech):
        send(farm, "node-a", first, good=False)
    assert json.loads(farm.job.store.meta()[REDONE_KEY]) == {str(first): 1}
    assert lease(farm, "node-b") == first
    with pytest.raises(NotSpeech):
        send(farm, "node-b", first, good=False)  # twice: now sentence by sentence
    redone = json.loads(farm.job.store.meta()[REDONE_KEY])
    assert len(redone) == 2 and set(redone.values()) == {2}  # both of its sentences
    unit = farm.job.store.unit(first)
    assert unit is not None
    chapters = sorted({u.chapter for u in farm.job.store.units()})
    reviewed = review(farm.job.folder, chapters, [f"C{c}" for c in chapters], PauseSettings())
    (mine,) = [c for c in reviewed.chapters if c.number == unit.chapter + 1]
    assert mine.redone == 2 and mine.state.endswith("; 2 spoken again")
    assert all(c.redone == 0 for c in reviewed.chapters if c is not mine)
