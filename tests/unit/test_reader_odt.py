"""OpenDocument text (issue 24): headings make chapters, lists and tables are read, notes
and comments are not, title and author come from meta.xml. Documents are written here as
LibreOffice stores them (content.xml, meta.xml, the manifest)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.errors import BookError
from tests.helpers.word_match import recall_precision

ONE = ("The orchard was old when the family bought it. Every spring the trees flowered "
       "as if they had never heard of frost, and every autumn the apples were small.")
TWO = ("The grandmother kept the key to the cellar on a string around her neck. Nobody "
       "asked why, and she never said.")
_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def _odt(path: Path, body: str, encrypted: bool = False) -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
               f"<office:body><office:text>{body}</office:text></office:body>"
               "</office:document-content>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_NS}><office:meta>'
            "<dc:title>The Orchard</dc:title><meta:initial-creator>Olga Author"
            "</meta:initial-creator><dc:language>en-GB</dc:language></office:meta>"
            "</office:document-meta>")
    secret = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
              if encrypted else "")
    manifest = ('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                f'manifest:media-type="text/xml">{secret}</manifest:file-entry>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                     compress_type=zipfile.ZIP_STORED)
        out.writestr("content.xml", content)
        out.writestr("meta.xml", meta)
        out.writestr("META-INF/manifest.xml", manifest)
    return path


BODY = (f'<text:h text:outline-level="1">Spring</text:h><text:p>{ONE}<text:note '
        'text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body>'
        "<text:p>Frost came twice in 1911.</text:p></text:note-body></text:note></text:p>"
        "<text:list><text:list-item><text:p>pruning saw</text:p></text:list-item>"
        "<text:list-item><text:p>ladder<text:s text:c='2'/>rope</text:p></text:list-item>"
        '</text:list><text:h text:outline-level="1">Autumn</text:h><text:section>'
        f'<text:h text:outline-level="2">The cellar</text:h><text:p>{TWO}</text:p>'
        "<office:annotation><text:p>check this</text:p></office:annotation>"
        "<table:table><table:table-row><table:table-cell><text:p>Apples</text:p>"
        "</table:table-cell><table:table-cell><text:p>Forty</text:p></table:table-cell>"
        "</table:table-row></table:table></text:section>")


def test_headings_make_chapters_and_meta_names_the_book(tmp_path: Path) -> None:
    book = read_book(_odt(tmp_path / "orchard.odt", BODY))
    assert (book.metadata.title, book.metadata.author, book.metadata.language) == \
        ("The Orchard", "Olga Author", "en-GB")
    assert [c.title for c in book.chapters] == ["Spring", "Autumn"]
    expected = [f"Spring {ONE} pruning saw ladder rope Notes Frost came twice in 1911",
                f"Autumn The cellar {TWO} Apples Forty"]
    for chapter, want in zip(book.chapters, expected, strict=True):
        recall, precision = recall_precision(want, chapter.text)
        assert recall >= 0.98 and precision >= 0.98, (chapter.title, recall, precision)
    text = " ".join(c.text for c in book.chapters)
    assert "check this" not in text


def test_a_footnote_is_read_after_its_chapter_and_its_citation_never(tmp_path: Path) -> None:
    spring = read_book(_odt(tmp_path / "orchard.odt", BODY)).chapters[0].text
    assert f"{ONE}\n\npruning saw" in spring
    assert spring.endswith("rope\n\nNotes.\n\nFrost came twice in 1911.")


def test_password_protected_document_is_refused_in_one_line(tmp_path: Path) -> None:
    path = _odt(tmp_path / "locked.odt", BODY, encrypted=True)
    with pytest.raises(BookError, match="password-protected") as info:
        read_book(path)
    assert info.value.path == path and "\n" not in str(info.value)


def test_deep_odt_is_refused(tmp_path: Path) -> None:
    deep = "<text:section>" * 300 + "<text:p>x</text:p>" + "</text:section>" * 300
    with pytest.raises(BookError, match="nests elements more than 256 deep"):
        read_book(_odt(tmp_path / "deep.odt", deep))
