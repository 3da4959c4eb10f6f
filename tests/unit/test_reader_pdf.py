"""PDF books (issue 24): chapters from the outline, else from heading sizes; running heads
and page numbers left out, footnotes read after their chapter; hyphenated words joined;
two columns in order; a scan without text refused in one line. The PDFs are written here
with reportlab."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.errors import BookError
from tests.helpers.word_match import recall_precision

pytest.importorskip("reportlab")  # writes the test PDFs (dev extra)
from tests.helpers.pdf_builder import PdfSpec, build_pdf, scanned_pdf  # noqa: E402

HARBOUR = ("The harbour woke slowly under a grey sky, and the fishermen counted their nets "
           "with the patience of people who had counted them every morning of their lives.")
STORM = ("By evening the wind had turned, and the extraordinary stillness of the afternoon "
         "gave way to a storm that nobody in the village had foreseen.")
RETURN = ("Three days later the boats came back one by one, battered but whole, and the "
          "women on the quay recognised each of them long before they could see the faces.")
CHAPTERS = [("The Harbour", [" ".join([HARBOUR] * 3), STORM, " ".join([HARBOUR] * 4)]),
            ("The Storm", [" ".join([STORM] * 2), " ".join([RETURN] * 5), STORM]),
            ("The Return", [" ".join([RETURN] * 3), HARBOUR])]


def _check(book_path: Path) -> None:
    book = read_book(book_path)
    assert [c.title for c in book.chapters] == [t for t, _p in CHAPTERS]
    for chapter, (title, paragraphs) in zip(book.chapters, CHAPTERS, strict=True):
        recall, precision = recall_precision(" ".join([title, *paragraphs]), chapter.text)
        assert recall >= 0.98 and precision >= 0.98, (title, recall, precision)
    text = " ".join(c.text for c in book.chapters)
    assert "A PRINTED BOOK" not in text  # the running head
    assert "footnote" not in text
    assert "extraordinary" in text and "recognised" in text  # hyphenated at line ends


@pytest.mark.parametrize(("outline", "columns"), [(True, 1), (False, 1), (True, 2)],
                         ids=["outline", "headings", "two-columns"])
def test_pdf_chapters_match_the_text_they_were_made_from(tmp_path: Path, outline: bool,
                                                         columns: int) -> None:
    spec = PdfSpec(chapters=CHAPTERS, outline=outline, columns=columns,
                   footnote="1 A footnote printed small at the foot of the page.")
    _check(build_pdf(spec, tmp_path / "book.pdf"))


def test_pdf_metadata_names_the_book(tmp_path: Path) -> None:
    book = read_book(build_pdf(PdfSpec(chapters=CHAPTERS), tmp_path / "book.pdf"))
    assert (book.metadata.title, book.metadata.author) == ("A Printed Book", "Pat Printer")
    assert book.source_format == "pdf"


def test_words_hyphenated_across_lines_are_whole(tmp_path: Path) -> None:
    book = read_book(build_pdf(PdfSpec(chapters=CHAPTERS), tmp_path / "book.pdf"))
    words = set(" ".join(c.text for c in book.chapters).split())
    made = set(" ".join(p for _t, ps in CHAPTERS for p in ps).split())
    assert not {w for w in words if w.endswith("-")}
    assert words <= made | {t for title, _p in CHAPTERS for t in title.split()}


def test_scanned_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(BookError, match="no text layer") as info:
        read_book(path)
    assert info.value.path == path and "\n" not in str(info.value)


def test_not_a_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.4 and then nothing")
    with pytest.raises(BookError, match="not a readable PDF") as info:
        read_book(path)
    assert "\n" not in str(info.value)


def test_password_protected_pdf_is_refused_in_one_line(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "locked.pdf"
    canvas = Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret"))
    canvas.drawString(100, 100, "A locked page of text.")
    canvas.showPage()
    canvas.save()
    with pytest.raises(BookError, match="password-protected") as info:
        read_book(path)
    assert "\n" not in str(info.value)


def test_chapters_nested_under_the_novels_own_bookmark_and_no_colophon(
        tmp_path: Path) -> None:
    """Calibre's PDF of an EPUB: "Dedication", the novel's title holding the chapters, then
    "Colophon"; the chapters are the chapters, the colophon is not read."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "nested.pdf"
    canvas = Canvas(str(path), pagesize=A5)
    pages = [("Dedication", 0, "To my brother, who kept the lighthouse."),
             ("The Lighthouse Novel", 0, "The Lighthouse Novel"),
             *((title, 1, text) for title, paragraphs in CHAPTERS for text in paragraphs[:1]),
             ("Colophon", 0, "Set in Times by the tests of e2a.")]
    for number, (title, level, text) in enumerate(pages):
        canvas.bookmarkPage(f"p{number}")
        canvas.addOutlineEntry(title, f"p{number}", level=level)
        canvas.setFont("Times-Roman", 11)
        for row, start in enumerate(range(0, len(text), 60)):
            canvas.drawString(40, 500 - 14 * row, text[start:start + 60])
        canvas.showPage()
    canvas.save()
    book = read_book(path)
    assert [c.title for c in book.chapters][-3:] == [t for t, _p in CHAPTERS]
    assert "Times" not in "\n".join(c.text for c in book.chapters)


def test_a_footnote_is_read_after_its_chapter(tmp_path: Path) -> None:
    """Small print at a page's foot is that page's footnote: read after the chapter, under
    "Notes", never between the page's last sentence and the next page's first."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "notes.pdf"
    canvas = Canvas(str(path), pagesize=A5)
    texts = [("The Harbour", [HARBOUR, STORM], "1 The harbour was rebuilt in 1911."),
             ("The Harbour", [RETURN, HARBOUR], ""),
             ("The Return", [RETURN, STORM], "")]
    for number, (title, paragraphs, note) in enumerate(texts):
        if number != 1:
            canvas.bookmarkPage(f"p{number}")
            canvas.addOutlineEntry(title, f"p{number}", level=0)
        canvas.setFont("Times-Roman", 11)
        row = 0
        for paragraph in paragraphs:
            for start in range(0, len(paragraph), 60):
                canvas.drawString(40, 500 - 14 * row, paragraph[start:start + 60])
                row += 1
            row += 1
        if note:
            canvas.setFont("Times-Roman", 7)
            canvas.drawString(40, 45, note)
        canvas.showPage()
    canvas.save()
    harbour, back = read_book(path).chapters
    assert harbour.text.endswith("\n\nNotes.\n\nThe harbour was rebuilt in 1911.")
    assert "1911" not in harbour.text.split("Notes.")[0] and "1911" not in back.text


def test_a_page_all_in_small_print_is_read_not_taken_for_footnotes(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "small.pdf"
    canvas = Canvas(str(path), pagesize=A5)
    for number, (title, size, text) in enumerate([("Preface", 8, STORM),
                                                  ("The Harbour", 11, HARBOUR * 3)]):
        canvas.bookmarkPage(f"p{number}")
        canvas.addOutlineEntry(title, f"p{number}", level=0)
        canvas.setFont("Times-Roman", size)
        for row, start in enumerate(range(0, len(text), 60)):
            canvas.drawString(40, 500 - 14 * row, text[start:start + 60])
        canvas.showPage()
    canvas.save()
    preface, harbour = read_book(path).chapters
    assert preface.title == "Preface" and "the wind had turned" in preface.text
    assert "Notes." not in preface.text + harbour.text
