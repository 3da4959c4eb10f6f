"""Word documents (issue 24): heading styles make chapters, lists and tables are read,
footnotes after their chapter (their marks never), title and author come from the core
properties."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.errors import BookError
from tests.helpers.word_match import recall_precision

docx = pytest.importorskip("docx")  # python-docx writes the test documents (dev extra)

ONE = ("The ferry left at noon with forty passengers and a goat. Nobody knew whose goat "
       "it was, and by the time the island came into view nobody cared.")
TWO = ("On the island the market had already opened. Fishermen sold the morning catch "
       "while the children ran between the stalls, shouting the prices.")
NOTE = "The goat belonged to the captain."


def _document(path: Path) -> Path:
    doc = docx.Document()
    doc.core_properties.title = "The Ferry"
    doc.core_properties.author = "Ina Writer"
    doc.add_heading("The Ferry", 0)  # the Title style
    doc.add_heading("Crossing", 1)
    doc.add_paragraph(ONE)
    doc.add_paragraph("a coil of rope", style="List Bullet")
    doc.add_paragraph("a basket of lemons", style="List Bullet")
    doc.add_heading("Arrival", 1)
    doc.add_heading("The market", 2)
    doc.add_paragraph(TWO)
    table = doc.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Fish", (0, 1): "Price", (1, 0): "Sardines",
                         (1, 1): "Three coins"}.items():
        table.cell(r, c).text = text
    doc.save(str(path))
    return path


def _with_footnote(path: Path) -> Path:
    """Add a footnote to the first story paragraph (python-docx writes none): the
    marker in the text and the note in word/footnotes.xml, as Word stores them."""
    source = _document(path.with_name("plain.docx"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                marker = ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                          '<w:footnoteReference w:id="1"/></w:r></w:p>')
                text = data.decode()
                at = text.index(ONE[-20:])
                end = text.index("</w:p>", at)
                data = (text[:end] + marker + text[end + len("</w:p>"):]).encode()
            zout.writestr(info, data)
        zout.writestr("word/footnotes.xml",
                      f'<w:footnotes xmlns:w="{w}"><w:footnote w:id="1"><w:p><w:r><w:t>'
                      f"{NOTE}</w:t></w:r></w:p></w:footnote></w:footnotes>")
    return path


def test_heading_styles_make_chapters_and_core_properties_name_the_book(tmp_path: Path) -> None:
    book = read_book(_document(tmp_path / "ferry.docx"))
    assert (book.metadata.title, book.metadata.author) == ("The Ferry", "Ina Writer")
    assert [c.title for c in book.chapters] == ["Crossing", "Arrival"]
    assert book.source_format == "docx"
    expected = [f"Crossing {ONE} a coil of rope a basket of lemons",
                f"Arrival The market {TWO} Fish Price Sardines Three coins"]
    for chapter, want in zip(book.chapters, expected, strict=True):
        recall, precision = recall_precision(want, chapter.text)
        assert recall >= 0.98 and precision >= 0.98, (chapter.title, recall, precision)
    assert "Sardines" in book.chapters[1].text and "Three coins" in book.chapters[1].text


def test_a_footnote_is_read_after_its_chapter_and_its_marker_never(tmp_path: Path) -> None:
    book = read_book(_with_footnote(tmp_path / "notes.docx"))
    crossing = book.chapters[0].text
    assert "captain" not in crossing.split("Notes.")[0] and f"{ONE}\n\n" in crossing
    assert crossing.endswith(f"lemons\n\nNotes.\n\n{NOTE}")
    assert "captain" not in book.chapters[1].text


def test_encrypted_document_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    with pytest.raises(BookError, match="password-protected") as info:
        read_book(path)
    assert info.value.path == path and "\n" not in str(info.value)


def test_not_a_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    shutil.copy(_document(tmp_path / "real.docx"), path)
    path.write_bytes(b"plain words, no zip")
    with pytest.raises(BookError, match="not a valid DOCX"):
        read_book(path)


def test_every_reader_is_offered_by_the_file_dialog() -> None:
    from e2a_desktop.ebook import EXTENSIONS, ReadOptions, _readers

    assert set(EXTENSIONS) == set(_readers(ReadOptions()))
    assert ".docx" in EXTENSIONS


def _field_run(paragraph: object, kind: str, code: str = "") -> None:
    """A run holding a field's begin/separate/end mark or its code (" TOC \\h ")."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if code:
        mark = OxmlElement("w:instrText")
        mark.text = code
    else:
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
    run.append(mark)
    paragraph._p.append(run)  # type: ignore[attr-defined]


def test_a_converted_book_reads_its_chapters_not_its_contents_or_colophon(
        tmp_path: Path) -> None:
    """Calibre's DOCX of a Standard Ebooks book: "Table of Contents" and the title as
    Heading 1 above a TOC field, chapters as Heading 2, a "Colophon" at the end."""
    doc = docx.Document()
    doc.add_heading("Table of Contents", 1)
    first = doc.add_paragraph()
    for kind, code in (("begin", ""), ("", " TOC \\h "), ("separate", "")):
        _field_run(first, kind, code)
    first.add_run("Crossing")
    doc.add_paragraph("Arrival")
    _field_run(doc.add_paragraph("Return"), "end")
    doc.add_heading("The Ferry Book", 1)
    for title, text in (("Crossing", ONE), ("Arrival", TWO), ("Return", ONE)):
        doc.add_heading(title, 2)
        doc.add_paragraph(text)
    doc.add_heading("Colophon", 1)
    doc.add_paragraph("Set in Garamond by the tests, and released into the public domain.")
    path = tmp_path / "converted.docx"
    doc.save(str(path))
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["Crossing", "Arrival", "Return"]
    heard = "\n".join(c.text for c in book.chapters)
    assert "Contents" not in heard and "Garamond" not in heard
    assert heard.count("Arrival") == 1  # its heading, not a line of the printed contents


def test_an_endnote_linked_by_bookmarks_is_read_after_its_chapter(tmp_path: Path) -> None:
    """Calibre's DOCX of an EPUB with endnotes: the mark is a link to a bookmark on the
    note, which links back ("back") to a bookmark on the mark."""
    from docx.oxml import parse_xml as docx_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = docx.Document()
    doc.add_heading("Crossing", 1)
    marked = doc.add_paragraph(ONE)
    marked._p.append(docx_xml(
        f'<w:hyperlink {w} w:anchor="note1"><w:r><w:bookmarkStart w:id="1" w:name="ref1"/>'
        '<w:t>1</w:t><w:bookmarkEnd w:id="1"/></w:r></w:hyperlink>'))
    marked.add_run(" Then the bell rang.")
    doc.add_heading("Arrival", 1)
    doc.add_paragraph(TWO)
    doc.add_heading("Notes", 1)
    note = doc.add_paragraph()
    note._p.append(docx_xml(f'<w:bookmarkStart {w} w:id="2" w:name="note1"/>'))
    note.add_run(NOTE + " ")
    note._p.append(docx_xml(f'<w:hyperlink {w} w:anchor="ref1"><w:r><w:t>back</w:t></w:r>'
                            "</w:hyperlink>"))
    path = tmp_path / "endnotes.docx"
    doc.save(str(path))
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["Crossing", "Arrival"]
    crossing = book.chapters[0].text
    assert f"{ONE} Then the bell rang." in crossing
    assert crossing.endswith(f"Notes.\n\n{NOTE}")
