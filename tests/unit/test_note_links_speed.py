"""A "Notes" heading is looked for without reading each block of the book to its end.

Every block is asked whether it is a "Footnotes" heading (at most 20 characters); read
whole, a textbook's dozen-deep sections made that most of reading a book with footnotes
(issue 22). Each is read only as far as it takes, with the same answers.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from e2a_desktop.ebook.htmltext import SKIP_MARK
from e2a_desktop.ebook.note_links import MAX_NOTES_HEADING_CHARS, _short_text, relocate_notes

XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"

_pieces = st.text(alphabet=st.sampled_from(list("Notes ab\n1.")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, min_size=1, max_size=6))
def test_a_short_block_is_read_whole_and_a_long_one_not_at_all(pieces: list[str]) -> None:
    spans = "".join(f"<span>{escape(p)}</span>" for p in pieces[1:])
    el = etree.fromstring(f"<div>{escape(pieces[0])}{spans}</div>")
    whole = "".join(el.itertext())
    assert _short_text(el) == (whole if len(whole) <= MAX_NOTES_HEADING_CHARS else None)


def test_the_emptied_footnotes_heading_deep_in_a_textbook_page_is_skipped() -> None:
    """The notes move next to their marks; their heading, twelve <div>s deep, is not read
    on its own, while a long block that begins "Notes" is left alone."""
    deep = "<div>" * 12
    page = (f'<body xmlns="{XHTML}" xmlns:epub="{EPUB}">{deep}<section><p>Water boils here.'
            '<a epub:type="noteref" href="#fn1">1</a></p><p>Notes on the method follow in the '
            'next chapter, with its tables.</p><section class="footnotes"><h3>Footnotes</h3>'
            '<aside epub:type="footnote" id="fn1"><p>At sea level.</p></aside></section>'
            f"</section>{'</div>' * 12}</body>")
    root = etree.fromstring(page)
    assert relocate_notes({"p.xhtml": root}) == 1
    heading = next(root.iter(f"{{{XHTML}}}h3"))
    assert heading.get(SKIP_MARK) == "notes"
    assert [p.get(SKIP_MARK) for p in root.iter(f"{{{XHTML}}}p")][1] is None
