"""Splitting a unit's text under a model's per-call limit: nothing lost, nothing too long."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from e2a_node.engines.coqui import char_limit, split_clauses

WORDS = st.lists(st.text(alphabet="abcdéxyz,;:.!?—' ", min_size=1, max_size=40), max_size=30)


@given(WORDS, st.integers(min_value=10, max_value=300))
def test_no_piece_is_too_long_and_no_character_is_lost(parts: list[str], limit: int) -> None:
    text = " ".join(parts)
    pieces = split_clauses(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


def test_cuts_fall_after_clause_punctuation_when_there_is_one() -> None:
    text = "One clause here, another clause there; and a third one: then the end. " * 8
    pieces = split_clauses(text, 100)
    assert all(p.endswith((",", ";", ":", ".")) for p in pieces[:-1])
    assert split_clauses("Short.", 100) == ["Short."]


def test_limits_follow_xtts_per_language_table() -> None:
    assert [char_limit(x) for x in ("en", "fr_FR", "ja", "zh-cn", "xx")] == [250, 273, 71, 82,
                                                                             250]
