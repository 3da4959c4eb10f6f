"""Where `e2a redo --at` lands: the time a player or the report shows picks the unit heard
starting in that second, and bad times are one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.errors import E2AError
from e2a_desktop.review import (
    ChapterReview,
    JobReview,
    PlacedUnit,
    clock,
    parse_time,
    unit_at,
    unit_of_sentence,
)
from e2a_desktop.store import UnitRecord


def _unit(unit_id: int, sentences: int, duration: float) -> UnitRecord:
    return UnitRecord(unit_id, 0, unit_id, tuple(f"Sentence {i}." for i in range(sentences)),
                      (False,) * sentences, 40, "done", 1, f"{unit_id}.flac", duration,
                      tuple((0.0, 1.0) for _ in range(sentences)), "node")


def _job() -> JobReview:
    units = (PlacedUnit(_unit(1, 2, 47.2), 0.0, 47.2), PlacedUnit(_unit(2, 3, 30.0), 47.6, 77.6),
             PlacedUnit(_unit(3, 1, 10.0), 78.0, 88.0))
    return JobReview(Path("."), "Book",
                     (ChapterReview(1, "One", 0.0, units),), {})


@pytest.mark.parametrize(("text", "seconds"), [("1:23:45", 5025.0), ("23:45", 1425.0),
                                                ("83.5", 83.5), ("83.5s", 83.5)])
def test_times_as_people_write_them(text: str, seconds: float) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize("text", ["x", "1:75", "-3", ""])
def test_a_bad_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a time"):
        parse_time(text)


def test_the_second_shown_is_the_unit_that_starts_in_it() -> None:
    job = _job()
    assert clock(47.6) == "0:00:47"
    assert unit_at(job, parse_time(clock(47.6))).unit.id == 2  # as the report prints it
    assert unit_at(job, 47.5).unit.id == 1  # an exact time stays exact
    assert unit_at(job, 80).unit.id == 3
    with pytest.raises(E2AError, match="past its end"):
        unit_at(job, 600)


def test_sentences_are_counted_across_a_chapters_units() -> None:
    job = _job()
    assert [unit_of_sentence(job, 1, n).unit.id for n in (1, 2, 3, 5, 6)] == [1, 1, 2, 2, 3]
    with pytest.raises(E2AError, match="has 6 sentences"):
        unit_of_sentence(job, 1, 7)
    with pytest.raises(E2AError, match="chapter 4 is not in this audiobook"):
        unit_of_sentence(job, 4, 1)
