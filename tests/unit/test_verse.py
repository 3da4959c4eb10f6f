"""Verse keeps its lines: a <br/> ends a line with a short pause and its own punctuation,
a stanza ends with a paragraph's pause (Leaves of Grass: "Come, said my Soul,")."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import plan_book
from e2a_node.settings import PauseSettings
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

STANZAS = (
    '<p><span>Come, said my Soul,</span><br/>'
    '<span class="i1">Such verses for my Body let us write, (for we are one,)</span><br/>'
    '<span>That should I after death invisibly return,</span></p>'
    '<p><span>Signing for Soul and Body, set to them my name,</span><br/>'
    '<span>Walt Whitman</span></p>'
)


def _poem(folder: Path) -> Path:
    body = f'<h2>Come, Said My Soul</h2><section epub:type="z3998:poem">{STANZAS}</section>' \
           "<p>A paragraph of prose follows the poem. It has two sentences.</p>"
    return build_epub(EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="Come, Said My Soul")]),
                      folder / "poem.epub")


def test_lines_keep_their_punctuation_and_end_as_sentences(tmp_path: Path) -> None:
    (unit,) = plan_book(read_book(_poem(tmp_path)))
    said = list(zip(unit.sentences, unit.breaks, strict=True))
    assert said == [
        ("Come, Said My Soul", True),
        ("Come, said my Soul,", True),
        ("Such verses for my Body let us write, (for we are one,)", False),
        ("That should I after death invisibly return,", False),
        ("Signing for Soul and Body, set to them my name,", True),
        ("Walt Whitman", False),
        ("A paragraph of prose follows the poem.", True),
        ("It has two sentences.", False),
    ]


def test_a_line_pauses_less_than_a_stanza() -> None:
    pauses = PauseSettings()
    assert pauses.sentence_pause < pauses.paragraph_pause  # line < stanza (= paragraph)
