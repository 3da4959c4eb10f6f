"""Letter-spaced words are joined by looking only where a one-letter element is (issue 22).

Asking every element of a MathML textbook for runs of one-letter spans was a tenth of
`e2a info`; only the parents of such spans are asked now, with the same result.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2a_desktop.ebook.letterspacing import (
    MIN_RUN,
    _before,
    _joins_before,
    _runs,
    _set_before,
    join_letter_runs,
)

XHTML = "http://www.w3.org/1999/xhtml"


def _every_parent(body: etree._Element) -> int:
    """The join as it was: every element with children asked for runs, in document order."""
    joined = 0
    for parent in list(body.iter()):
        if not isinstance(parent.tag, str) or len(parent) < 1:
            continue
        for run in _runs(parent):
            if _joins_before(run):
                _set_before(run[0], _before(run[0]).rstrip())
            elif len(run) < MIN_RUN:
                continue
            for el in run[:-1]:
                el.tail = ""
            for el in run:
                el.text = (el.text or "").strip()
            joined += 1
    return joined


_texts = st.sampled_from(["", " ", "\n  ", "T", "h", " x ", "is", "S", "word ", "A"])


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    """Text with one-letter spans, small capitals and nested blocks, as converters write it."""
    parts = [draw(_texts)]
    for _ in range(draw(st.integers(min_value=0, max_value=7))):
        kind = draw(st.sampled_from(["span", "small", "b", "p", "div"]))
        css = draw(st.sampled_from(["", ' class="sc"']))
        inner = draw(_markup(depth + 1)) if depth < 2 and kind in ("p", "div") else draw(_texts)
        parts.append(f"<{kind}{css}>{inner}</{kind}>{draw(_texts)}")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_markup())
def test_joining_where_letters_are_is_joining_everywhere(markup: str) -> None:
    source = f'<body xmlns="{XHTML}">{markup}</body>'
    ours, theirs = etree.fromstring(source), etree.fromstring(source)
    assert join_letter_runs(ours) == _every_parent(theirs)
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_a_spaced_word_in_a_paragraph_is_joined() -> None:
    body = etree.fromstring(f'<body xmlns="{XHTML}"><p>T<span>h</span> <span>i</span>\n'
                            "<span>s</span> is read.</p></body>")
    assert join_letter_runs(body) == 1
    assert "".join(body.itertext()) == "This is read."
