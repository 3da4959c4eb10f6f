"""Normalisation and sentence splitting: what the voice gets to say."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.ebook.sentences import split_long, split_sentences


def test_quotes_dashes_ellipses_and_spaces_become_plain() -> None:
    raw = "\u201cWait\u2014please\u2026\u201d she said,\u00a0\u2018softly\u2019.\u00ad"
    assert normalize_text(raw) == "\"Wait, please...\" she said, 'softly'."


def test_paragraphs_kept_lines_joined_scene_breaks_dropped() -> None:
    raw = "First line\nsame paragraph.\n\n\n* * *\n\nSecond   paragraph."
    assert normalize_text(raw) == "First line same paragraph.\n\nSecond paragraph."


def test_unspeakable_symbols_are_dropped() -> None:
    assert normalize_text("Go \u2192 now \u2605\U0001F600 fast") == "Go now fast"


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = "Mr. Smith met Dr. Jones at 5 p.m. today. J. R. R. Tolkien wrote it! Did he? Yes."
    assert split_sentences(text, "en") == [
        "Mr. Smith met Dr. Jones at 5 p.m. today.", "J. R. R. Tolkien wrote it!", "Did he?",
        "Yes.",
    ]


def test_quoted_sentence_end_stays_with_its_quote() -> None:
    assert split_sentences('"Stop!" he cried. She ran.') == ['"Stop!" he cried.', "She ran."]


def test_german_abbreviations() -> None:
    assert split_sentences("Das ist z.B. gut. Ja.", "de") == ["Das ist z.B. gut.", "Ja."]


words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"),
                                       max_codepoint=0x24F), min_size=1, max_size=12)
marks = st.sampled_from(["", "", "", ".", "!", "?", ",", ";", "...", ".\"", "?)"])
paragraph = st.lists(st.tuples(words, marks), min_size=1, max_size=60).map(
    lambda pairs: " ".join(w + m for w, m in pairs))


@given(paragraph)
def test_splitting_loses_no_text_and_keeps_order(text: str) -> None:
    assert " ".join(split_sentences(text)) == text


@given(paragraph, st.integers(min_value=5, max_value=80))
def test_long_sentences_are_cut_under_the_limit_without_loss(text: str, limit: int) -> None:
    pieces = split_long(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
