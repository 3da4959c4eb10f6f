"""Verse keeps its lines: a <br/> ends a line with a short pause and its own punctuation,
a stanza ends with a stanza's pause, prose paragraphs with a paragraph's (Leaves of Grass:
"Come, said my Soul,")."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import PlannedUnit, plan_book
from e2a_desktop.store import JobStore
from e2a_desktop.subtitles import unit_starts
from e2a_node.protocol import Assignment
from e2a_node.render import render_unit
from e2a_node.settings import Break, PauseSettings
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub
from tests.helpers.fakes import ToneEngine

LINE, STANZA, PARAGRAPH, SENTENCE = Break.LINE, Break.STANZA, Break.PARAGRAPH, Break.SENTENCE

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


def test_lines_keep_their_punctuation_and_each_break_its_kind(tmp_path: Path) -> None:
    (unit,) = plan_book(read_book(_poem(tmp_path)))
    said = list(zip(unit.sentences, unit.breaks, strict=True))
    assert said == [
        ("Come, Said My Soul", PARAGRAPH),
        ("Come, said my Soul,", PARAGRAPH),
        ("Such verses for my Body let us write, (for we are one,)", LINE),
        ("That should I after death invisibly return,", LINE),
        ("Signing for Soul and Body, set to them my name,", STANZA),
        ("Walt Whitman", LINE),
        ("A paragraph of prose follows the poem.", PARAGRAPH),
        ("It has two sentences.", SENTENCE),
    ]
    # Truth is "a block starts" (cues and read-along paragraphs open there), as a bool was.
    assert [bool(b) for b in unit.breaks] == [True, True, False, False, True, False, True,
                                              False]
    assert "Come, said my Soul,\nSuch verses" in unit.text
    assert "return,\n\nSigning" in unit.text


def test_line_stanza_and_paragraph_pauses_differ_in_the_audio(tmp_path: Path) -> None:
    (unit,) = plan_book(read_book(_poem(tmp_path)))
    pauses = PauseSettings()
    audio = render_unit(ToneEngine(), unit.sentences, unit.breaks, pauses)
    gaps = [round(b.start - a.end, 2) for a, b in zip(audio.spans[:-1], audio.spans[1:],
                                                      strict=True)]
    assert gaps == [0.75, 0.3, 0.3, 1.0, 0.3, 0.75, 0.35]
    assert pauses.line_pause < pauses.sentence_pause < pauses.paragraph_pause \
        < pauses.stanza_pause


def test_breaks_survive_the_store_and_the_wire_and_old_peers_read_bools(
        tmp_path: Path) -> None:
    planned = plan_book(read_book(_poem(tmp_path)))
    store = JobStore(tmp_path / "job.sqlite")
    store.initialise({}, [("Come", 1)], planned)
    (stored,) = store.units()
    assert stored.breaks == planned[0].breaks
    sent = Assignment(stored.id, 0, stored.sentences, stored.breaks, 60.0).to_json()
    assert Assignment.from_json(sent).breaks == planned[0].breaks
    # A node of before verse reads only the bools: a line as a sentence, a stanza as a
    # paragraph; a coordinator of before verse sends only bools, which read as before.
    assert sent["breaks"] == [True, True, False, False, True, False, True, False]
    del sent["kinds"]
    assert Assignment.from_json(sent).breaks == (PARAGRAPH, PARAGRAPH, SENTENCE, SENTENCE,
                                                 PARAGRAPH, SENTENCE, PARAGRAPH, SENTENCE)


def test_a_job_of_before_verse_keeps_its_id_and_its_pauses() -> None:
    pauses = PauseSettings()
    assert pauses.identity() == {"sentence_pause": 0.35, "paragraph_pause": 0.75}
    assert pauses.before(True) == 0.75 and pauses.before(False) == 0.35
    assert PauseSettings(stanza_pause=1.5).identity()["stanza_pause"] == 1.5


def test_a_unit_that_opens_on_a_line_or_a_stanza_starts_after_that_pause(
        tmp_path: Path) -> None:
    """The chapter's encoder and its subtitles leave the same pause before each unit."""
    planned = [PlannedUnit(0, 0, ("Come, said my Soul,",), (PARAGRAPH,)),
               PlannedUnit(0, 1, ("Such verses",), (LINE,)),
               PlannedUnit(0, 2, ("Signing,",), (STANZA,)),
               PlannedUnit(0, 3, ("Prose.",), (True,))]  # a job of before verse: a bool
    store = JobStore(tmp_path / "job.sqlite")
    store.initialise({}, [("Come", 1)], planned)
    for unit in store.units():
        store.complete(unit.id, "node", f"{unit.id}.wav", 2.0, ((0.0, 2.0),), now=0.0)
    prefix, whole = store.spoken_prefix(0)
    assert whole and [u.opening for u in prefix] == [PARAGRAPH, LINE, STANZA, PARAGRAPH]
    assert [bool(u.opens_paragraph) for u in prefix] == [True, False, True, True]
    assert unit_starts(store.units(0), PauseSettings()) == [0.0, 2.3, 5.3, 8.05]


FB2 = """<?xml version="1.0" encoding="utf-8"?>
<FictionBook xmlns="http://www.gribuser.ru/xml/fictionbook/2.0"><description><title-info>
<book-title>Poems</book-title><author><first-name>Robert</first-name><last-name>Frost
</last-name></author><lang>en</lang></title-info></description><body><section><title><p>
The Road</p></title><p>Some prose first.</p><poem><stanza>
<v>Two roads diverged in a yellow wood,</v><v>And sorry I could not travel both</v>
</stanza><stanza><v>Then took the other, as just as fair,</v>
<v>And having perhaps the better claim;</v></stanza></poem><p>Prose again.</p></section>
</body></FictionBook>"""


def test_an_fb2_poem_has_lines_and_stanzas(tmp_path: Path) -> None:
    book = tmp_path / "road.fb2"
    book.write_text(FB2, encoding="utf-8")
    (unit,) = plan_book(read_book(book))
    assert list(zip(unit.sentences, unit.breaks, strict=True))[2:] == [
        ("Two roads diverged in a yellow wood,", PARAGRAPH),
        ("And sorry I could not travel both", LINE),
        ("Then took the other, as just as fair,", STANZA),
        ("And having perhaps the better claim;", LINE),
        ("Prose again.", PARAGRAPH),
    ]
