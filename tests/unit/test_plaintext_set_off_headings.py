"""Project Gutenberg texts whose headings carry no word "Chapter" (a dictionary's letters,
essays, a play's scenes) were one chapter of the whole book: The Devil's Dictionary
(PG #972) read as one 353,000-character chapter. Gutenberg sets such headings off with
blank lines (four before, two after); those lines are the chapters now, and the
transcribers' "Produced by" credit is not read as the book's first words."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book

HEADER = ("The Project Gutenberg EBook of The Devil's Dictionary, by Ambrose Bierce\r\n\r\n"
          "Title: The Devil's Dictionary\r\n\r\nAuthor: Ambrose Bierce\r\n\r\n"
          "Language: English\r\n\r\n"
          "*** START OF THIS PROJECT GUTENBERG EBOOK THE DEVIL'S DICTIONARY ***\r\n\r\n\r\n\r\n\r\n"
          "Produced by Aloysius\r\n\r\n\r\n\r\n\r\n\r\n"
          "THE DEVIL'S DICTIONARY\r\n\r\nby Ambrose Bierce\r\n\r\n\r\n\r\n\r\n")
ENTRIES = {  # the book's own lines (PG #972), three letters of twenty-six
    "A": "ABASEMENT, n.  A decent and customary mental attitude in the presence\r\n"
         "of wealth or power.  Peculiarly appropriate in an employee when\r\n"
         "addressing an employer.\r\n\r\nABATIS, n.  Rubbish in front of a fort, to prevent "
         "the rubbish outside\r\nfrom molesting the rubbish inside.\r\n",
    "B": "BAAL, n.  An old deity formerly much worshiped under various names.\r\n\r\n"
         "BABE or BABY, n.  A misshapen creature of no particular age, sex, or\r\n"
         "condition, chiefly remarkable for the violence of the sympathies and\r\n"
         "antipathies it excites in others, itself without sentiment or emotion.\r\n",
    "C": "CAB, n.  A tormenting chariot in which a pirate jolts you round and\r\n"
         "round and about the streets of a town.\r\n\r\nCABBAGE, n.  A familiar kitchen-"
         "garden vegetable about as large and wise as a man's head.\r\n",
}
PREFACE = ("AUTHOR'S PREFACE\r\n\r\n_The Devil's Dictionary_ was begun in a weekly paper in "
           "1881, and was\r\ncontinued in a desultory way at long intervals until 1906.\r\n")
END = "\r\n\r\n\r\n\r\n*** END OF THIS PROJECT GUTENBERG EBOOK THE DEVIL'S DICTIONARY ***\r\n"


def _dictionary(tmp_path: Path) -> Path:
    letters = "".join(f"\r\n\r\n\r\n\r\n{letter}\r\n\r\n\r\n\r\n{text}"
                      for letter, text in ENTRIES.items())
    path = tmp_path / "devil.txt"
    path.write_bytes((HEADER + PREFACE + letters + END).encode("ascii"))
    return path


def test_a_dictionarys_letters_are_its_chapters(tmp_path: Path) -> None:
    book = read_book(_dictionary(tmp_path))
    assert [c.title for c in book.chapters] == ["AUTHOR'S PREFACE", "A", "B", "C"]
    assert (book.metadata.title, book.metadata.author) == ("The Devil's Dictionary",
                                                           "Ambrose Bierce")
    assert "ABATIS" in book.chapters[1].text and "BAAL" not in book.chapters[1].text
    assert "CABBAGE" in book.chapters[3].text
    opening = book.chapters[0].text
    assert "Produced by" not in opening and "by Ambrose Bierce" not in opening
    assert opening.startswith("AUTHOR'S PREFACE")


def test_a_novel_with_chapter_headings_keeps_them(tmp_path: Path) -> None:
    """Set-off lines are chapters only where headings that name themselves are (nearly)
    absent: a novel's "CHAPTER I" stays the chapter, its set-off "THE END" does not."""
    body = "".join(f"\n\n\n\nCHAPTER {n}\n\n\nIt was a dark and stormy night, number {n}.\n"
                   for n in ("I", "II", "III"))
    path = tmp_path / "novel.txt"
    path.write_text("*** START OF THE PROJECT GUTENBERG EBOOK NOVEL ***\n\n"
                    "Produced by Jane Doe and the Online Distributed\nProofreading Team\n\n"
                    "A NOVEL\n" + body + "\n\n\n\nTHE END\n\n\n\n"
                    "\n*** END OF THE PROJECT GUTENBERG EBOOK NOVEL ***\n", encoding="utf-8")
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["CHAPTER I", "CHAPTER II", "CHAPTER III"]
    assert all("Proofreading" not in c.text for c in book.chapters)


def test_a_few_set_off_lines_are_not_a_structure(tmp_path: Path) -> None:
    """Two short lines set off in a story (a sign, a shout) do not cut it into chapters."""
    path = tmp_path / "story.txt"
    path.write_text("A Story\n\nThe sign on the door said:\n\n\n\nKEEP OUT\n\n"
                    "So we went in.\n\n\n\nHELLO?\n\nNobody answered.\n", encoding="utf-8")
    book = read_book(path)
    assert len(book.chapters) == 1 and "KEEP OUT" in book.chapters[0].text
