"""A unit's size fits its node: a node of unknown speed, or a slow one, gets a part, so the
book never waits at its end for a whole unit a slow node took early."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.scheduler import FIRST_UNIT_CHARS, MIN_PART_CHARS
from e2a_node.protocol import Assignment, Capabilities
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})
VOICE = EngineSettings(engine="piper", voice="en_US-joe-medium", language="xx")
SENTENCES = [f"Sentence number {n} of the story, long enough to say aloud." for n in range(240)]


def _farm(tmp_path: Path, clock: FakeClock) -> Farm:
    book = Book(Metadata("Sizes"), [Chapter("Only", " ".join(SENTENCES))])
    return make_farm(tmp_path, clock=clock, unit_chars=1200, book=book, lease_ttl=60,
                     voice=VOICE)


def _lease(farm: Farm, node: str) -> Assignment:
    answer = farm.lease(node, CAPS)
    assert answer.assignment is not None, f"{node} got no work ({answer.reason})"
    return answer.assignment


def _chars(unit: Assignment) -> int:
    return len(" ".join(unit.sentences))


def test_an_untimed_node_gets_a_short_part_and_a_fast_one_a_whole_unit(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    planned = max(unit.chars for unit in farm.job.store.units())
    assert planned > 2 * FIRST_UNIT_CHARS
    farm.scheduler.record("fast", 3000, 10.0)  # 300 characters a second
    first = _lease(farm, "fast")
    assert _chars(first) > 2 * FIRST_UNIT_CHARS  # whole
    new = _lease(farm, "new")
    assert _chars(new) <= FIRST_UNIT_CHARS
    after = _lease(farm, "fast")  # the rest of the cut unit comes next, in reading order
    assert after.sentences[0] == SENTENCES[SENTENCES.index(new.sentences[-1]) + 1]


def test_a_slow_node_gets_what_it_can_speak_well_before_the_book_ends(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    farm.scheduler.record("fast", 3000, 10.0)  # 300 characters a second
    farm.scheduler.record("slow", 30, 10.0)  # 3: about 45 s of the book's 50 s
    _lease(farm, "fast")
    slow = _lease(farm, "slow")
    assert _chars(slow) <= 2 * MIN_PART_CHARS  # 2 sentences, about 40 s at its speed


def test_a_node_whose_last_upload_is_on_its_way_may_hold_its_next_unit(
        tmp_path: Path) -> None:
    """A node speaks one unit, sends the one before, and asks for the next as its last
    sentence begins: three units, of which two are still to speak."""
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    scheduler = farm.scheduler
    spoken = _lease(farm, "pc")
    assert farm.heartbeat("pc", spoken.unit_id, 0, len(spoken.sentences))
    clock.advance(1.0)
    current = _lease(farm, "pc")  # asked ahead
    assert scheduler.units_to_speak("pc") == 2
    clock.advance(1.0)  # the first is spoken; its upload goes; the second begins
    assert farm.heartbeat("pc", current.unit_id, 0, len(current.sentences))
    assert scheduler.units_to_speak("pc") == 1
    clock.advance(1.0)
    assert farm.heartbeat("pc", spoken.unit_id, 3, len(spoken.sentences))  # still at it?
    assert scheduler.units_to_speak("pc") == 2  # then it holds two to speak


def test_the_farm_leases_ahead_while_the_last_upload_is_on_its_way_and_no_more(
        tmp_path: Path) -> None:
    clock = FakeClock()
    farm = _farm(tmp_path, clock)
    spoken = _lease(farm, "pc")
    assert farm.heartbeat("pc", spoken.unit_id, 0, len(spoken.sentences))
    clock.advance(1.0)
    current = _lease(farm, "pc")
    assert farm.lease("pc", CAPS).assignment is None  # two to speak: the cap
    clock.advance(1.0)
    assert farm.heartbeat("pc", current.unit_id, 0, len(current.sentences))  # begun
    clock.advance(1.0)
    assert _lease(farm, "pc").unit_id not in (spoken.unit_id, current.unit_id)
    assert farm.lease("pc", CAPS).assignment is None  # and no fourth
