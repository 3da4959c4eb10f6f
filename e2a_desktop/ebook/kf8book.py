"""A KF8 (AZW3) book read as the EPUB it was made from: its files, TOC, guide and notes.

The files come back from their skeletons and fragments (``kf8``). Links inside a KF8
book are positions ("kindle:pos:fid:0004:off:0000000012"), not ids: each position a
link, a TOC entry or a guide entry points to is given an id on the element that starts
there, and links become "part0004.html#id", so that the EPUB reader's own steps (TOC
anchors cutting files into chapters, printed contents pages left out, notes read after
the chapter citing them) apply unchanged.
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .chapters import Section
from .epub import Document, document_sections, mark_licence
from .epub_kinds import document_kinds
from .epub_package import resolve
from .epub_toc import TocEntry
from .gutenberg import strip_licence
from .htmltext import body_of, parse_document
from .kf8 import (
    NO_INDEX,
    Fragment,
    Kf8FormatError,
    Part,
    TocPoint,
    flow_table,
    fragments,
    parts,
    read_index,
    toc,
)
from .limits import check_nesting
from .note_links import relocate_notes
from .options import ReadOptions

_POS_LINK = re.compile(rb"kindle:pos:fid:([0-9A-Va-v]{4}):off:([0-9A-Va-v]{10})")
_OPEN_TAG = re.compile(rb"<([A-Za-z][\w:.-]*)(?=[\s/>])")
_ID = re.compile(rb"""\sid\s*=\s*["']([^"']*)["']""")
_BODY = re.compile(rb"<body\b[^>]*>", re.I)
_FILEPOS = re.compile(rb"\bfilepos\s*=\s*[\"']?0*(\d+)[\"']?", re.I)
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"



@dataclass
class _Indexes:
    """Record numbers (relative to the KF8 header record) of the KF8 tables."""

    fdst: int
    ncx: int
    fragments: int
    skeletons: int
    guide: int

    @classmethod
    def of(cls, record0: bytes) -> _Indexes:
        if len(record0) < 264:
            raise Kf8FormatError("the KF8 header is too short to name its indexes")
        fdst = struct.unpack_from(">I", record0, 192)[0]
        ncx, frags, skeletons, _datp, guide = struct.unpack_from(">5I", record0, 244)
        return cls(fdst, ncx, frags, skeletons, guide)


@dataclass
class _PartEdits:
    """Byte edits to one part: ids given to elements, links rewritten."""

    spans: list[tuple[int, int, bytes]] = field(default_factory=list)


def part_name(number: int) -> str:
    return f"part{number:04d}.html"


def _element_id(markup: bytes, offset: int, fallback: str) -> tuple[int, str, bool]:
    """(where the tag's name ends, the id of the element starting at ``offset``, whether
    it must be added). A position inside a tag means that tag; one before the body its
    first element."""
    body = _BODY.search(markup)
    at = max(offset, body.end() if body else 0)
    opened, closed = markup.rfind(b"<", 0, at + 1), markup.rfind(b">", 0, at)
    if opened > closed:
        at = opened
    tag = _OPEN_TAG.search(markup, at)
    if tag is None:
        return -1, "", False
    end = markup.find(b">", tag.end())
    found = _ID.search(markup, tag.end(), end if end >= 0 else len(markup))
    if found:
        return tag.end(), found.group(1).decode("utf-8", "replace"), False
    return tag.end(), fallback, True


class PositionedParts:
    """The parts (files) of one Kindle book and every text position something points to;
    ``frags`` is empty in a MOBI 6 book, whose links name text positions directly."""

    def __init__(self, all_parts: list[Part], frags: list[Fragment]) -> None:
        self.parts = all_parts
        self.frags = frags
        self.edits = [_PartEdits() for _ in all_parts]
        self._named: dict[tuple[int, int], str] = {}
        self._starts = [part.start for part in all_parts]
        self._firsts: dict[int, int] | None = None

    def locate(self, position: int) -> tuple[int, int]:
        """(part number, offset in it) of a text position."""
        number = bisect_right(self._starts, position) - 1
        if number >= 0:
            part = self.parts[number]
            if part.start <= position < part.start + len(part.markup):
                return number, position - part.start
        return -1, 0

    def target(self, position: int) -> str:
        """"part0003.html#id" for a position, an id added to its element if it has none."""
        number, offset = self.locate(position)
        if number < 0:
            return ""
        markup = self.parts[number].markup
        fallback = f"e2a-pos-{position}"
        name_end, element_id, added = _element_id(markup, offset, fallback)
        if name_end < 0:
            return part_name(number)
        key = (number, name_end)
        if key in self._named:
            element_id = self._named[key]
        else:
            self._named[key] = element_id
            if added:
                self.edits[number].spans.append(
                    (name_end, name_end, f' id="{element_id}"'.encode()))
        return f"{part_name(number)}#{element_id}"

    def fragment_position(self, fid: int, offset: int) -> int:
        return self.frags[fid].insert_at + offset if 0 <= fid < len(self.frags) else -1

    def rewrite_links(self) -> None:
        """"kindle:pos:fid:0004:off:0000000012" → "part0002.html#id"."""
        for number, part in enumerate(self.parts):
            for link in _POS_LINK.finditer(part.markup):
                position = self.fragment_position(int(link.group(1), 32), int(link.group(2), 32))
                href = self.target(position) if position >= 0 else ""
                self.edits[number].spans.append((link.start(), link.end(), href.encode()))

    def rewrite_fileposes(self) -> None:
        """MOBI 6's ``<a filepos=0000001234>`` → ``<a href="part0002.html#id">``."""
        for number, part in enumerate(self.parts):
            for link in _FILEPOS.finditer(part.markup):
                href = self.target(int(link.group(1)))
                self.edits[number].spans.append(
                    (link.start(), link.end(), f'href="{href}"'.encode()))

    def whole_file(self, target: str, position: int) -> str:
        """A position at the start of a part's text names the whole part."""
        number, _offset = self.locate(position)
        if self._firsts is None:
            self._firsts = {}
            for fragment in self.frags:
                part = self.locate(fragment.insert_at)[0]
                self._firsts[part] = min(self._firsts.get(part, fragment.insert_at),
                                         fragment.insert_at)
        if self.frags:
            first = self._firsts.get(number, -1)
        else:
            body = _BODY.search(self.parts[number].markup) if number >= 0 else None
            first = self.parts[number].start + (body.end() if body else 0)
        return target.partition("#")[0] if position == first else target

    def documents(self) -> list[tuple[str, bytes]]:
        out = []
        for number, part in enumerate(self.parts):
            markup = part.markup
            for start, end, text in sorted(self.edits[number].spans, reverse=True):
                markup = markup[:start] + text + markup[end:]
            out.append((part_name(number), markup))
        return out


