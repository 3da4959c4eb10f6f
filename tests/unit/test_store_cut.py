"""Store: a pending unit cut in parts gets as many parts as asked (or one per sentence);
the pending text is summed."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from e2a_desktop.store import _cut
from tests.helpers.farm_fixtures import make_farm, small_book


def test_a_unit_cut_in_as_many_parts_as_sentences_gets_one_sentence_a_part() -> None:
    lengths = [186, 105, 150, 91, 162, 387, 65, 99, 136, 148, 204]  # found in a simulation
    sentences = tuple("x" * n for n in lengths)
    assert _cut(sentences, 12) == [(k, k + 1) for k in range(11)]
    parts = _cut(sentences, 4)
    assert len(parts) == 4


@given(st.lists(st.integers(1, 400), min_size=1, max_size=40), st.integers(1, 50))
def test_parts_cover_the_unit_in_order_and_number_as_asked(lengths: list[int],
                                                           pieces: int) -> None:
    parts = _cut(tuple("x" * n for n in lengths), pieces)
    assert len(parts) == max(1, min(pieces, len(lengths)))
    assert parts[0][0] == 0 and parts[-1][1] == len(lengths)
    assert all(a < b for a, b in parts)
    assert all(parts[k][1] == parts[k + 1][0] for k in range(len(parts) - 1))


def test_pending_chars_counts_the_units_not_leased_nor_done(tmp_path: Path) -> None:
    farm = make_farm(tmp_path, book=small_book(2, 12))
    store = farm.job.store
    units = store.units()
    assert store.pending_chars() == sum(u.chars for u in units)
    store.lease_next("pc", 0.0, 60.0)
    assert store.pending_chars() == sum(u.chars for u in units[1:])
    assert store.pending_chars([1]) == sum(u.chars for u in units if u.chapter == 1)
    farm.job.close()
