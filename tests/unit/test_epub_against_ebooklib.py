"""Our EPUB package reader, checked against ebooklib as an independent reading.

The reader parses the package itself (it needs the default rendition and full
paths, which ebooklib does not give); ebooklib, the standard Python EPUB
library, is the oracle: on the same files both must see the same reading order
and the same title, author and language.
"""

from __future__ import annotations

import posixpath
import warnings
import zipfile
from pathlib import Path

import pytest

from e2a_desktop.ebook.epub_package import read_package
from tests.conftest import SAMPLE_BOOK
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body, png


def _books(tmp_path: Path) -> list[Path]:
    docs = [Doc(f"ch{i}.xhtml", chapter_body(f"Chapter {i}", [f"Text of chapter {i}."]),
                f"Chapter {i}") for i in range(1, 4)]
    return [
        SAMPLE_BOOK,
        build_epub(EpubSpec(title="Three", author="Ann Author", language="fr", docs=docs),
                   tmp_path / "three.epub"),
        build_epub(EpubSpec(title="Old Style", version=2, docs=docs), tmp_path / "ncx.epub"),
        build_epub(EpubSpec(title="Nested TOC", docs=docs, nav_dir="nav", cover_png=png()),
                   tmp_path / "nested.epub"),
    ]


def _ebooklib_view(path: Path) -> tuple[list[str], str, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ebooklib import epub

        book = epub.read_epub(str(path), {"ignore_ncx": True})
    with zipfile.ZipFile(path) as archive:
        opf_dir = posixpath.dirname(read_package(archive).opf_path)
    order = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is not None:
            order.append(posixpath.normpath(posixpath.join(opf_dir, item.file_name)))

    def dc(name: str) -> str:
        found = book.get_metadata("DC", name)
        return " ".join(str(found[0][0]).split()) if found else ""

    return order, dc("title"), dc("creator"), dc("language")


@pytest.mark.parametrize("index", range(4))
def test_reading_order_and_metadata_agree_with_ebooklib(tmp_path: Path, index: int) -> None:
    path = _books(tmp_path)[index]
    with zipfile.ZipFile(path) as archive:
        package = read_package(archive)
    order, title, creator, language = _ebooklib_view(path)
    assert [s.item.path for s in package.spine] == order
    assert (package.metadata.get("title", ""), package.metadata.get("creator", ""),
            package.metadata.get("language", "")) == (title, creator, language)
