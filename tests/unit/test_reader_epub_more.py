"""EPUB structures that lost text (issue 24): CJK pages taken for contents pages."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

JA = ("吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした"
      "所でニャーニャー泣いていた事だけは記憶している。")


def test_japanese_page_with_note_links_is_read(tmp_path: Path) -> None:
    """Six note links among unspaced Japanese prose: by whitespace words the links were most
    of the page, and the chapter was dropped as a contents page."""
    notes = " ".join(f'<a href="notes.xhtml#n{i}">注{i}</a>' for i in range(1, 7))
    body = f"<h1>第一章</h1><p>{JA * 3}</p><p>{JA * 2} {notes}</p><p>{JA}</p>"
    spec = EpubSpec(language="ja", docs=[
        Doc("c1.xhtml", body, toc_title="第一章"),
        Doc("c2.xhtml", f"<h1>第二章</h1><p>{JA * 4}</p>", toc_title="第二章"),
        Doc("notes.xhtml", "".join(f'<p id="n{i}">注{i}。説明。</p>' for i in range(1, 7)),
            toc_title="注")])
    book = read_book(build_epub(spec, tmp_path / "neko.epub"))
    assert [c.title for c in book.chapters][:2] == ["第一章", "第二章"]
    assert book.chapters[0].text.count("吾輩は猫である") == 6
