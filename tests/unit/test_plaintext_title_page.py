"""A plain-text book that opens with its title and a byline: the byline is the author and
that title page is not read as chapter 1's opening (household run: "by Aesop" was spoken
before the first chapter and the Author field stayed empty)."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book

STORY = ("Wolf, meeting with a Lamb astray from the fold, resolved not to lay violent hands on "
         "him, but to find some plea to justify the Wolf's right to eat him.\n\n")


def _book(tmp_path: Path, front: str) -> Path:
    path = tmp_path / "fables.txt"
    path.write_text(front + "Chapter 1\n\n" + STORY + "Chapter 2\n\n" + STORY, encoding="utf-8")
    return path


def test_a_byline_is_the_author_and_the_title_page_is_not_read(tmp_path: Path) -> None:
    book = read_book(_book(tmp_path, "Fables Again, Told Twelve Times\n\nby Aesop\n\n"))
    assert (book.metadata.title, book.metadata.author) == ("Fables Again, Told Twelve Times",
                                                           "Aesop")
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert "by Aesop" not in book.chapters[0].text


def test_a_front_that_says_more_is_kept(tmp_path: Path) -> None:
    book = read_book(_book(tmp_path, "Fables\n\nBy the Sea\n\n"))  # a subtitle, not a name
    assert book.metadata.author == ""
    assert "By the Sea" in book.chapters[0].text
    book = read_book(_book(tmp_path, "Fables\n\nby Aesop\n\nA preface of some length.\n\n"))
    assert "preface" in book.chapters[0].text and book.metadata.author == ""
