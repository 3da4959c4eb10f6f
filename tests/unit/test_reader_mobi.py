"""Kindle books (issue 24): MOBI and AZW3, DRM-free, read from the Palm database; a locked
one refused with the locked EPUB's line. The files are written here byte by byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.ebook.mobibook import palmdoc_decompress
from e2a_desktop.errors import BookError
from tests.helpers.epub_builder import png
from tests.helpers.mobi_builder import MobiSpec, build_mobi, palmdoc_compress
from tests.helpers.word_match import recall_precision

ONE = ("The lamplighter began at the top of the hill and worked his way down, so that the "
       "town seemed to fill with light like a bowl being filled with water. ") * 30
TWO = ("At the bottom of the hill lived a girl who waited every evening to see the last "
       "lamp lit, and only then would she go indoors for supper. ") * 30
HTML = ('<html><head><guide><reference type="toc" filepos=0000001234 /></guide></head><body>'
        f"<h2>Dusk</h2><p>{ONE}</p><mbp:pagebreak/><h2>Night</h2><p>{TWO}</p>"
        "<a filepos=0000000042 ></a></body></html>")


@pytest.mark.parametrize(("suffix", "compression", "version"),
                         [(".mobi", 2, 6), (".mobi", 1, 6), (".azw3", 2, 8)],
                         ids=["mobi-palmdoc", "mobi-plain", "azw3"])
def test_kindle_book_chapters_match_the_text(tmp_path: Path, suffix: str, compression: int,
                                             version: int) -> None:
    spec = MobiSpec(HTML, compression=compression, version=version, cover=png(40, 60))
    book = read_book(build_mobi(spec, tmp_path / f"book{suffix}"))
    assert (book.metadata.title, book.metadata.author, book.metadata.language) == \
        ("A Kindle Book", "Kay Kindle", "en")
    assert [c.title for c in book.chapters] == ["Dusk", "Night"]
    for chapter, want in zip(book.chapters, [f"Dusk {ONE}", f"Night {TWO}"], strict=True):
        recall, precision = recall_precision(want, chapter.text)
        assert recall >= 0.98 and precision >= 0.98, (chapter.title, recall, precision)
    assert book.cover is not None and book.cover.media_type == "image/png"
    assert book.source_format == ("azw3" if version == 8 else "mobi")


def test_drm_locked_kindle_book_is_refused_like_a_locked_epub(tmp_path: Path) -> None:
    path = build_mobi(MobiSpec(HTML, encryption=2), tmp_path / "locked.azw")
    with pytest.raises(BookError, match="DRM-protected .* e2a can only read DRM-free books") \
            as info:
        read_book(path)
    assert info.value.path == path and "\n" not in str(info.value)


def test_huffman_book_without_calibre_is_refused_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ebook-convert to fall back on
    path = build_mobi(MobiSpec(HTML, compression=17480), tmp_path / "huff.mobi")
    with pytest.raises(BookError, match="Huffman-compressed") as info:
        read_book(path)
    assert "\n" not in str(info.value)


def test_not_a_kindle_book_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.mobi"
    path.write_bytes(b"this is no Palm database" * 10)
    with pytest.raises(BookError, match="not a MOBI/AZW3 file"):
        read_book(path)


def test_palmdoc_round_trip_and_back_references() -> None:
    text = "Ünïcode and plain ASCII, with spaces before Letters.".encode()
    assert palmdoc_decompress(palmdoc_compress(text)) == text
    # "abcabcabc": three literals, then a copy of 6 bytes from 3 back
    pair = (3 << 3) | (6 - 3)
    assert palmdoc_decompress(b"abc" + bytes((0x80 | pair >> 8, pair & 0xFF))) == b"abcabcabc"
