"""A node's speed, as the window shows it and the scheduler weighs it, is its speaking speed."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm.farm import Farm
from e2a_node.protocol import Assignment, Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})
TEXT = " ".join(f"Sentence number {n} of the story, long enough to say aloud." for n in range(40))


def test_a_unit_leased_ahead_counts_from_when_the_node_began_speaking_it(
        tmp_path: Path) -> None:
    """Nodes ask for their next unit while they speak the last sentence of the current
    one, so a lease can start seconds before the unit is begun. Counted from the
    lease, a node speaking at 2x real time was shown at 1.6x."""
    clock = FakeClock()
    farm = make_farm(tmp_path, clock=clock, unit_chars=400,
                     book=Book(Metadata("Speed"), [Chapter("Only", TEXT)]), lease_ttl=60)
    first = farm.lease("pc", CAPS).assignment
    assert first is not None
    assert farm.heartbeat("pc", first.unit_id, 0, len(first.sentences))
    clock.advance(9.0)
    ahead = farm.lease("pc", CAPS).assignment  # asked for during its last sentence
    assert ahead is not None
    clock.advance(1.0)
    _upload(farm, first)  # spoken in 10 s
    assert farm.heartbeat("pc", ahead.unit_id, 0, len(ahead.sentences))  # begun now
    clock.advance(10.0)
    _upload(farm, ahead)  # spoken in 10 s too, though leased 11 s ago
    assert farm.nodes["pc"].busy_seconds == 20.0


def _upload(farm: Farm, unit: Assignment) -> None:
    seconds, n = 20.0, len(unit.sentences)
    tmp = farm.upload_tmp(unit.unit_id, "pc")
    tmp.write_bytes(speech_like_wav(seconds))
    accepted, _ = farm.accept_upload("pc", unit.unit_id, tmp,
                                     [(k * seconds / n, (k + 1) * seconds / n) for k in range(n)])
    assert accepted


def test_beats_claiming_fast_progress_count_only_once_the_audio_is_accepted(
        tmp_path: Path) -> None:
    """A paired node that says it spoke each unit in 10 ms, and never uploads, must not
    be believed the fastest: it would be given every copy and the largest share, and
    the honest nodes would stand aside for it."""
    clock = FakeClock()
    farm = make_farm(tmp_path, clock=clock, unit_chars=400,
                     book=Book(Metadata("Speed"), [Chapter("Only", TEXT)]), lease_ttl=60)
    farm.scheduler.record("honest", 3000, 10.0)  # 300 characters a second, accepted audio
    for _ in range(5):
        unit = farm.lease("faker", CAPS).assignment
        assert unit is not None
        n = len(unit.sentences)
        assert farm.heartbeat("faker", unit.unit_id, 0, n)
        clock.advance(0.01)
        assert farm.heartbeat("faker", unit.unit_id, n, n)
        farm.hand_back("faker", unit.unit_id)
    faker = farm.scheduler.rates.get("faker")
    assert faker is None or not faker.known

    # The same claims from a node whose audio is then accepted do count.
    unit = farm.lease("pc", CAPS).assignment
    assert unit is not None
    assert farm.heartbeat("pc", unit.unit_id, 0, len(unit.sentences))
    clock.advance(0.5)
    assert farm.heartbeat("pc", unit.unit_id, len(unit.sentences), len(unit.sentences))
    clock.advance(0.5)
    _upload(farm, unit)
    assert farm.scheduler.rates["pc"].chars_per_second > 300
