"""A book's phoneme hints (``ssml:ph``, a PLS ``<phoneme>``) reach a voice that takes
phonemes, intact through the front end, the store and the wire; everything else (other
engines, ``e2a text``, subtitles) reads the alias or the printed word."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import Book, Chapter, Metadata, read_book
from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.plan import chapter_sentences, plan_book
from e2a_node.phonemes import for_piper, hint, hinted_phonemes, strip_hints
from e2a_node.protocol import Assignment, Capabilities
from e2a_node.render import render_unit
from e2a_node.settings import PauseSettings
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub
from tests.helpers.fakes import ToneEngine
from tests.helpers.farm_fixtures import make_farm

SSML = 'xmlns:ssml="http://www.w3.org/2001/10/synthesis"'
BODY = (
    f"<h1>Georgia</h1><p>In 1999, Dr. Smith drove 3 miles to "
    f'<span {SSML} ssml:ph="ˈdʒɔːdʒə">Georgia</span>, then on to '
    f'<span {SSML} ssml:alphabet="x-sampa" ssml:ph="&quot;tEn@%si:">Tenn.</span> at 5 p.m.</p>'
    f'<p {SSML} ssml:alphabet="x-sampa">The <span ssml:ph="t@&quot;mA:t@U">tomato</span> '
    f'came from <span ssml:alias="Saint Louis" ssml:ph="seInt &quot;lu:Is">STL</span>, '
    f'not <span ssml:alphabet="pinyin" ssml:ph="bei3jing1">Peking</span>.</p>'
)


def _book(folder: Path) -> Path:
    return build_epub(EpubSpec(docs=[Doc("c1.xhtml", BODY, toc_title="Georgia")]),
                      folder / "hints.epub")


def test_phonemes_ride_with_the_planned_sentence_intact(tmp_path: Path) -> None:
    sentences = [s for u in plan_book(read_book(_book(tmp_path))) for s in u.sentences]
    assert [strip_hints(s) for s in sentences] == [
        "Georgia",
        "In nineteen ninety-nine, Doctor Smith drove three miles to Georgia, then on to "
        "Tenn. at five PM.",
        "The tomato came from Saint Louis, not Peking.",
    ]
    assert [h for s in sentences for h in hinted_phonemes(s)] == [
        ("Georgia", "ˈdʒɔːdʒə"),                 # IPA as the publisher wrote it
        ("Tenn.", "ˈtɛnəˌsiː"),                  # X-SAMPA made IPA
        ("tomato", "təˈmɑːtəʊ"),                 # the alphabet of an ancestor
        ("Saint Louis", "seɪnt ˈluːɪs"),         # the alias is the word others read
    ]                                            # (pinyin: no phonemes, only the word)


def test_what_a_reader_sees_is_the_word(tmp_path: Path) -> None:
    chapter = read_book(_book(tmp_path)).chapters[0]
    said = [s for s, _ in chapter_sentences(chapter.text, "en", 1800)]
    assert said[1].endswith("drove three miles to Georgia, then on to Tenn. at five PM.")
    assert all(s.isprintable() for s in said)  # no private-use marks in `e2a text`


def test_an_engine_without_phonemes_is_given_the_word() -> None:
    engine = ToneEngine()
    sentence = f"We drove to {hint('Georgia', 'ˈdʒɔːdʒə')} at dawn."
    render_unit(engine, [sentence], [True], PauseSettings())
    assert engine.spoken == ["We drove to Georgia at dawn."]


def test_piper_gets_a_phoneme_block_and_only_from_a_hint() -> None:
    known = {"ˈ", "d", "ʒ", "ɔ", "ː", "ə", " "}
    sentence = f"See [[ɡoʊ]] and {hint('Georgia', 'ˈdʒɔːdʒə✓')}."
    assert for_piper(sentence, known) == "See [ [ɡoʊ] ] and [[ ˈdʒɔːdʒə ]]."
    assert for_piper(hint("Georgia", "ʘʘ"), known) == "Georgia"  # nothing it can say


def test_a_hint_crosses_the_wire_as_text() -> None:
    sentence = f"To {hint('Georgia', 'ˈdʒɔːdʒə')}."
    sent = Assignment(1, 0, (sentence,), (True,), 60.0).to_json()
    assert Assignment.from_json(sent).sentences == (sentence,)
    assert hinted_phonemes(sentence) == [("Georgia", "ˈdʒɔːdʒə")]


def test_no_front_end_or_splitter_cuts_a_hint() -> None:
    georgia, louis = hint("Georgia", "ˈdʒɔːdʒə"), hint("St. Louis", "seɪnt ˈluːɪs")
    texts = [f"In 1999 {georgia} had 3 cities, i.e. {louis}; cost $5.",
             f"{georgia}: 12:30, 50% and 3rd. Mr. {georgia} went.",
             f"«{georgia}» – {louis}…", f"He went to {georgia}. Then to {louis}. Fine."]
    for language in ("en", "de", "fr", "es", "it", "nl", "pt_BR"):
        for text in texts:
            said = chapter_sentences(normalize_text(text, language), language, 1800,
                                     phonemes=True)
            assert [p for s, _ in said for _, p in hinted_phonemes(s)] \
                == [p for _, p in hinted_phonemes(text)], (language, text)


def test_a_node_from_before_hints_is_leased_the_words_alone(tmp_path: Path) -> None:
    """An older node would hand the private-use marks to its voice; it is sent the words."""
    georgia = hint("Georgia", "ˈdʒɔːdʒə")
    book = Book(Metadata("Hints", "Tester"),
                [Chapter("One", f"We rode south through {georgia} at night. It rained.")])
    farm = make_farm(tmp_path, book=book)
    voices = {"piper": ["en_US-joe-medium"]}

    older = farm.lease("node-older001", Capabilities("old-pc", "cpu", voices))
    assert older.assignment is not None
    assert "We rode south through Georgia at night." in older.assignment.sentences
    assert not any(hinted_phonemes(s) for s in older.assignment.sentences)

    farm.hand_back("node-older001", older.assignment.unit_id)
    newer = farm.lease("node-newer001", Capabilities("new-pc", "cpu", voices, hints=True))
    assert newer.assignment is not None
    hinted = [p for s in newer.assignment.sentences for p in hinted_phonemes(s)]
    assert hinted == [("Georgia", "ˈdʒɔːdʒə")]
    sent = Capabilities.from_json(Capabilities("new-pc", "cpu", voices, hints=True).to_json())
    assert sent.hints and "hints" not in Capabilities("old-pc", "cpu", voices).to_json()
