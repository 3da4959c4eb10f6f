"""For any generated EPUB, the listener hears every word of the body matter once, in order.

Books mix what must be heard (headings, paragraphs, figure captions, table cells, stories
cut out of one file by TOC fragments) with what must not (a printed contents page, note
marks, page-break numbers) and what is heard elsewhere (inline footnotes: after their
chapter, under "Notes"), and the planner's units are checked word for word.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import PlanSettings, plan_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
paragraph = st.lists(word, min_size=1, max_size=40)
block_kind = st.sampled_from(["p", "p", "p", "figure", "table", "note"])


@dataclass
class _Section:
    heading: list[str]
    blocks: list[tuple[str, list[str]]]
    anchored: bool


section = st.builds(_Section, st.lists(word, min_size=1, max_size=5),
                    st.lists(st.tuples(block_kind, paragraph), min_size=1, max_size=6),
                    st.booleans())
document = st.lists(section, min_size=1, max_size=4)
books = st.lists(document, min_size=1, max_size=5)


def _render(sec: _Section, uid: itertools.count,
            anchor: str) -> tuple[str, list[str], list[str]]:
    """XHTML for one section, the words a listener should hear from it, and those of its
    notes (heard after its chapter)."""
    heard = [f"h{next(uid)}", *sec.heading]
    notes: list[str] = []
    html = f'<section id="{anchor}"><h2>{" ".join(heard)}</h2>'
    for kind, words in sec.blocks:
        said = [f"w{next(uid)}", *words]  # a unique first word: no two blocks are alike
        text = " ".join(said) + "."
        if kind == "note":  # an inline footnote: heard after the chapter, not here
            note = f"footnote{next(uid)}"
            html += f'<p>{text}<a epub:type="noteref" href="#n">1</a></p>'
            html += f'<aside epub:type="footnote" id="n"><p>{note} q</p></aside>'
        elif kind == "figure":
            html += f'<figure><img src="x.png" alt="alt{next(uid)}"/><figcaption>{text}' \
                    "</figcaption></figure>"
        elif kind == "table":
            html += f"<table><tr><td>{text}</td></tr></table>"
        else:
            page = next(uid)
            html += f'<p>{text}<span epub:type="pagebreak" id="pg{page}">{page}</span></p>'
        heard += said
        if kind == "note":
            notes += [note, "q"]
    return html + "</section>", heard, notes


def _book(docs: list[list[_Section]]) -> tuple[EpubSpec, list[str]]:
    uid = itertools.count(1)
    spec_docs, expected = [], []
    links = "".join(f'<li><a href="c{i}.xhtml">Part {i}</a></li>' for i in range(len(docs)))
    spec_docs.append(Doc("contents.xhtml", f"<h1>Contents</h1><ol>{links}</ol>",
                         toc_title="Contents"))
    for i, sections in enumerate(docs):
        body, anchors, notes = "", [], list[str]()
        for j, sec in enumerate(sections):
            html, heard, said_after = _render(sec, uid, f"s{j}")
            body += html
            if sec.anchored or j == 0:  # a new chapter: the last one's notes end it
                expected += ["Notes", *notes] if notes else []
                notes = []
                anchors.append((f"s{j}", " ".join(heard[: len(sec.heading) + 1])))
            expected += heard
            notes += said_after
        expected += ["Notes", *notes] if notes else []
        spec_docs.append(Doc(f"c{i}.xhtml", body, anchors=anchors))
    return EpubSpec(docs=spec_docs), expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books, st.integers(min_value=40, max_value=600))
def test_every_body_word_is_planned_once_in_order(docs: list[list[_Section]],
                                                  target: int) -> None:
    spec, expected = _book(docs)
    with tempfile.TemporaryDirectory() as folder:
        book = read_book(build_epub(spec, Path(folder) / "book.epub"))
    # A language with no speech front end: this checks reading and planning, word for
    # word; what the front end says instead of a word is checked in test_speech_*.
    units = plan_book(book, PlanSettings(target_chars=target, max_chars=target * 2),
                      language="zz")
    heard = [w for unit in units for w in re.findall(r"\w+", unit.text)]
    assert heard == expected
