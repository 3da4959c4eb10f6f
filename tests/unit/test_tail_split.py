"""The tail of a book is shared: fewer units than nodes, so the next unit is cut in parts."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.audio.master import UnitPiece, join_units
from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm.farm import Farm
from e2a_node.protocol import Assignment, Capabilities
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})
SENTENCES = [f"Sentence number {n} of the story, long enough to say aloud." for n in range(12)]
VOICE = EngineSettings(engine="piper", voice="en_US-joe-medium", language="xx")
"""Planned in a language with no speech front end (not "zxx", which now reads as "no
language known" and takes the book's, English): the units keep the text as written
("number 7", not "number seven"), so the lengths these tests are sized for hold."""


def _farm(tmp_path: Path, clock: FakeClock) -> Farm:
    book = Book(Metadata("Tail"), [Chapter("Only", " ".join(SENTENCES))])
    return make_farm(tmp_path / "farm", clock=clock, unit_chars=400, book=book, lease_ttl=30,
                     voice=VOICE)


def _lease(farm: Farm, node: str) -> Assignment:
    answer = farm.lease(node, CAPS)
    assert answer.assignment is not None, f"{node} got no work"
    return answer.assignment


def _upload(farm: Farm, node: str, unit: Assignment) -> bool:
    seconds = len(" ".join(unit.sentences)) / 15
    n = len(unit.sentences)
    tmp = farm.upload_tmp(unit.unit_id, node)
    tmp.write_bytes(speech_like_wav(seconds))
    accepted, _duplicate = farm.accept_upload(
        node, unit.unit_id, tmp, [(k * seconds / n, (k + 1) * seconds / n) for k in range(n)])
    return accepted


def test_the_last_unit_is_split_among_the_nodes_and_stitched_in_reading_order(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    store = farm.job.store
    assert len(store.units()) == 2  # two units, three nodes
    first = _lease(farm, "node-a")
    second = _lease(farm, "node-b")  # one unit left for two nodes at work: it is cut
    third = _lease(farm, "node-c")  # ...so the third node gets a part too
    assert len({first.unit_id, second.unit_id, third.unit_id}) == 3
    assert len(second.sentences) + len(third.sentences) == 12 - len(first.sentences)

    # Uploaded out of order, accepted once each.
    assert _upload(farm, "node-c", third)
    assert _upload(farm, "node-a", first)
    assert _upload(farm, "node-b", second)
    assert not _upload(farm, "node-b", second)  # the same part again counts nothing
    assert store.chapter_complete(0) and farm.scheduler.finished()

    units = store.units(0)
    spoken = [s for u in units for s in u.sentences]
    assert spoken == SENTENCES  # every sentence once, in reading order
    assert [u.done_by for u in units] == ["node-a", "node-b", "node-c"]
    for unit in units:  # each part carries one timing per sentence, inside its audio
        assert len(unit.spans) == len(unit.sentences)
        assert unit.duration is not None and unit.spans[-1][1] <= unit.duration + 0.05
    pieces = [UnitPiece(farm.job.units_dir / str(u.audio_path), 0.5) for u in units]
    joined = join_units(pieces, tmp_path / "chapter.wav")
    assert abs(joined - (sum(u.duration or 0 for u in units) + 0.5 * 2)) < 0.01


def test_a_part_lost_with_its_node_is_redone_and_accepted_once(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    first = _lease(farm, "node-a")
    second = _lease(farm, "node-b")
    lost = _lease(farm, "node-c")
    assert _upload(farm, "node-a", first) and _upload(farm, "node-b", second)
    clock.advance(31)  # node-c vanished: its part's lease lapses
    farm.sweep()
    again = _lease(farm, "node-a")
    assert again.unit_id == lost.unit_id and again.sentences == lost.sentences
    assert _upload(farm, "node-a", again)
    assert farm.scheduler.finished()
    assert [s for u in farm.job.store.units(0) for s in u.sentences] == SENTENCES


def test_one_node_alone_never_splits_a_unit(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    while (answer := farm.lease("node-a", CAPS)).assignment is not None:
        assert _upload(farm, "node-a", answer.assignment)
    assert len(farm.job.store.units()) == 2


def _farm_of(tmp_path: Path, clock: FakeClock, sentences: int) -> Farm:
    text = " ".join(f"Sentence number {n} of the story, long enough to say aloud."
                    for n in range(sentences))
    book = Book(Metadata("Tail"), [Chapter("Only", text)])
    return make_farm(tmp_path, clock=clock, unit_chars=400, book=book, lease_ttl=30,
                     voice=VOICE)


def test_near_the_end_a_slow_node_gets_a_smaller_piece_than_a_fast_one(tmp_path: Path) -> None:
    """Pieces follow the speeds the nodes have shown, so both finish at about the same
    time instead of the slow one holding the book's end with a whole unit."""
    pieces = {}
    for asker, holder in (("slow", "fast"), ("fast", "slow")):
        farm = _farm_of(tmp_path / asker, FakeClock(), 30)
        assert len(farm.job.store.units()) == 5
        farm.scheduler.record("fast", 5000, 10.0)  # 500 characters a second
        farm.scheduler.record("slow", 1000, 10.0)  # 100
        _lease(farm, holder)  # four units left for two nodes at work
        pieces[asker] = len(" ".join(_lease(farm, asker).sentences))
    assert pieces["slow"] < pieces["fast"]


def test_pieces_shrink_as_the_book_ends_and_every_sentence_is_spoken_once(
        tmp_path: Path) -> None:
    farm = _farm_of(tmp_path, FakeClock(), 60)
    held = _lease(farm, "node-a")  # node-a holds its first unit to the end
    sizes = []
    while (answer := farm.lease("node-b", CAPS)).assignment is not None:
        sizes.append(len(answer.assignment.sentences))
        assert _upload(farm, "node-b", answer.assignment)
    assert _upload(farm, "node-a", held)
    assert sizes[-1] < sizes[0], sizes
    assert farm.scheduler.finished()
    spoken = [s for u in farm.job.store.units(0) for s in u.sentences]
    assert spoken == [f"Sentence number {n} of the story, long enough to say aloud."
                      for n in range(60)]


def _slow_and_fast(tmp_path: Path, clock: FakeClock) -> tuple[Farm, Assignment]:
    """Two units; the fast node holds the first, which it will finish in under a second."""
    farm = _farm_of(tmp_path, clock, 12)
    assert len(farm.job.store.units()) == 2
    farm.scheduler.record("fast", 5000, 10.0)  # 500 characters a second
    farm.scheduler.record("slow", 500, 10.0)  # 50: even its smallest piece takes 3 s
    return farm, _lease(farm, "fast")


def test_at_the_very_end_a_slow_node_stands_aside_for_a_fast_one(tmp_path: Path) -> None:
    """Taking a piece of the last unit, the slow node would end the book seconds after
    the fast one could have spoken all of it: it is told to wait, and the fast node
    speaks the rest."""
    clock = FakeClock()
    farm, first = _slow_and_fast(tmp_path, clock)
    answer = farm.lease("slow", CAPS)
    assert answer.assignment is None and answer.retry_after > 0
    assert not farm.scheduler.finished()
    assert _upload(farm, "fast", first)
    while (answer := farm.lease("fast", CAPS)).assignment is not None:
        assert farm.lease("slow", CAPS).assignment is None  # nor a copy of the fast one's
        assert _upload(farm, "fast", answer.assignment)
    assert farm.scheduler.finished()
    units = farm.job.store.units(0)
    assert {u.done_by for u in units} == {"fast"}
    assert [s for u in units for s in u.sentences] == [
        f"Sentence number {n} of the story, long enough to say aloud." for n in range(12)]


def test_a_node_that_stood_aside_takes_the_work_when_the_fast_node_vanishes(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm, first = _slow_and_fast(tmp_path, clock)
    assert farm.lease("slow", CAPS).assignment is None
    clock.advance(31)  # the fast node went away: its lease lapses
    farm.sweep()
    taken = []
    while (answer := farm.lease("slow", CAPS)).assignment is not None:
        taken.append(answer.assignment)
        assert _upload(farm, "slow", answer.assignment)  # (a node holds two units at most)
    assert sorted(a.unit_id for a in taken) == sorted(u.id for u in farm.job.store.units())
    assert first.unit_id in {a.unit_id for a in taken}


def _built_in_node_slowed_down(tmp_path: Path, seconds_for_half: float) -> Farm:
    """Two units; the built-in node, as fast as the LAN node so far, speaks the first
    and says how far it is; the LAN node takes a part of the second. Returns the farm
    once the built-in node has uploaded its unit and is about to ask again."""
    clock = FakeClock()
    farm = _farm_of(tmp_path, clock, 12)
    assert len(farm.job.store.units()) == 2
    farm.scheduler.record("local", 5000, 10.0)  # its first units: 500 characters a second
    farm.scheduler.record("lan", 5000, 10.0)
    mine = _lease(farm, "local")
    half = len(mine.sentences) // 2
    assert farm.heartbeat("local", mine.unit_id, 0, len(mine.sentences))  # as it begins
    clock.advance(seconds_for_half)
    assert farm.heartbeat("local", mine.unit_id, half, len(mine.sentences))
    clock.advance(seconds_for_half)
    _lease(farm, "lan")  # the last unit, cut: the LAN node takes the first part
    assert _upload(farm, "local", mine)
    return farm


def test_a_node_seen_slowing_down_while_it_speaks_leaves_the_last_piece_to_a_faster_one(
        tmp_path: Path) -> None:
    """The coordinator's own node slows down once its PC starts encoding chapters.
    Its beats show that while it speaks, so at the very end it stands aside (the LAN
    node is about to be free) instead of holding the book up with the last piece."""
    as_before = _built_in_node_slowed_down(tmp_path / "steady", 0.4)  # still ~450 chars/s
    assert as_before.lease("local", CAPS).assignment is not None

    slowed = _built_in_node_slowed_down(tmp_path / "slowed", 15.0)  # now ~12 chars/s
    assert slowed.lease("local", CAPS).assignment is None
    assert slowed.scheduler.rates["local"].chars_per_second < 0.3 * 500


def test_a_pending_part_is_split_again_and_the_chapter_stays_in_reading_order(
        tmp_path: Path) -> None:
    """The last pieces keep shrinking: a part not leased yet can be cut again, and
    the parts after it move up, so the chapter is still joined sentence by sentence."""
    farm = _farm_of(tmp_path, FakeClock(), 30)
    store = farm.job.store
    last = store.units(0)[-1]
    first_part, *_ = store.split(last.id, 3)
    done_part = _lease(farm, "node-a")  # the book's other units and parts are leased...
    while done_part.unit_id != first_part:
        assert _upload(farm, "node-a", done_part)
        done_part = _lease(farm, "node-a")
    assert _upload(farm, "node-a", done_part)  # ...the first part is done
    second = next(u for u in store.units(0) if u.status == "pending")
    assert len(store.split(second.id, 2)) == 2
    while (answer := farm.lease("node-a", CAPS)).assignment is not None:
        assert _upload(farm, "node-a", answer.assignment)
    units = store.units(0)
    assert [s for u in units for s in u.sentences] == [
        f"Sentence number {n} of the story, long enough to say aloud." for n in range(30)]
    assert len(units) == 5 - 1 + 3 + 1  # the last unit in three, one part of it in two
    assert store.split(units[-1].id, 2) == []  # a done unit is never cut
