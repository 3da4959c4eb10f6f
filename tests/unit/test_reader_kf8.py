"""Kindle books (issue 24): chapters from the book's own TOC and files (KF8 skeletons and
fragments, MOBI 6 page breaks), not one blob cut at page breaks; notes read after their
chapter.

``harbour.azw3`` and ``harbour.mobi`` are real Kindle books made by Calibre from the EPUB
in ``tests/fixtures/kindle/make_fixtures.py``; the tests that make more (a joint MOBI,
the bundled sample) run where Calibre's ``ebook-convert`` is installed.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from tests.fixtures.kindle.make_fixtures import HARBOUR, RETURN, SPEC, STORY
from tests.helpers.epub_builder import build_epub

FIXTURE = Path(__file__).parents[1] / "fixtures" / "kindle" / "harbour.azw3"
MOBI6 = FIXTURE.with_suffix(".mobi")
SAMPLE = Path(__file__).parents[2] / "resources" / "sample" / "aesop-fables.epub"
needs_calibre = pytest.mark.skipif(shutil.which("ebook-convert") is None,
                                   reason="Calibre's ebook-convert is not installed")


def test_chapters_follow_the_books_toc_with_its_own_titles() -> None:
    book = read_book(FIXTURE)
    assert [c.title for c in book.chapters] == ["The Crossing", "The Return", "The Harbour"]
    assert (book.metadata.title, book.metadata.author, book.source_format) == \
        ("The Harbour Book", "Ada Tester", "azw3")
    assert book.cover is not None
    crossing, back, harbour = (c.text for c in book.chapters)
    assert crossing.startswith(f"The Crossing\n\n{STORY} The bell rang twice.")
    assert back == f"The Return\n\n{RETURN}\n\n{RETURN}"
    assert harbour.startswith(f"The Harbour\n\n{HARBOUR} He never missed a day.")
    heard = "\n".join(c.text for c in book.chapters)
    assert "Contents" not in heard and "museum. back" not in heard
    assert "public domain" not in heard  # the imprint, known by its (Kindle) type


def test_notes_are_read_after_the_chapter_that_cites_them() -> None:
    crossing, _back, harbour = (c.text for c in read_book(FIXTURE).chapters)
    assert crossing.endswith(f"{STORY}\n\nNotes.\n\nThe tide turns twice a day.")
    assert harbour.endswith(f"{HARBOUR}\n\nNotes.\n\nThe ledger is kept in the town museum.")


def test_a_mobi6_book_is_cut_at_its_toc_and_its_contents_pages_are_not_read() -> None:
    book = read_book(MOBI6)
    assert book.source_format == "mobi"
    assert [c.title for c in book.chapters] == ["The Crossing", "The Return", "The Harbour"]
    crossing, back, harbour = (c.text for c in book.chapters)
    assert crossing.startswith(f"The Crossing\n\n{STORY} The bell rang twice.")
    assert back == f"The Return\n\n{RETURN}\n\n{RETURN}"
    assert harbour.startswith(f"The Harbour\n\n{HARBOUR} He never missed a day.")
    heard = "\n".join(c.text for c in book.chapters)
    assert "Contents" not in heard and "turn.1" not in heard
    # An endnote linking back to its mark is still known as one, and read after its chapter
    assert harbour.endswith(f"{HARBOUR}\n\nNotes.\n\nThe ledger is kept in the town museum.")


def test_a_damaged_index_still_reads_the_text(tmp_path: Path) -> None:
    """Without its skeleton index the book is one page of HTML, cut at its headings."""
    data = bytearray(FIXTURE.read_bytes())
    count = struct.unpack_from(">H", data, 76)[0]
    offsets = [struct.unpack_from(">I", data, 78 + 8 * i)[0] for i in range(count)]
    skeletons = struct.unpack_from(">I", data, offsets[0] + 252)[0]
    assert data[offsets[skeletons]:offsets[skeletons] + 4] == b"INDX"
    data[offsets[skeletons]:offsets[skeletons] + 4] = b"XXXX"
    path = tmp_path / "damaged.azw3"
    path.write_bytes(bytes(data))
    heard = "\n".join(c.text for c in read_book(path).chapters)
    assert STORY in heard and RETURN in heard and HARBOUR in heard


def _convert(source: Path, target: Path, *options: str) -> Path:
    subprocess.run(["ebook-convert", str(source), str(target), *options], check=True,
                   capture_output=True, timeout=300)
    return target


@needs_calibre
@pytest.mark.parametrize(("name", "options"), [("book.azw3", ()),
                                               ("joint.mobi", ("--mobi-file-type", "both")),
                                               ("old.mobi", ())],
                         ids=["azw3", "joint-mobi", "mobi6"])
def test_a_kindle_book_reads_as_the_epub_it_was_made_from(tmp_path: Path, name: str,
                                                         options: tuple[str, ...]) -> None:
    """A MOBI 6 book has lost which paragraphs are notes (a footnote without a link back is
    read where it is printed): only its chapters are compared where the book has notes."""
    for epub in (SAMPLE, build_epub(SPEC, tmp_path / "harbour.epub")):
        kindle = read_book(_convert(epub, tmp_path / name, *options)).chapters
        original = read_book(epub).chapters
        if name == "old.mobi" and epub != SAMPLE:
            assert [c.title for c in kindle] == [c.title for c in original]
        else:
            assert [(c.title, c.text) for c in kindle] == [(c.title, c.text) for c in original]
