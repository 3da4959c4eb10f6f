"""The user's pronunciation lexicon: how entries match, the order of the files, and
one-line errors naming the file and the line (issue 22)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.lexicon import LEXICON_NAME, LexiconError, book_lexicon_path, for_book, parse
from e2a_desktop.plan import plan_book
from e2a_node.phonemes import strip_hints


def _lexicon(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.lexicon.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_words_match_whole_and_lower_case_ones_any_case(tmp_path: Path) -> None:
    lexicon = for_book(tmp_path / "x.epub", tmp_path, _lexicon(tmp_path, (
        "# how the family says them\n"
        "rand = Rahnd\n"
        "Cthulhu = kuh-THOO-loo\n"
        "/\\bSt\\.(?= [A-Z])/ = Saint\n"
        "/(\\d+)kg/ = \\1 kilograms\n")))
    said = lexicon.apply("Rand met RAND and Randall at St. Ives; cthulhu, Cthulhu, 5kg.")
    assert said == ("Rahnd met Rahnd and Randall at Saint Ives; cthulhu, kuh-THOO-loo, "
                    "5 kilograms.")


def test_the_books_entries_come_before_the_global_ones(tmp_path: Path) -> None:
    book = tmp_path / "Dune.epub"
    assert book_lexicon_path(book) == tmp_path / "Dune.lexicon.txt"
    book_lexicon_path(book).write_text("Paul = Pawl\n", encoding="utf-8")
    (tmp_path / LEXICON_NAME).write_text("Paul = Paul-global\nspice = spyce\n",
                                         encoding="utf-8")
    lexicon = for_book(book, tmp_path)
    assert lexicon.apply("Paul and the spice") == "Pawl and the spyce"
    assert lexicon.files == (book_lexicon_path(book), tmp_path / LEXICON_NAME)
    assert not for_book(tmp_path / "Other.epub", tmp_path / "none")  # no files: empty


@pytest.mark.parametrize(("text", "problem"), [
    ("Hermione Her-my-oh-nee\n", "line 1: expected 'word = how to say it'"),
    ("ok = fine\n= nothing\n", "line 2: expected"),
    ("ok = fine\n/[unclosed/ = x\n", "line 2: the pattern /[unclosed/ is not a regular"),
    ("word =   \n", "line 1: expected"),
])
def test_a_wrong_line_is_named(tmp_path: Path, text: str, problem: str) -> None:
    path = _lexicon(tmp_path, text)
    with pytest.raises(LexiconError, match=re.escape(problem)) as caught:
        parse(text, path)
    assert str(path) in str(caught.value)


def test_an_explicit_lexicon_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="no such lexicon file"):
        for_book(tmp_path / "b.epub", tmp_path, tmp_path / "missing.txt")


def test_the_plan_says_the_lexicon_s_words_and_the_front_end_reads_them(
        tmp_path: Path) -> None:
    lexicon = for_book(tmp_path / "b.epub", tmp_path,
                       _lexicon(tmp_path, "Mr. Rand = Mister Rahnd the 3rd\n"))
    book = Book(Metadata("B"), [Chapter("One", "Mr. Rand came home.")])
    sentences = [s for u in plan_book(book, lexicon=lexicon) for s in u.sentences]
    assert [strip_hints(s) for s in sentences] == ["Mister Rahnd the third came home."]


def test_the_voice_sample_says_the_lexicon_s_words(tmp_path: Path) -> None:
    """A user who added a pronunciation plays the sample to hear it: the sample says it."""
    from e2a_desktop.sample import sample_sentences

    chapter = Chapter("One", "Hermione opened the door. It was late.")
    lexicon = for_book(tmp_path / "x.epub", tmp_path,
                       _lexicon(tmp_path, "Hermione = Her-my-oh-nee\n"))
    assert sample_sentences(chapter, "en")[0].startswith("Hermione opened")
    assert sample_sentences(chapter, "en", lexicon=lexicon)[0].startswith("Her-my-oh-nee opened")


def test_the_voice_says_the_respelling_and_subtitles_show_the_book_s_word(
        tmp_path: Path) -> None:
    """Household run: "Wolf = Woolf" put "The Woolf and the Lamb" into the subtitles and
    the read-along book. The voice gets the respelling; the eye gets the book's word."""
    from e2a_node.phonemes import as_printed, for_piper

    lexicon = for_book(tmp_path / "x.epub", tmp_path,
                       _lexicon(tmp_path, "Wolf = Woolf\n/(\\d+)kg/ = \\1 kilograms\n"))
    book = Book(Metadata("Fables", language="en"),
                [Chapter("One", "The Wolf met St. Bernard. It weighed 5kg. The end.")])
    units = plan_book(book, lexicon=lexicon)
    spoken = [s for u in units for s in u.sentences]
    said = [strip_hints(s) for s in spoken]
    assert said[0].startswith("The Woolf met Saint Bernard.")
    assert "5 kilograms" in " ".join(said) or "five kilograms" in " ".join(said)
    assert [as_printed(s) for s in spoken][0].startswith("The Wolf met Saint Bernard.")
    assert "5kg" in " ".join(as_printed(s) for s in spoken)
    assert "Woolf" in for_piper(spoken[0], set("abc")) and "Wolf" not in for_piper(spoken[0],
                                                                                 set("abc"))
