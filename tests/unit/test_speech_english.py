"""What a narrator says for lines of real books: the English front end, case by case.

The cases live in speech_cases_en.txt ('< ' the line as read, '> ' what is said), one
section per book, so a wrong reading is fixed by editing one line of text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.ebook.sentences import split_sentences
from e2a_desktop.speech import front_end, spoken_paragraph, spoken_text
from e2a_node.phonemes import for_piper

CASES = Path(__file__).with_name("speech_cases_en.txt")
_PHONEME_BLOCK = re.compile(r"\[\[ [^\]]* \]\]")


class _EverySymbol:
    """Every phoneme symbol is one the voice knows: the table shows a hint whole."""

    def __contains__(self, symbol: object) -> bool:
        return True


def heard(said: str) -> str:
    """What Piper is given: a hint the front end left ("A" said as the letter) as Piper's
    inline ``[[ ˈeɪ ]]``; the table's '> ' lines are written so."""
    return for_piper(said, _EverySymbol())


def _cases() -> list[tuple[str, str, str]]:
    cases: list[tuple[str, str, str]] = []
    book, said_for = "", ""
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            book = line[3:].split(" (")[0]
        elif line.startswith("< "):
            said_for = line[2:]
        elif line.startswith("> "):
            cases.append((book, said_for, line[2:]))
    return cases


ALL = _cases()


def test_the_table_is_large_and_from_many_books() -> None:
    assert len(ALL) >= 300
    assert len({book for book, _, _ in ALL}) >= 10


@pytest.mark.parametrize(("book", "line", "said"), ALL,
                         ids=[f"{book[:20]}-{i}" for i, (book, _, _) in enumerate(ALL)])
def test_a_line_is_said_as_a_narrator_says_it(book: str, line: str, said: str) -> None:
    assert heard(spoken_paragraph(normalize_text(line), "en")) == said


def test_abbreviations_leave_no_full_stop_inside_a_sentence() -> None:
    said = spoken_paragraph("Mr. Holmes met Dr. Watson at St. Paul's on Oct. 4th, A.D. 1881.",
                            "en")
    assert split_sentences(said) == [said]
    assert "." not in said[:-1]


def test_old_money_is_one_sentence() -> None:
    said = spoken_paragraph(normalize_text("I had received no less than 26s. 4d. Then I left."),
                            "en")
    assert split_sentences(said) == [
        "I had received no less than twenty-six shillings and four pence.", "Then I left."]


def test_a_heading_of_only_a_numeral_is_said_as_a_number_and_the_pronoun_is_left() -> None:
    assert spoken_text("XIII\n\nI went out. I\n\nI", "en") == "Thirteen.\n\nI went out. I\n\nOne."


def test_languages_without_rules_pass_through_unchanged() -> None:
    text = "Pan Nowak urodził się w 1881 r. i zapłacił 4 zł."
    assert front_end("pl_PL") is None
    assert spoken_paragraph(text, "pl") == text
    assert spoken_text(text, "sv-SE") == text
    assert front_end("en_GB") is front_end("en-US") is front_end("en")


def test_the_voice_ends_a_sentence_only_where_e2a_does() -> None:
    """Piper's own front end (espeak-ng) reads each spoken sentence as one sentence: no
    full stop is left inside ("mister. | Sherlock Holmes"). Questions and exclamations in
    quotes ("'Come in!' said Holmes.") are the voice's own pauses, left to it."""
    from piper.phonemize_espeak import EspeakPhonemizer

    voice = EspeakPhonemizer()
    cut = []
    for _, _, said in ALL:
        for sentence in split_sentences(said):
            text = _PHONEME_BLOCK.sub("eh", sentence)  # Piper joins a block to its sentence
            clauses = [p for p in voice.phonemize("en-us", text) if "".join(p).strip()]
            if len(clauses) > 1 and not any(mark in sentence for mark in "?!"):
                cut.append(sentence)
    assert cut == []


def test_mathml_digits_split_over_mn_elements_are_one_number() -> None:
    from lxml import etree

    from e2a_desktop.ebook.mathspeech import speak_math

    ns = 'xmlns="http://www.w3.org/1998/Math/MathML"'
    row = etree.fromstring(f"<math {ns}><mrow><mn>1</mn><mn>5</mn><mo>+</mo><mi>x</mi></mrow>"
                           "</math>")
    power = etree.fromstring(f"<math {ns}><msup><mn>1</mn><mn>2</mn></msup></math>")
    assert speak_math(row) == "15 plus x"
    assert spoken_paragraph(speak_math(row), "en") == "Fifteen plus x"
    assert speak_math(power) == "1 squared"
