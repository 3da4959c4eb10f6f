"""Benchmark: reading a Moby-Dick-sized EPUB (about 6.7 M characters), as `e2a info` does.

Run on demand: `python -m pytest tests/bench -m bench -s -k reading`. It prints the
seconds to read the book and to plan it; the issue asks for "a few seconds".
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import plan_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

pytestmark = pytest.mark.bench

_PLAIN = ("whale sea ship captain harpoon said Stubb the lee deck Mr. Starbuck night oil cask "
          "boat crew Queequeg Ishmael Pequod sperm leviathan ocean wind sail")
WORDS = [*_PLAIN.split(), "\u201cAye,\u201d", "\u2014", "mast\u2019s", "30\u00b0", "2\u20443",
         "\u00bd", "\u2026"]


def _paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(40, 160))]
    return " ".join(words).capitalize() + "."


def big_book(path: Path, chars: int = 6_700_000, chapters: int = 140) -> Path:
    """An EPUB of about ``chars`` characters in ``chapters`` files, seeded (the same every run)."""
    rng = random.Random(1851)
    per_chapter = chars // chapters
    docs = []
    for c in range(1, chapters + 1):
        paragraphs, size = [], 0
        while size < per_chapter:
            paragraph = _paragraph(rng)
            paragraphs.append(f"<p>{paragraph}</p>")
            size += len(paragraph)
        body = f"<h1>CHAPTER {c}.</h1>{''.join(paragraphs)}"
        docs.append(Doc(f"c{c}.xhtml", body.replace("&", "and"), toc_title=f"Chapter {c}"))
    return build_epub(EpubSpec(title="Big Book", docs=docs), path)


def test_reading_a_large_book_takes_seconds(tmp_path: Path) -> None:
    path = big_book(tmp_path / "big.epub")
    began = time.perf_counter()
    book = read_book(path)
    read_s = time.perf_counter() - began
    began = time.perf_counter()
    units = plan_book(book)
    plan_s = time.perf_counter() - began
    print(f"\nread {book.char_count:,} characters in {len(book.chapters)} chapters: "
          f"{read_s:.2f} s; planned {len(units):,} units: {plan_s:.2f} s")
    assert len(book.chapters) == 140
    assert read_s < 10
