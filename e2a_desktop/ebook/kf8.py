"""KF8 (AZW3) structure: the book's files rebuilt from skeletons and fragments, its TOC.

A KF8 book's text is not one HTML page: it is the book's XHTML files cut into
*skeletons* (each file's outer markup) and *fragments* (the content, inserted into a
skeleton at recorded positions), stored one after the other, followed by other flows
(style sheets, SVG). Indexes (INDX records: a TAGX table of tags, entries of variable
width integers, strings in CNCX records) say where each skeleton and fragment lies and
where each TOC entry points ("fragment N, offset M"). Read as one blob, a KF8 book
comes out as one chapter, cut only at page breaks, in the wrong titles; rebuilt from
its files and TOC, it comes out as the book's own chapters.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .epub_toc import lettered, with_parent

NO_INDEX = 0xFFFFFFFF
MAX_INDEX_ENTRIES = 200_000
"""More entries than any book has: a damaged count is not followed into a long loop."""


MAX_ASSEMBLY_BYTES = 4 << 30
"""Bytes moved while inserting fragments: a real book moves a few times its size; a
hostile one, thousands of fragments into one huge file, would move terabytes."""


class Kf8FormatError(ValueError):
    """An index or a table of the KF8 book cannot be read."""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """A forward variable-width integer (7 bits a byte, the last with its high bit set)."""
    value = 0
    start = pos
    while pos < len(data):
        byte = data[pos]
        value = (value << 7) | (byte & 0x7F)
        pos += 1
        if byte & 0x80 or pos - start >= 5:
            break
    return value, pos


@dataclass(frozen=True)
class _Tag:
    tag: int
    values: int
    mask: int
    end_flag: int


def _indx_header(data: bytes) -> dict[str, int]:
    if data[:4] != b"INDX" or len(data) < 184:
        raise Kf8FormatError("an index record lacks its INDX header")
    start, count, _code, _lng, _total, _ordt, _ligt, _nligt, ncncx = \
        struct.unpack_from(">9I", data, 20)
    tagx = struct.unpack_from(">I", data, 180)[0]
    return {"start": start, "count": count, "ncncx": ncncx, "tagx": tagx}


def _tagx(data: bytes) -> tuple[int, list[_Tag]]:
    if data[:4] != b"TAGX":
        raise Kf8FormatError("an index lacks its TAGX table")
    length, control_bytes = struct.unpack_from(">II", data, 4)
    tags = [_Tag(*data[i:i + 4]) for i in range(12, min(length, len(data) - 3), 4)]
    return control_bytes, tags


def _tag_values(control_count: int, tags: list[_Tag], data: bytes) -> dict[int, list[int]]:
    """One entry's tags: which are present, and how many values, is in its control bytes."""
    controls = list(data[:control_count])
    pos = control_count
    wanted: list[tuple[int, int | None, int | None, int]] = []
    for tag in tags:
        if tag.end_flag == 1:
            controls = controls[1:]
            continue
        if not controls:
            break
        value = controls[0] & tag.mask
        if not value:
            continue
        if value == tag.mask and bin(tag.mask).count("1") > 1:
            length, pos = _varint(data, pos)  # the values' length in bytes follows
            wanted.append((tag.tag, None, length, tag.values))
        elif value == tag.mask:
            wanted.append((tag.tag, 1, None, tag.values))
        else:
            mask = tag.mask
            while not mask & 1:
                mask >>= 1
                value >>= 1
            wanted.append((tag.tag, value, None, tag.values))
    out: dict[int, list[int]] = {}
    for number, count, size, per_entry in wanted:
        values: list[int] = []
        if count is not None:
            for _ in range(count * per_entry):
                found, pos = _varint(data, pos)
                values.append(found)
        else:
            end = pos + (size or 0)
            while pos < end and pos < len(data):
                found, pos = _varint(data, pos)
                values.append(found)
        out[number] = values
    return out


def _cncx(records: list[bytes], codec: str) -> dict[int, str]:
    """The strings of an index's CNCX records, by their offset (0x10000 a record)."""
    strings: dict[int, str] = {}
    for number, raw in enumerate(records):
        pos = 0
        while pos < len(raw):
            length, after = _varint(raw, pos)
            if length:
                strings[number * 0x10000 + pos] = raw[after:after + length].decode(codec,
                                                                                  "replace")
            pos = after + length
            if after == pos and not length:
                pos += 1
    return strings


Entries = list[tuple[str, dict[int, list[int]]]]


