"""Plain text, Markdown, HTML and FB2 readers; unknown and missing files."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.errors import BookError
from tests.helpers.epub_builder import png

PARA = ("It was a bright cold day in April, and the clocks were striking thirteen as the "
        "travellers came down the hill into the sleeping valley below. Nobody met them at the "
        "gate, and the lamps of the town had long since been put out for the night.")


def test_plain_text_chapters_by_arabic_and_roman_headings(tmp_path: Path) -> None:
    text = (f"My Novel\n\nby Somebody\n\nChapter 1\n\n{PARA}\n\nCHAPTER XII\n\n{PARA}\n{PARA}"
            f"\n\nChapter Three: The End\n\n{PARA}\n")
    path = tmp_path / "novel.txt"
    path.write_text(text, encoding="utf-8")
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["Chapter 1", "CHAPTER XII",
                                               "Chapter Three: The End"]
    assert (book.metadata.title, book.metadata.author) == ("My Novel", "Somebody")
    # A title page (title and byline only) is not read at the start of chapter 1.
    assert book.chapters[0].text.startswith("Chapter 1")


def test_gutenberg_header_and_licence_are_skipped(tmp_path: Path) -> None:
    text = ("Title: Old Tales\nAuthor: Jane Roe\nLanguage: English\n\n"
            "*** START OF THE PROJECT GUTENBERG EBOOK OLD TALES ***\n\n"
            f"CHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n\n"
            "*** END OF THE PROJECT GUTENBERG EBOOK OLD TALES ***\n\nLicence text here.\n")
    path = tmp_path / "pg.txt"
    path.write_text(text, encoding="utf-8")
    book = read_book(path)
    assert (book.metadata.title, book.metadata.author, book.metadata.language) == \
        ("Old Tales", "Jane Roe", "en")
    assert [c.title for c in book.chapters] == ["CHAPTER I", "CHAPTER II"]
    assert all("Licence" not in c.text for c in book.chapters)


def test_markdown_chapters_at_repeating_heading_level(tmp_path: Path) -> None:
    text = (f"---\ntitle: Markdown Book\nauthor: M. D.\n---\n# Markdown Book\n\n"
            f"## First\n\n{PARA} *emphasis* and [a link](http://x).[^1]\n\n"
            f"## Second\n\n- {PARA}\n\n[^1]: A note.\n")
    path = tmp_path / "book.md"
    path.write_text(text, encoding="utf-8")
    book = read_book(path)
    assert book.metadata.title == "Markdown Book" and book.metadata.author == "M. D."
    assert [c.title for c in book.chapters] == ["First", "Second"]
    assert "emphasis and a link." in book.chapters[0].text
    assert "http" not in book.chapters[0].text and "A note" not in book.chapters[1].text


def test_html_book_split_at_h2(tmp_path: Path) -> None:
    html = (f"<html lang='en'><head><title>Web Book</title><meta name='author' content='W. B.'>"
            f"</head><body><h1>Web Book</h1><div><h2>One</h2><p>{PARA}</p></div>"
            f"<h2>Two</h2><p>{PARA}<sup><a href='#f1'>1</a></sup></p></body></html>")
    path = tmp_path / "book.html"
    path.write_text(html, encoding="utf-8")
    book = read_book(path)
    assert book.metadata.title == "Web Book" and book.metadata.author == "W. B."
    assert [c.title for c in book.chapters] == ["One", "Two"]
    assert book.chapters[1].text.endswith("for the night.")


def test_fb2_metadata_sections_cover(tmp_path: Path) -> None:
    cover = base64.b64encode(png()).decode()
    fb2 = f"""<?xml version="1.0" encoding="utf-8"?>
<FictionBook xmlns="http://www.gribuser.ru/xml/fictionbook/2.0"
 xmlns:l="http://www.w3.org/1999/xlink"><description><title-info>
<author><first-name>Ivan</first-name><last-name>Petrov</last-name></author>
<book-title>Steppe Tales</book-title><lang>en</lang><date>1888</date>
<coverpage><image l:href="#cover.png"/></coverpage></title-info></description>
<body><section><title><p>The Well</p></title><p>{PARA}<a l:href="#n1" type="note">1</a></p>
</section><section><title><p>The Road</p></title><p>{PARA}</p></section></body>
<body name="notes"><section id="n1"><title><p>1</p></title><p>Secret note.</p></section>
</body>
<binary id="cover.png" content-type="image/png">{cover}</binary></FictionBook>"""
    path = tmp_path / "tales.fb2"
    path.write_text(fb2, encoding="utf-8")
    book = read_book(path)
    assert book.metadata.title == "Steppe Tales" and book.metadata.author == "Ivan Petrov"
    assert book.metadata.year == "1888"
    assert [c.title for c in book.chapters] == ["The Well", "The Road"]
    well = book.chapters[0].text  # the note after the chapter, its mark never
    assert well.endswith(f"{PARA}\n\nNotes.\n\nSecret note.") and "night.1" not in well
    assert "Secret" not in book.chapters[1].text
    assert book.cover is not None and book.cover.media_type == "image/png"


def test_missing_and_unknown_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(BookError, match="no such file"):
        read_book(tmp_path / "nope.epub")
    odd = tmp_path / "book.djvu"
    odd.write_bytes(b"AT&TFORM")
    with pytest.raises(BookError, match="unknown format") as info:
        read_book(odd)
    assert info.value.path == odd


def test_short_plain_text_chapters_keep_their_own_titles(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Chapter 1\n\nIt began.\n\nChapter 2\n\n" + PARA + "\n", encoding="utf-8")
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert book.chapters[0].text == "Chapter 1\n\nIt began."
    assert book.metadata.title == "short"  # a chapter heading is not the book's title


def test_text_without_headings_or_title_line_is_named_after_its_file(tmp_path: Path) -> None:
    path = tmp_path / "the_long_walk.txt"
    path.write_text(f"{PARA}\n\n{PARA}\n", encoding="utf-8")
    book = read_book(path)
    assert book.metadata.title == "the_long_walk"
    assert [c.title for c in book.chapters] == ["the_long_walk"]
    assert book.chapters[0].text.startswith("It was a bright cold day")


def test_fb2_from_calibre_titles_in_bold_and_no_imprint(tmp_path: Path) -> None:
    """Calibre writes FB2 chapters without <title>: their first paragraph in bold names
    them; an "Imprint" section is a page the listener does not want."""
    fb2 = f"""<?xml version="1.0" encoding="utf-8"?>
<FictionBook xmlns="http://www.gribuser.ru/xml/fictionbook/2.0"><description><title-info>
<book-title>Tales</book-title><lang>en</lang></title-info></description><body>
<section><p><strong>Imprint</strong></p><p>This ebook is the product of volunteers.</p>
</section><section><empty-line/><p><strong>The Well</strong></p><p>{PARA}</p></section>
<section><p><strong>The Road</strong></p><p>{PARA}</p></section></body></FictionBook>"""
    path = tmp_path / "calibre.fb2"
    path.write_text(fb2, encoding="utf-8")
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["The Well", "The Road"]
    assert "volunteers" not in "\n".join(c.text for c in book.chapters)
