"""Lines of real books (Standard Ebooks, Project Gutenberg) as printed, and as e2a reads
and says them (issue 22): ranges and dashes behind Standard Ebooks' invisible word
joiners, raised fractions, <sup>/<sub> fractions, Gibbon's margin dates, "said I." and
Project Gutenberg's typed emphasis."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook.htmltext import extract
from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.ebook.plaintext import read_text
from e2a_desktop.ebook.sentences import split_sentences
from e2a_desktop.speech import spoken_paragraph

WJ = "\u2060"  # WORD JOINER, set by Standard Ebooks on both sides of every dash
XHTML = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
         "<body>{}</body></html>")


def said(printed: str) -> list[str]:
    """The sentences the voice is given for one printed paragraph."""
    return split_sentences(spoken_paragraph(normalize_text(printed), "en"))


def read(body: str) -> str:
    return normalize_text(extract(XHTML.format(body)).text)


@pytest.mark.parametrize(("printed", "expected"), [
    # The Autobiography of Benjamin Franklin, ch. 15 (a note)
    (f"James Logan (1674{WJ}\u2013{WJ}1751) came to America with William Penn in 1699.",
     "James Logan (1674 to 1751) came to America with William Penn in 1699."),
    # The Wealth of Nations, introduction
    (f"lectures which he read at Edinburgh in the winter of 1750{WJ}\u2013{WJ}1, and we know",
     "lectures which he read at Edinburgh in the winter of 1750 to 51, and we know"),
    # Twenty Thousand Leagues Under the Seas, introduction
    (f"reflected in its several working titles over the period 1865{WJ}\u2013{WJ}69: early on",
     "reflected in its several working titles over the period 1865 to 69: early on"),
])
def test_a_range_between_word_joiners_is_said_from_to(printed: str, expected: str) -> None:
    assert normalize_text(printed) == expected


def test_a_range_is_said_as_a_narrator_says_it() -> None:
    assert said(f"James Logan (1674{WJ}\u2013{WJ}1751) came to America.") == [
        "James Logan (sixteen seventy-four to seventeen fifty-one) came to America."]
    assert said(f"in the winter of 1750{WJ}\u2013{WJ}1, and we know") == [
        "in the winter of seventeen fifty to fifty-one, and we know"]
    assert normalize_text(f"in 1759{WJ}\u2013{WJ}1 and") == "in 1759 to 1 and"  # no year


def test_a_range_printed_short_is_said_whole() -> None:
    # The Wealth of Nations, introduction (a note): "Lectures, pp. 172⁠–⁠3."
    assert said(f"Lectures, pp. 172{WJ}\u2013{WJ}3.") == [
        "Lectures, pages one hundred and seventy-two to one hundred and seventy-three."]
    assert normalize_text("won 10\u20132") == "won 10 to 2"  # a score
    # Gibbon's margin: years before Christ count down
    assert normalize_text(f"BC 141{WJ}\u2013{WJ}87") == "BC 141 to 87"
    assert normalize_text("in 141\u201387 B.C.") == "in 141 to 87 B.C."


def test_a_range_between_word_joiners_is_a_range_in_french_too() -> None:
    assert normalize_text(f"de 1674{WJ}\u2013{WJ}1751", "fr") == "de 1674-1751"


def test_a_raised_fraction_after_its_whole_number_is_said_whole_and_fraction() -> None:
    # The Wealth of Nations, appendix: "Medium for one year | 85,179⁵⁄₁₁ | 15,293³⁄₁₁"
    assert normalize_text("85,179\u2075\u2044\u2081\u2081") == "85,179 and 5/11"
    assert said("Medium for one year, 85,179\u2075\u2044\u2081\u2081.") == [
        "Medium for one year, eighty-five thousand one hundred and seventy-nine and "
        "five elevenths."]
    assert normalize_text("\u00b3\u2044\u2088 of an inch") == "three eighths of an inch"


def test_a_fraction_set_as_sup_over_sub_keeps_its_numerator() -> None:
    # On the Origin of Species, ch. 7: the hive-bee's cells
    text = read("<p>being, on an average of twelve measurements made near the border of the "
                "comb, <sup>1</sup>/<sub>352</sub> of an inch in thickness; whereas</p>")
    assert "comb, 1/352 of an inch" in text
    assert "comb, one three hundred and fifty-second of an inch" in said(text)[0]
    # ch. 11: a denominator with a name in the table is said with it
    text = read("<p>on this average, the seeds of <sup>14</sup>/<sub>100</sub> plants "
                "belonging to one country might be floated across 924 miles of sea</p>")
    assert "the seeds of fourteen hundredths plants" in said(text)[0]
    # a note's mark is still not read
    assert read('<p>the end.<sup>12</sup></p>') == "the end."


GIBBON_DATE = '<span class="timeline"><abbr epub:type="se:era z3998:initialism">AD</abbr> {}</span>'


def test_gibbons_margin_date_is_a_sentence_of_its_own() -> None:
    text = read("<p>murmured a complaint that exercise and temperance deprived them of the "
                "greatest part of their practice. " + GIBBON_DATE.format("754+, 813+")
                + " After their civil and domestic wars, the subjects of the Abbassides, "
                "awakening from this mental lethargy, found leisure.</p>")
    sentences = said(text)
    assert sentences[1] == ("AD seven hundred and fifty-four onwards, eight hundred and "
                            "thirteen onwards.")
    assert sentences[2].startswith("After their civil and domestic wars")
    text = read("<p>the distress and danger of the Illyrian provinces. "
                + GIBBON_DATE.format(f"357{WJ}\u2013{WJ}359")
                + " The distractions of civil war</p>")
    assert text == ("the distress and danger of the Illyrian provinces. AD 357 to 359. "
                    "The distractions of civil war")


def test_a_margin_date_inside_a_sentence_is_in_brackets_and_a_day_is_said() -> None:
    # Gibbon, ch. 45 (Justin II): a year-month-day margin date in mid-sentence
    text = read("<p>and declared that, " + GIBBON_DATE.format("566-01-01")
                + " on the approaching calends of January, he would revive</p>")
    assert text == ("and declared that, (AD 566, 1 January) on the approaching calends of "
                    "January, he would revive")


def test_said_i_ends_a_sentence_and_initials_do_not() -> None:
    # The Time Machine, ch. 2
    assert split_sentences("\"One word,\" said I. \"Have you been time travelling?\"") == [
        "\"One word,\" said I.", "\"Have you been time travelling?\""]
    assert said("\u201cOne word,\u201d said I. \u201cHave you been time travelling?\u201d") == [
        "\"One word,\" said I.", "\"Have you been time travelling?\""]
    for one in ("The Lord of the Rings, by J. R. R. Tolkien, came out in 1954.",
                "The Lost World, by A. Conan Doyle, came out in 1912.",
                "The Meaning of Meaning, by I. A. Richards, came out in 1923."):
        assert split_sentences(one) == [one]


def test_a_dash_broken_off_before_a_question_keeps_its_pause() -> None:
    # The Time Machine, ch. 2
    printed = f"\u201cWhere\u2019s{WJ}\u2014?\u201d said I, naming our host."
    assert normalize_text(printed) == "\"Where's...?\" said I, naming our host."
    assert ",?" not in normalize_text(printed)
    assert normalize_text(f"Not a dash{WJ}\u2014you see{WJ}\u2014here.") == \
        "Not a dash, you see, here."
    assert normalize_text(f"(1851{WJ}\u2013 )") == "(1851)"
    assert normalize_text("\u201cIs it \u2018yes\u2019\u2013?\u201d, , he asked.") == \
        "\"Is it 'yes'?\", he asked."


def test_plain_text_loses_gutenbergs_typed_marks(tmp_path: Path) -> None:
    # Multatuli, Ontboezemingen (Project Gutenberg 24675), and a bold line of the kind
    # Project Gutenberg types with equals signs
    book = tmp_path / "ontboezemingen.txt"
    book.write_text("Ontboezemingen\n\n"
                    "HOOFDSTUK 1\n\n"
                    "_Alex._ Mijn werk is gedaan.\n\n"
                    "die haar tweeden klappa hebben zien vruchtdragen[53]: met haren.\n\n"
                    "=Cremer en Keller.= Het snake_case woord en x = y blijven.\n\n"
                    "[53] Een noot.\n", encoding="utf-8")
    text = "\n\n".join(chapter.text for chapter in read_text(book).chapters)
    assert "Alex. Mijn werk is gedaan." in text
    assert "zien vruchtdragen: met haren." in text
    assert "Cremer en Keller. Het snake_case woord en x = y blijven." in text
    assert "[53] Een noot." in text
