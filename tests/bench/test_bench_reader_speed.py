"""`e2a info` speed on each new format (issue 24): CPU seconds per million characters.

Run on demand: ``pytest tests/bench/test_bench_reader_speed.py -m bench -s``. Each book
is made here at about 1.2 million characters (a long novel); the issue's bar is no book
of the set over 3 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book

pytestmark = pytest.mark.bench

PARAGRAPH = ("The lamplighter began at the top of the hill and worked his way down, so that "
             "the town seemed to fill with light like a bowl being filled with water. ")
CHAPTERS = 40
PARAGRAPHS = 200  # 40 x 200 x ~150 characters: about 1.2 million


def _chapters() -> list[tuple[str, list[str]]]:
    return [(f"Chapter {c}", [PARAGRAPH * 1] * PARAGRAPHS) for c in range(1, CHAPTERS + 1)]


def _markdown(path: Path) -> Path:
    text = "".join(f"# {t}\n\n" + "\n\n".join(ps) + "\n\n" for t, ps in _chapters())
    path.with_suffix(".md").write_text(text, encoding="utf-8")
    return path.with_suffix(".md")


def _docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for title, paragraphs in _chapters():
        doc.add_heading(title, 1)
        for paragraph in paragraphs:
            doc.add_paragraph(paragraph)
    doc.save(str(path.with_suffix(".docx")))
    return path.with_suffix(".docx")


def _pdf(path: Path) -> Path:
    pytest.importorskip("reportlab")
    from tests.helpers.pdf_builder import PdfSpec, build_pdf

    return build_pdf(PdfSpec(chapters=_chapters()), path.with_suffix(".pdf"))


def _mobi(path: Path) -> Path:
    from tests.helpers.mobi_builder import MobiSpec, build_mobi

    body = "".join(f"<h2>{t}</h2>" + "".join(f"<p>{p}</p>" for p in ps) for t, ps in _chapters())
    return build_mobi(MobiSpec(f"<html><body>{body}</body></html>"), path.with_suffix(".mobi"))


@pytest.mark.parametrize("make", [_markdown, _docx, _pdf, _mobi],
                         ids=["markdown", "docx", "pdf", "mobi"])
def test_reader_speed(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "book")
    start = time.process_time()
    book = read_book(path)
    cpu = time.process_time() - start
    per_million = cpu / (book.char_count / 1e6)
    print(f"\n{path.suffix:6s} {book.char_count:,} chars in {len(book.chapters)} chapters: "
          f"{cpu:.2f} s CPU, {per_million:.2f} s per million characters")
    assert len(book.chapters) == CHAPTERS
    assert cpu < 3.0