def _guide(records: list[bytes], index: int, codec: str,
           book: PositionedParts) -> list[tuple[str, str]]:
    """Guide entries (kind, "partN.html" or "partN.html#id"): cover, contents, text."""
    if index == NO_INDEX:
        return []
    entries, _strings = read_index(records, index, codec)
    out = []
    for kind, tags in entries:
        where = tags.get(6)
        if where and len(where) >= 2:
            position = book.fragment_position(where[0], where[1])
        elif tags.get(3):
            position = book.fragment_position(tags[3][0], 0)
        else:
            continue
        target = book.target(position) if position >= 0 else ""
        if target:
            out.append((kind.lower(), book.whole_file(target, position)))
    return out


def kf8_documents(records: list[bytes], base: int, text: bytes, codec: str
                  ) -> tuple[list[tuple[str, bytes]], list[TocEntry], list[tuple[str, str]]]:
    """The book's files as (name, XHTML), its TOC and its guide."""
    indexes = _Indexes.of(records[base])
    if NO_INDEX in (indexes.skeletons, indexes.fragments):
        raise Kf8FormatError("the KF8 book has no skeleton or fragment index")
    if indexes.fdst != NO_INDEX and 0 <= base + indexes.fdst < len(records):
        flows = flow_table(records[base + indexes.fdst])
        if flows:
            text = text[flows[0][0]:flows[0][1]]
    frags = fragments(records, base + indexes.fragments, codec)
    book = PositionedParts(parts(text, records, base + indexes.skeletons, base + indexes.fragments,
                       codec), frags)
    points: list[TocPoint] = []
    if indexes.ncx != NO_INDEX:
        points = toc(records, base + indexes.ncx, codec, frags)
    entries = []
    for point in points:
        target = book.target(point.position)
        if target:
            path, _, fragment = book.whole_file(target, point.position).partition("#")
            entries.append(TocEntry(point.title, path, fragment, point.depth))
    guide = _guide(records, base + indexes.guide, codec, book)
    book.rewrite_links()
    return book.documents(), entries, guide


def _restore_epub_types(body: etree._Element) -> None:
    """KindleGen and Calibre keep ``epub:type`` as a plain ``type`` attribute ("footnote",
    "imprint"): the EPUB reader's judgement of notes and parts needs it back. A list's
    numbering type ("1", "disc") means nothing as an ``epub:type``."""
    for el in body.iter():
        kind = el.get("type") if isinstance(el.tag, str) else None
        if kind and el.get(_EPUB_TYPE) is None:
            el.set(_EPUB_TYPE, kind)


def kf8_sections(documents: list[tuple[str, bytes]], entries: list[TocEntry],
                 guide: list[tuple[str, str]], options: ReadOptions,
                 parse: Callable[[bytes], etree._Element] = parse_document) -> list[Section]:
    """Sections of the book, as the EPUB reader makes them from its spine documents."""
    spine = frozenset(name for name, _markup in documents)
    by_path: dict[str, list[TocEntry]] = {}
    for entry in entries:
        by_path.setdefault(entry.path, []).append(entry)
    docs: list[Document] = []
    trees: dict[str, etree._Element] = {}
    for name, markup in documents:
        root = parse(markup)
        check_nesting(root, f"the book's file {name}")
        body = body_of(root)
        _restore_epub_types(body)
        if options.skips("licence"):
            mark_licence(body)
        trees[name] = body
        mine = by_path.get(name, [])
        top = next((e for e in mine if not e.fragment), mine[0] if mine else None)
        kinds = document_kinds(name, body, guide, top.title if top else "", spine)
        if not any(options.skips(kind) for kind in kinds):
            docs.append(Document(name, body, mine))
    relocate_notes(trees, resolve)
    sections = [section for doc in docs for section in document_sections(doc, options)]
    if options.skips("licence"):
        texts = strip_licence([s.text for s in sections])
        sections = [Section(s.title, s.heading, t) for s, t in zip(sections, texts, strict=True)]
    return sections
