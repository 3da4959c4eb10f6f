"""EPUB reading on books the tests build: TOC sources, notes, cover, DRM, corruption."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.errors import BookError
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body, png

LONG = ("The rain fell on the old town all night, and nobody in the inn could sleep for the "
        "noise it made on the slate roofs above them.")


def _docs(n: int = 3, with_toc: bool = True) -> list[Doc]:
    return [Doc(f"c{i}.xhtml", chapter_body(f"Heading {i}", [LONG, LONG]),
                toc_title=f"Chapter {i}" if with_toc else None) for i in range(1, n + 1)]


def test_epub3_nav_titles_spine_order_and_metadata(tmp_path: Path) -> None:
    spec = EpubSpec(title="Nav Book", author="Ann Author", language="en-GB", date="1899-05-02",
                    docs=_docs(), cover_png=png())
    book = read_book(build_epub(spec, tmp_path / "nav.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert book.metadata.title == "Nav Book"
    assert book.metadata.author == "Ann Author"
    assert book.metadata.language == "en-GB"
    assert book.metadata.year == "1899"
    assert book.metadata.description == "A book built by the tests."
    assert book.cover is not None and book.cover.data.startswith(b"\x89PNG")
    # The nav page (with its page-list) is not read aloud.
    assert all("Contents" not in c.text for c in book.chapters)
    assert book.chapters[0].text.startswith("Chapter 1\n\nHeading 1\n\nThe rain fell")


def test_epub2_ncx_titles(tmp_path: Path) -> None:
    spec = EpubSpec(version=2, docs=_docs(), cover_png=png())
    book = read_book(build_epub(spec, tmp_path / "ncx.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert book.cover is not None


def test_without_toc_titles_come_from_first_heading(tmp_path: Path) -> None:
    spec = EpubSpec(docs=_docs(with_toc=False))
    book = read_book(build_epub(spec, tmp_path / "notoc.epub"))
    assert [c.title for c in book.chapters] == ["Heading 1", "Heading 2", "Heading 3"]
    assert book.cover is None


def test_footnote_markers_and_page_breaks_are_not_read_and_notes_come_last(
        tmp_path: Path) -> None:
    body = (
        "<h1>Notes Chapter</h1>"
        f'<p>{LONG}<a epub:type="noteref" href="#n1">1</a> Then more.<sup>2</sup></p>'
        '<aside epub:type="footnote" id="n1"><p>A footnote heard last.</p></aside>'
        '<span epub:type="pagebreak" id="p7">7</span>'
        f"<p>{LONG}<a href=\"#n3\">[3]</a> The end.</p>"
        "<script>var x = 1;</script>"
    )
    spec = EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="Notes Chapter"),
                          Doc("notes.xhtml", '<section epub:type="endnotes"><p>Endnote text '
                              f"{LONG}</p></section>", linear=False)])
    book = read_book(build_epub(spec, tmp_path / "notes.epub"))
    assert len(book.chapters) == 1
    text = book.chapters[0].text
    assert "Endnote" not in text  # outside the reading order and cited nowhere
    assert text.endswith("The end.\n\nNotes.\n\nA footnote heard last.")
    assert "var x" not in text and "[3]" not in text
    assert "roofs above them. Then more." in text
    assert "7" not in text and "2" not in text


def test_endnotes_in_their_own_file_are_read_after_the_chapter_citing_them(
        tmp_path: Path) -> None:
    """Standard Ebooks' layout: marks link to endnotes.xhtml, which the TOC lists."""
    def chapter(n: int) -> str:
        return (f"<h2>Chapter {n}</h2><p>{LONG}<a href=\"endnotes.xhtml#note-{n}\" "
                f'id="noteref-{n}" epub:type="noteref">{n}</a> Said twice, chapter {n}.</p>'
                f"<p>{LONG}</p>")
    notes = ('<section epub:type="endnotes"><h2 epub:type="title">Endnotes</h2><ol>' + "".join(
        f'<li id="note-{n}"{kind}><p>The note on chapter {n}. <a href="'
        f'c{n}.xhtml#noteref-{n}" epub:type="backlink">\u21a9</a></p></li>'
        for n, kind in ((1, ' epub:type="endnote"'), (2, "")))  # only the list marked, as now
        + "</ol></section>")
    spec = EpubSpec(docs=[Doc("c1.xhtml", chapter(1), toc_title="Chapter 1"),
                          Doc("c2.xhtml", chapter(2), toc_title="Chapter 2"),
                          Doc("endnotes.xhtml", notes, toc_title="Endnotes")])
    book = read_book(build_epub(spec, tmp_path / "se.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    for n, chapter_read in enumerate(book.chapters, start=1):
        assert f"them. Said twice, chapter {n}." in chapter_read.text
        assert chapter_read.text.endswith(f"{LONG}\n\nNotes.\n\nThe note on chapter {n}.")


def test_gutenberg_footnotes_by_class_are_read_after_the_chapter(tmp_path: Path) -> None:
    body = ('<h2>Chapter 1</h2><p>The inn stood by the ford<a id="FNanchor_1_1" '
            'href="#Footnote_1_1" class="fnanchor">[1]</a> and the road ran past it.</p>'
            f"<p>{LONG}</p><hr/>"
            '<div class="footnote"><p><a id="Footnote_1_1" href="#FNanchor_1_1"><span '
            'class="label">[1]</span></a> The ford was built in 1640.</p></div>'
            f"<h2>Chapter 2</h2><p>{LONG}</p>")
    spec = EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="Chapter 1",
                              anchors=[("c2", "Chapter 2")])])
    spec.docs[0].body = body.replace("<h2>Chapter 2", '<h2 id="c2">Chapter 2')
    book = read_book(build_epub(spec, tmp_path / "pg.epub"))
    one = book.chapters[0].text
    assert "by the ford and the road ran past it." in one and "[1]" not in one
    assert one.endswith(f"{LONG}\n\nNotes.\n\nThe ford was built in 1640.")