def read_index(records: list[bytes], index: int, codec: str) -> tuple[Entries, dict[int, str]]:
    """An INDX index: its entries (name, tag → values) in order, and its CNCX strings."""
    if not 0 <= index < len(records):
        raise Kf8FormatError("an index points past the book's records")
    head = _indx_header(records[index])
    strings_at = index + head["count"] + 1
    strings = _cncx(records[strings_at:strings_at + head["ncncx"]], codec)
    control_count, tags = _tagx(records[index][head["tagx"]:])
    entries: Entries = []
    for number in range(index + 1, min(index + 1 + head["count"], len(records))):
        data = records[number]
        table = _indx_header(data)
        idxt, count = table["start"], min(table["count"], MAX_INDEX_ENTRIES)
        starts = [struct.unpack_from(">H", data, idxt + 4 + 2 * j)[0] for j in range(count)
                  if idxt + 6 + 2 * j <= len(data)]
        for start, end in zip(starts, [*starts[1:], idxt], strict=False):
            entry = data[start:end]
            if not entry:
                continue
            name_end = 1 + entry[0]
            name = entry[1:name_end].decode(codec, "replace")
            entries.append((name, _tag_values(control_count, tags, entry[name_end:])))
        if len(entries) > MAX_INDEX_ENTRIES:
            raise Kf8FormatError("an index holds more entries than any book")
    return entries, strings


@dataclass(frozen=True)
class Fragment:
    insert_at: int
    file_number: int
    length: int


@dataclass(frozen=True)
class Part:
    """One of the book's XHTML files, rebuilt; ``start`` is where it begins in the text."""

    start: int
    markup: bytes


@dataclass(frozen=True)
class TocPoint:
    """A TOC entry: its title, depth, and where it points in the text."""

    title: str
    depth: int
    position: int


def _first(values: dict[int, list[int]], tag: int, at: int = 0) -> int:
    found = values.get(tag, [])
    if len(found) <= at:
        raise Kf8FormatError(f"an index entry lacks its tag {tag}")
    return found[at]


def fragments(records: list[bytes], index: int, codec: str) -> list[Fragment]:
    entries, _strings = read_index(records, index, codec)
    return [Fragment(int(name) if name.isdigit() else 0, _first(tags, 3), _first(tags, 6, 1))
            for name, tags in entries]


def parts(text: bytes, records: list[bytes], skeleton_index: int, fragment_index: int,
          codec: str) -> list[Part]:
    """The book's files: each skeleton with its fragments inserted, in reading order."""
    skeletons, _strings = read_index(records, skeleton_index, codec)
    frags = fragments(records, fragment_index, codec)
    out: list[Part] = []
    taken = work = 0
    for _name, tags in skeletons:
        count, start, length = _first(tags, 1), _first(tags, 6), _first(tags, 6, 1)
        end = start + length
        markup = bytearray(text[start:end])
        for fragment in frags[taken:taken + count]:
            at = min(max(fragment.insert_at - start, 0), len(markup))
            markup[at:at] = text[end:end + fragment.length]
            end += fragment.length
            work += len(markup)
            if work > MAX_ASSEMBLY_BYTES:
                raise Kf8FormatError("the book's fragments would be moved past any real "
                                     "book's size")
        taken += count
        out.append(Part(start, bytes(markup)))
    return out


MAX_TITLE_PAGE_BYTES = 1000
"""A flat TOC entry whose text is this short is a title page ("A Scandal in Bohemia")
for the bare numerals after it ("I", "II"): Calibre's MOBI 6 TOC is flat."""


def _parents(entries: Entries, titles: list[str]) -> list[int]:
    """Each entry's parent: its tag 21, or in a flat TOC the title page that a bare
    numeral follows."""
    parents = []
    title_page = -1
    for number, (_name, tags) in enumerate(entries):
        parent = tags.get(21, [-1])[0]
        if 21 not in tags and tags.get(4, [0])[0] == 0:
            bare = with_parent(titles[number], "a title") != titles[number]
            parent = title_page if bare else -1
            if not bare:
                short = tags.get(2, [MAX_TITLE_PAGE_BYTES])[0] < MAX_TITLE_PAGE_BYTES
                title_page = number if short else -1
        parents.append(parent if parent != number else -1)
    return parents


def toc(records: list[bytes], index: int, codec: str, frags: list[Fragment]) -> list[TocPoint]:
    """The NCX index: each entry's title (CNCX; a bare "II" with its parent's title in
    front, as in an EPUB's TOC), depth, and text position."""
    entries, strings = read_index(records, index, codec)
    titles = [" ".join(strings.get(tags.get(3, [-1])[0], "").split()) for _n, tags in entries]
    parents = _parents(entries, titles)
    letters = lettered(titles)
    out: list[TocPoint] = []
    for number, (_name, tags) in enumerate(entries):
        parent = parents[number]
        title = with_parent(titles[number], titles[parent], letters) \
            if 0 <= parent < len(titles) else titles[number]
        where = tags.get(6)
        if where and len(where) >= 2 and where[0] < len(frags):
            position = frags[where[0]].insert_at + where[1]
        elif tags.get(1):
            position = tags[1][0]  # a MOBI 6 index: a plain text position
        else:
            continue
        out.append(TocPoint(title, tags.get(4, [0])[0], position))
    return out


def flow_table(record: bytes) -> list[tuple[int, int]]:
    """The FDST record: where each flow (the XHTML text, then style sheets, SVG) lies."""
    if record[:4] != b"FDST":
        raise Kf8FormatError("the flow table has no FDST header")
    start, count = struct.unpack_from(">II", record, 4)
    count = min(count, (len(record) - start) // 8)
    values = struct.unpack_from(f">{2 * count}I", record, start)
    return list(zip(values[::2], values[1::2], strict=True))
