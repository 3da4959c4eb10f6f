"""Running heads and page furniture are found without reading each nested block to its end.

A textbook's sections, notes and MathML nest a dozen blocks deep; each block read whole
made `e2a info` read the book a dozen times over (issue 22). A block is only ever asked
whether it is short, so it is read as far as that takes, with the same answers as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2a_desktop.ebook import boilerplate
from e2a_desktop.ebook.boilerplate import (
    FIRST_LOOK,
    MAX_CHARS,
    MAX_HEAD_WORDS,
    _head_words,
    _short_text,
    _too_many_chars,
    mark_boilerplate,
    mark_running_heads,
)
from e2a_desktop.ebook.htmltext import SKIP_MARK

XHTML = "http://www.w3.org/1999/xhtml"


def _body(markup: str) -> etree._Element:
    return etree.fromstring(f'<body xmlns="{XHTML}">{markup}</body>')


def _whole_words(el: etree._Element) -> str:
    """The definition read in full: the block's words if at most MAX_HEAD_WORDS, else ""."""
    words = re.findall(r"\w+", "".join(el.itertext()).lower())
    return " ".join(words) if len(words) <= MAX_HEAD_WORDS else ""


_pieces = st.lists(st.sampled_from(["a", "bc ", " ", "x\n  ", "long-word", "3.5", "é", "İx", "",
                                    "  \t", "Word. ", "\u00a0"]), max_size=12)


@st.composite
def _blocks(draw: st.DrawFn, depth: int = 0) -> str:
    """A block of text pieces and inline or block children, a few levels deep."""
    tag = draw(st.sampled_from(["div", "p", "section", "li"]))
    parts = []
    for piece in draw(_pieces):
        if depth < 3 and draw(st.booleans()):
            parts.append(draw(_blocks(depth + 1)))
        elif draw(st.booleans()):
            parts.append(f"<span>{piece}</span>")
        parts.append(piece)
    return f"<{tag}>{''.join(parts)}</{tag}>"


@settings(max_examples=200, deadline=None)
@given(_blocks(), st.integers(min_value=1, max_value=40))
def test_words_read_in_part_are_those_read_in_full(markup: str, repeat: int) -> None:
    body = _body(markup * repeat)
    for el in body.iter(f"{{{XHTML}}}*"):
        if el is not body:
            assert _head_words(el) == _whole_words(el)
            whole = " ".join("".join(el.itertext()).split())
            short = _short_text(el, _too_many_chars)
            assert (short is None) == (len(whole) > MAX_CHARS)
            assert short is None or " ".join(short.split()) == whole


def test_a_long_block_is_read_only_as_far_as_it_takes() -> None:
    """A section of 5,000 paragraphs is judged long after a few of them, not read whole."""
    paragraph = "<p>The molar mass of a compound is the sum of its atoms' masses.</p>"
    section = _body(f"<section><div>{paragraph * 5000}</div></section>")[0]
    looked_at: list[int] = []

    def too_long(text: str) -> bool:
        looked_at.append(len(text))
        return len(text.split()) > MAX_HEAD_WORDS

    assert _short_text(section, too_long) is None
    assert sum(looked_at) < 4 * FIRST_LOOK + 4 * len(paragraph)


def test_a_running_head_deep_in_nested_blocks_is_still_found() -> None:
    """The issue's textbook: the head inside five levels of divs, in every file."""
    head = '<div><div><div><div><p class="rh">Essential Ideas</p></div></div></div></div>'
    text = " ".join(["Atoms and molecules react in measured amounts."] * 30)
    bodies = [_body(f"<h1>Essential Ideas</h1><section><div><div>{head}<p>{text}</p>"
                    f"<p>{text} {i}</p></div></div></section>") for i in range(5)]
    marked = mark_running_heads(bodies, frozenset(["Chemistry 2e"]))
    assert marked == 5
    for body in bodies:
        heads = [el for el in body.iter(f"{{{XHTML}}}p") if el.get(SKIP_MARK)]
        assert [el.get("class") for el in heads] == ["rh"]


def test_furniture_is_marked_with_each_file_gathered_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Page furniture in every file is marked; each file's blocks are gathered once."""
    gathered: list[etree._Element] = []
    original = boilerplate._candidates

    def counting(body: etree._Element) -> Iterator[tuple[etree._Element, tuple[str, ...]]]:
        gathered.append(body)
        return original(body)

    monkeypatch.setattr(boilerplate, "_candidates", counting)
    bodies = [_body(f'<p class="nav">Parent topic: Chapter {i}</p><p>Story {i} ' + "word " * 50
                    + '</p><p class="foot">Copyright Example Press 2020</p>') for i in range(6)]
    assert mark_boilerplate(bodies) == 12
    assert gathered == bodies
