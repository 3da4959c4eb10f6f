"""A page's letters are counted without a list of them (issue 22: `e2a info` stays fast).

Telling a contents page from a chapter counts the letters of each page two or three
times; counting them as the length of the text with everything else removed gives the
same number as listing each letter did.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2a_desktop.ebook.epub_kinds import _letters

_text = st.text(alphabet=st.sampled_from(list("aZé_9 ½²\u00a0-.目次\u0301\u05d0\n")), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(_text, min_size=1, max_size=5), _text)
def test_letters_are_counted_as_each_letter_listed_was(texts: list[str], tail: str) -> None:
    spans = "".join(f"<span>{escape(t)}</span>" for t in texts[1:])
    root = etree.fromstring(f"<div><p>{escape(texts[0])}{spans}</p>{escape(tail)}</div>")
    for el in root.iter():
        listed = len(re.findall(r"[^\W\d_]", "".join(el.itertext())))
        assert _letters(el) == listed


def test_a_tail_is_not_the_elements_own() -> None:
    root = etree.fromstring("<div><a href='c1.xhtml'>One</a> and the rest</div>")
    assert _letters(root[0]) == 3
    assert _letters(root) == 13
