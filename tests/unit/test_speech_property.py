"""The English front end never loses a token silently: every token with a letter or a
digit is said as words (or, for a web address, as its site: a named omission of the path).

Each tricky token is put between two plain words that the front end leaves alone; what
stands between those two words in the output is what was said for the token.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.speech import spoken_paragraph

ANCHORS = ("harbour", "lantern", "meadow", "orchard", "pebble", "quarry", "saddle",
           "thistle", "violet", "willow", "yarrow", "bramble", "cobweb", "dapple", "ember",
           "fennel", "gravel", "hazel", "juniper", "kestrel")

TRICKY = ("Mr.", "Mrs.", "Dr.", "St.", "No.", "Vol.", "vol.", "p.", "pp.", "Oct.", "Sept.",
          "etc.", "&c.", "viz.", "i.e.", "e.g.", "A.D.", "B.C.", "a.m.", "p.m.", "U.S.A.", "M.P.",
          "Esq.", "Co.", "T.", "J.", "M.", "v.", "ft.", "in.", "lbs.", "per cent.", "£4", "£1,000",
          "$5.00", "$971,207", "26s.", "4d.", "8½d.", "½", "1½", "¼", "3/4", "1/2", "50%", "40°",
          "×", "⟶", "©", "&", "I", "II", "VIII", "XIII", "Henry VIII", "Charles I", "Chapter XII",
          "1881", "1920s", "'89", "4th", "22nd", "1st", "10:30", "6.30", "1805-1875", "0", "007",
          "3.14", "221B", "2H2O", "https://www.gutenberg.org/ebooks/1342", "help@example.org",
          "Note.,", "§", "-5", "100,000,000")

tokens = st.one_of(
    st.sampled_from(TRICKY),
    st.from_regex(r"\A(?:\d{1,7}|\d{1,3}(?:,\d{3}){1,2}|\d{1,3}\.\d{1,3}|[IVXLC]{1,6}|"
                  r"(?:[A-Z]\.){1,3}|£\d{1,5}|\d{1,3}[sd]\.|\d{1,3}(?:st|nd|rd|th)|1\d{3}s?|"
                  r"\d{1,2}/\d{1,2}|\d{1,4}-\d{1,4}|\$\d{1,6}(?:\.\d\d)?)\Z", fullmatch=True),
)


def _carries_content(token: str) -> bool:
    return any(c.isalnum() for c in token) or token in ("½", "¼", "×", "⟶", "©", "&", "§")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(tokens, min_size=1, max_size=len(ANCHORS) - 1),
       st.sampled_from((" ", ", ", "; ")))
def test_every_token_with_letters_or_digits_is_said(picked: list[str], joiner: str) -> None:
    words = [ANCHORS[0]]
    for anchor, token in zip(ANCHORS[1:], picked, strict=False):
        words += [token, anchor]
    text = joiner.join(words) + "."
    said = spoken_paragraph(normalize_text(text), "en")
    positions = []
    for anchor in words[::2]:
        found = re.search(rf"\b{anchor}\b", said[positions[-1] if positions else 0:], re.I)
        assert found, f"{anchor!r} lost from {said!r}"
        positions.append((positions[-1] if positions else 0) + found.end())
    for token, start, end in zip(picked, positions, positions[1:], strict=False):
        between = said[start:end].rsplit(" ", 1)[0]  # up to the next anchor
        if _carries_content(token):
            assert re.search(r"[A-Za-z]", between), f"{token!r} said as nothing: {said!r}"
        standalone = re.findall(r"(?<![\w.,])\d+(?![\w])", between)
        assert not standalone, f"{token!r} left as digits {standalone} in {said!r}"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_any_text_is_said_without_an_error(text: str) -> None:
    said = spoken_paragraph(normalize_text(text), "en")
    assert isinstance(said, str)
    words_in = re.findall(r"[^\W\d_]{4,}", normalize_text(text))
    for word in words_in:  # plain words are never dropped
        assert word.lower() in said.lower()
