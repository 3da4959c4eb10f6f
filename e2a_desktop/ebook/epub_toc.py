"""EPUB navigation: TOC entries and landmarks, with links resolved to full zip paths.

Links in a nav document or NCX are relative to *that* file ("../Text/c1.xhtml"), so
they are resolved against its own folder, never the package's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .epub_package import resolve
from .xmlnames import local_name

_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"


@dataclass(frozen=True)
class TocEntry:
    """One TOC line: its title and where it points (full path, optional fragment)."""

    title: str
    path: str
    fragment: str
    depth: int


def _local(el: etree._Element) -> str:
    return local_name(el.tag)


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _split(target: str) -> tuple[str, str]:
    path, _, fragment = target.partition("#")
    return path, fragment


def _nav_of_type(root: etree._Element, kind: str) -> etree._Element | None:
    for el in root.iter():
        types = (el.get(_EPUB_TYPE) or el.get("epub:type") or "").split()
        if _local(el) == "nav" and kind in types:
            return el
    return None


_BARE_NUMERAL = re.compile(r"^(?:\d{1,4}|[IVXLCDM]{1,8})\.?$", re.I)


_LETTER_TITLE = re.compile(r"^[^\W\dIVXLCDMivxlcdm_]\.?$")


def lettered(titles: Iterable[str]) -> bool:
    """Entries titled by letters ("A", "B", "E"): a dictionary's "C", "D" and "I" are
    letters too, not Roman numerals."""
    return any(_LETTER_TITLE.match(title.strip()) for title in titles)


def with_parent(title: str, parent: str, letters: bool = False) -> str:
    """A bare numeral ("1", "II") under a titled entry carries its parent's title in
    front ("Song of Myself, 1"): a poetry collection's 291 chapters were "1".."52".
    ``letters``: the entry's siblings are letters, and so is a one-letter title."""
    if letters and len(title.strip().rstrip(".")) == 1:
        return title
    if parent and _BARE_NUMERAL.match(title) and not _BARE_NUMERAL.match(parent):
        return f"{parent}, {title.rstrip('.')}"
    return title


def _nav_list(ol: etree._Element, base: str, depth: int, out: list[TocEntry],
              parent: str = "") -> None:
    links = [next((c for c in li if _local(c) in ("a", "span")), None)
             for li in ol if _local(li) == "li"]
    letters = lettered(_text(link) for link in links if link is not None)
    for li in ol:
        if _local(li) != "li":
            continue
        link = next((c for c in li if _local(c) in ("a", "span")), None)
        title = with_parent(_text(link), parent, letters) if link is not None else ""
        if link is not None and link.get("href"):
            path, fragment = _split(resolve(base, str(link.get("href"))))
            out.append(TocEntry(title, path, fragment, depth))
        for child in li:
            if _local(child) in ("ol", "ul"):
                _nav_list(child, base, depth + 1, out, title)


def nav_toc(root: etree._Element, base: str) -> list[TocEntry]:
    nav = _nav_of_type(root, "toc")
    out: list[TocEntry] = []
    if nav is not None:
        for ol in nav:
            if _local(ol) in ("ol", "ul"):
                _nav_list(ol, base, 0, out)
    return out


def nav_landmarks(root: etree._Element, base: str) -> list[tuple[str, str]]:
    """(epub:type, full path#fragment) for every landmark."""
    nav = _nav_of_type(root, "landmarks")
    if nav is None:
        return []
    out = []
    for a in nav.iter():
        if _local(a) == "a" and a.get("href"):
            kinds = (a.get(_EPUB_TYPE) or a.get("epub:type") or "").split()
            for kind in kinds:
                out.append((kind.lower(), resolve(base, str(a.get("href")))))
    return out


def ncx_toc(root: etree._Element, base: str) -> list[TocEntry]:
    out: list[TocEntry] = []

    def label_of(point: etree._Element) -> str:
        label = point.find(f"{_NCX}navLabel")
        return _text(label) if label is not None else ""

    def visit(parent: etree._Element, depth: int, parent_title: str) -> None:
        points = parent.findall(f"{_NCX}navPoint")
        letters = lettered(label_of(point) for point in points)
        for point in points:
            content = point.find(f"{_NCX}content")
            title = with_parent(label_of(point), parent_title, letters)
            if content is not None and content.get("src"):
                path, fragment = _split(resolve(base, str(content.get("src"))))
                out.append(TocEntry(title, path, fragment, depth))
            visit(point, depth + 1, title)

    nav_map = root.find(f"{_NCX}navMap")
    if nav_map is not None:
        visit(nav_map, 0, "")
    return out
