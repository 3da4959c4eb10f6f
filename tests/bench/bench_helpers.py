"""Shared bits of the benchmarks: a longer book built from the sample's fables."""

from __future__ import annotations

import resource
from pathlib import Path

from resources.sample.make_sample_book import FABLES
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body


def long_book(path: Path, words: int = 3000, chapters: int = 3) -> Path:
    """An EPUB of about ``words`` words in ``chapters`` chapters (the fables, repeated)."""
    paragraphs = [p for paras in FABLES.values() for p in paras]
    per_chapter = words // chapters
    docs = []
    for c in range(chapters):
        body, count, i = [], 0, c
        while count < per_chapter:
            paragraph = paragraphs[i % len(paragraphs)]
            body.append(paragraph)
            count += len(paragraph.split())
            i += 1
        docs.append(Doc(f"c{c}.xhtml", chapter_body(f"Part {c + 1}", body), f"Part {c + 1}"))
    return build_epub(EpubSpec(title="Benchmark Book", docs=docs), path)


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its finished children (ffmpeg), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children