def test_short_sections_merge_into_the_next_chapter(tmp_path: Path) -> None:
    docs = [Doc("dedication.xhtml", "<p>For Mary.</p>", toc_title="Dedication"), *_docs(2)]
    book = read_book(build_epub(EpubSpec(docs=docs), tmp_path / "short.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert book.chapters[0].text.startswith("Dedication\n\nFor Mary.")


def test_a_title_the_heading_already_says_is_announced_once(tmp_path: Path) -> None:
    docs = [Doc("c1.xhtml", chapter_body("CHAPTER 1. Loomings.", [LONG, LONG]),
                toc_title="Chapter 1: Loomings"),
            Doc("c2.xhtml", chapter_body("The Carpet-Bag", [LONG, LONG]), toc_title="Chapter 2")]
    book = read_book(build_epub(EpubSpec(docs=docs), tmp_path / "moby.epub"))
    assert book.chapters[0].text.startswith("CHAPTER 1. Loomings.\n\nThe rain fell")
    assert book.chapters[1].text.startswith("Chapter 2\n\nThe Carpet-Bag\n\nThe rain fell")


def test_page_kind_labels_are_not_read_as_titles(tmp_path: Path) -> None:
    title_page = Doc("title.xhtml", "<h1>Alice in Wonderland</h1><p>Lewis Carroll</p>",
                     toc_title="Title Page")
    book = read_book(build_epub(EpubSpec(docs=[title_page, *_docs(1)]), tmp_path / "tp.epub"))
    assert book.chapters[0].text.startswith("Alice in Wonderland\n\nLewis Carroll\n\nChapter 1")
    assert "Title Page" not in book.chapters[0].text


def test_font_obfuscation_is_not_drm(tmp_path: Path) -> None:
    enc = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
           'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
           '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
           '<enc:CipherData><enc:CipherReference URI="OEBPS/font.otf"/></enc:CipherData>'
           "</enc:EncryptedData></encryption>")
    spec = EpubSpec(docs=_docs(), encryption_xml=enc, extra_files={"OEBPS/font.otf": b"x" * 64})
    assert len(read_book(build_epub(spec, tmp_path / "fonts.epub")).chapters) == 3


def test_encrypted_content_is_refused_as_drm(tmp_path: Path) -> None:
    enc = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
           'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
           '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
           '<enc:CipherData><enc:CipherReference URI="OEBPS/c1.xhtml"/></enc:CipherData>'
           "</enc:EncryptedData></encryption>")
    path = build_epub(EpubSpec(docs=_docs(), encryption_xml=enc), tmp_path / "drm.epub")
    with pytest.raises(BookError, match="DRM") as info:
        read_book(path)
    assert info.value.path == path


def test_corrupt_zip_is_refused(tmp_path: Path) -> None:
    good = build_epub(EpubSpec(docs=_docs()), tmp_path / "good.epub")
    bad = tmp_path / "bad.epub"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(BookError, match="zip"):
        read_book(bad)


def test_book_without_text_is_refused(tmp_path: Path) -> None:
    spec = EpubSpec(docs=[Doc("c1.xhtml", "<div><img src='x.png'/></div>", toc_title="Pic")])
    with pytest.raises(BookError, match="no readable text"):
        read_book(build_epub(spec, tmp_path / "empty.epub"))


def test_an_older_gutenberg_header_in_preformatted_text_is_not_read(tmp_path: Path) -> None:
    """Calibre's EPUB of an older Project Gutenberg page: the header is a <pre>, which
    was announced as a code listing at the book's start."""
    body = ("<h1>News from Nowhere</h1><pre>The Project Gutenberg eBook, News from Nowhere, "
            "by William Morris\nThis eBook is for the use of anyone anywhere.</pre>"
            f"<p>{LONG}</p><p>{LONG}</p>")
    spec = EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="News from Nowhere")])
    text = read_book(build_epub(spec, tmp_path / "pg.epub")).chapters[0].text
    assert "Code listing" not in text and "Gutenberg" not in text and LONG in text
