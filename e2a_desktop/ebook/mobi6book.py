"""A MOBI 6 book with a TOC (an NCX index) read in the TOC's chapters and titles.

A MOBI 6 book is one HTML page: its source files are joined with page breaks, its links
and its TOC name byte positions in that page (``filepos``), and its headings are often
no headings at all (``<font size="5"><b>``). Cut at its page breaks into the files it
was made from, given ids where its TOC, guide and links point, it is read as the EPUB
reader reads a book: chapters at TOC entries, printed contents pages left out.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from .chapters import Section
from .epub_toc import TocEntry
from .kf8 import NO_INDEX, Part, toc
from .kf8book import PositionedParts, kf8_sections
from .options import ReadOptions

_PAGE_BREAK = re.compile(rb"<mbp:pagebreak\s*/?>", re.I)
_GUIDE_REFERENCE = re.compile(rb"<reference\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(rb"""\b(type|filepos)\s*=\s*["']?([^"'\s/>]+)""", re.I)
_HEAD = re.compile(rb"<head\b.*?</head>", re.I | re.S)


def _guide(text: bytes, book: PositionedParts) -> list[tuple[str, str]]:
    """The ``<guide>`` in the page's head: (kind, "partN.html#id")."""
    head = _HEAD.search(text)
    out = []
    for reference in _GUIDE_REFERENCE.finditer(head.group(0) if head else b""):
        values = {k.lower(): v for k, v in _ATTRIBUTE.findall(reference.group(0))}
        kind, filepos = values.get(b"type", b""), values.get(b"filepos", b"")
        if kind and filepos.isdigit():
            target = book.target(int(filepos))
            if target:
                out.append((kind.decode("ascii", "replace").lower(),
                            book.whole_file(target, int(filepos))))
    return out


def _soup(codec: str) -> Callable[[bytes], etree._Element]:
    """MOBI 6 HTML is tag soup (unquoted attributes, <font>), not XHTML, in the book's
    encoding (no page says which)."""
    def parse(markup: bytes) -> etree._Element:
        return lxml_html.document_fromstring(markup.decode(codec, "replace") or "<p></p>")
    return parse


def mobi6_sections(record0: bytes, records: list[bytes], text: bytes, codec: str,
                   options: ReadOptions) -> list[Section] | None:
    """The book's sections from its TOC; None when it has no TOC (then headings decide)."""
    index = struct.unpack_from(">I", record0, 244)[0] if len(record0) >= 248 else NO_INDEX
    if index == NO_INDEX or not 0 < index < len(records):
        return None
    points = toc(records, index, codec, [])
    if not points:
        return None
    cuts = [0, *(m.end() for m in _PAGE_BREAK.finditer(text)), len(text)]
    book = PositionedParts([Part(a, text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)
                            if b > a], [])
    entries = []
    for point in points:
        target = book.target(point.position)
        if target:
            path, _, fragment = book.whole_file(target, point.position).partition("#")
            entries.append(TocEntry(point.title, path, fragment, point.depth))
    guide = _guide(text, book)
    book.rewrite_fileposes()
    documents = [(name, _HEAD.sub(b"", markup)) for name, markup in book.documents()]
    return kf8_sections(documents, entries, guide, options, parse=_soup(codec))
