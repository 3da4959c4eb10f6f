"""Kindle books (MOBI, AZW, AZW3), DRM-free: the Palm database read here, no GPL library.

The maintained MOBI library on PyPI (``mobi``, from KindleUnpack) is GPL-3.0, which an
MIT program cannot take in; the format is small enough to read directly. A book is a
Palm database: record 0 holds the PalmDOC header (compression, encryption), the MOBI
header and the EXTH metadata (title, author, language, cover); the text records that
follow hold the book's HTML, uncompressed or PalmDOC-compressed. A KF8 (AZW3) book, or
the KF8 half of a joint MOBI, keeps its text in the same way after its own record 0:
its files are rebuilt from their skeletons and fragments and read like an EPUB's, in
chapters from its TOC (``kf8book``). An older MOBI's HTML goes through the HTML reader,
chapters at its headings or page breaks.
Huffman-compressed books are read by Calibre's ``ebook-convert`` when it is installed
(found on the PATH, never required); DRM-locked books are refused.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from lxml import html as lxml_html

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .cover_check import cover_problem, image_kind_and_size
from .htmlbook import html_book
from .kf8 import Kf8FormatError
from .kf8book import kf8_documents, kf8_sections
from .limits import MAX_DOCUMENT_BYTES, MAX_FILE_BYTES, check_nesting
from .mobi6book import mobi6_sections
from .model import Book, Cover, Metadata
from .options import DEFAULT_OPTIONS, ReadOptions

DRM_LINE = "this book is DRM-protected (its content is encrypted); e2a can only read DRM-free books"
"""The same words as a locked EPUB's refusal."""
_EXTH_TITLE, _EXTH_AUTHOR, _EXTH_LANGUAGE, _EXTH_COVER, _EXTH_KF8 = 503, 100, 524, 201, 121
_NO_INDEX = 0xFFFFFFFF


class MobiFormatError(ValueError):
    """The file is not a Palm database this reader understands."""


def _records(data: bytes) -> list[bytes]:
    if len(data) < 78 or data[60:68] not in (b"BOOKMOBI", b"TEXtREAd"):
        raise MobiFormatError("not a MOBI/AZW3 file (no BOOKMOBI Palm database header)")
    count = struct.unpack_from(">H", data, 76)[0]
    offsets = [struct.unpack_from(">I", data, 78 + 8 * i)[0] for i in range(count)
               if 78 + 8 * i + 4 <= len(data)]
    offsets.append(len(data))
    return [data[a:b] for a, b in zip(offsets, offsets[1:], strict=False) if a <= b]


def palmdoc_decompress(data: bytes) -> bytes:
    """PalmDOC's LZ77: literals, runs copied from back in the output, space + letter."""
    out = bytearray()
    i = 0
    while i < len(data):
        c = data[i]
        i += 1
        if 1 <= c <= 8:
            out += data[i:i + c]
            i += c
        elif c < 0x80:
            out.append(c)
        elif c >= 0xC0:
            out += bytes((0x20, c ^ 0x80))
        elif i < len(data):
            pair = (c << 8) | data[i]
            i += 1
            distance, length = (pair >> 3) & 0x7FF, (pair & 7) + 3
            if distance == 0 or distance > len(out):
                raise MobiFormatError("damaged PalmDOC compression")
            for _ in range(length):
                out.append(out[-distance])
        if len(out) > MAX_DOCUMENT_BYTES:
            raise MobiFormatError("a text record unpacks past any real record's size")
    return bytes(out)


def _trailing_size(record: bytes, flags: int) -> int:
    """Bytes of trailing entries (the MOBI header's extra data flags) at a record's end."""
    size = 0
    for bit in range(15, 0, -1):
        if flags & (1 << bit):
            value, shift, pos = 0, 0, len(record) - size - 1
            while pos >= 0:  # a backward varint: its last byte's high bit marks the start
                byte = record[pos]
                value |= (byte & 0x7F) << shift
                shift += 7
                pos -= 1
                if byte & 0x80 or shift > 28:
                    break
            size += value
    if flags & 1 and len(record) > size:
        size += (record[len(record) - size - 1] & 3) + 1
    return size


def _exth(record0: bytes, header_length: int) -> dict[int, list[bytes]]:
    at = 16 + header_length
    out: dict[int, list[bytes]] = {}
    if record0[at:at + 4] != b"EXTH":
        return out
    count = struct.unpack_from(">I", record0, at + 8)[0]
    pos = at + 12
    for _ in range(min(count, 10_000)):
        if pos + 8 > len(record0):
            break
        kind, length = struct.unpack_from(">II", record0, pos)
        if length < 8:
            break
        out.setdefault(kind, []).append(record0[pos + 8:pos + length])
        pos += length
    return out


class _Header:
    """What record 0 says about the text and the metadata."""

    def __init__(self, record0: bytes) -> None:
        if len(record0) < 16:
            raise MobiFormatError("record 0 is too short")
        self.compression, _u, self.text_length, self.text_records, _size, self.encryption = \
            struct.unpack_from(">HHIHHH", record0, 0)
        self.is_mobi = record0[16:20] == b"MOBI"
        header_length = struct.unpack_from(">I", record0, 20)[0] if self.is_mobi else 0
        self.encoding = struct.unpack_from(">I", record0, 28)[0] if self.is_mobi else 1252
        self.version = struct.unpack_from(">I", record0, 36)[0] if self.is_mobi else 0
        self.first_image = struct.unpack_from(">I", record0, 108)[0] \
            if self.is_mobi and len(record0) >= 112 else _NO_INDEX
        self.extra_flags = struct.unpack_from(">H", record0, 242)[0] \
            if self.is_mobi and header_length >= 0xE4 and len(record0) >= 244 else 0
        has_exth = self.is_mobi and len(record0) >= 132 and \
            struct.unpack_from(">I", record0, 128)[0] & 0x40
        self.exth = _exth(record0, header_length) if has_exth else {}

    def text(self, key: int) -> str:
        values = self.exth.get(key)
        return values[0].decode(self.codec, "replace").strip() if values else ""

    def number(self, key: int) -> int | None:
        values = self.exth.get(key)
        return struct.unpack(">I", values[0])[0] if values and len(values[0]) == 4 else None

    @property
    def codec(self) -> str:
        return "utf-8" if self.encoding == 65001 else "cp1252"


def _text(records: list[bytes], start: int, header: _Header) -> bytes:
    """The text records unpacked: the HTML (and, in KF8, the other flows after it)."""
    if header.compression not in (1, 2):
        raise MobiFormatError("the text is Huffman-compressed (HUFF/CDIC)")
    raw = bytearray()
    for record in records[start + 1:start + 1 + header.text_records]:
        record = record[:len(record) - _trailing_size(record, header.extra_flags)]
        raw += palmdoc_decompress(record) if header.compression == 2 else record
        if len(raw) > MAX_FILE_BYTES:
            raise MobiFormatError("the text unpacks past the bound on one book")
    return bytes(raw)


def _cover(records: list[bytes], header: _Header, base: int) -> tuple[Cover | None, list[str]]:
    index = header.number(_EXTH_COVER)
    if index is None or header.first_image == _NO_INDEX:
        return None, []
    at = base + header.first_image + index
    if not 0 <= at < len(records):
        return None, []
    data = records[at]
    problem = cover_problem(data, f"record {at}")
    if problem:
        return None, [problem]
    found = image_kind_and_size(data)
    return Cover(data, found[0] if found else "image/jpeg"), []


_PAGE_BREAK = re.compile(r"<mbp:pagebreak\s*/?>", re.I)
_FILEPOS_ANCHOR = re.compile(r"<a\s+filepos=\d+\s*/?>\s*(?:</a>)?", re.I)
_OUTER_MARKUP = re.compile(r"<\?xml[^>]*\?>|<head\b.*?</head>|</?(?:html|body)\b[^>]*>",
                           re.I | re.S)
"""A KF8 book read as one page (its tables damaged) is its files' outer markup (skeletons)
each followed by its content (fragments): without the outer markup the content is one
body, in order."""


def read_mobi(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """A DRM-free MOBI, AZW or AZW3; Calibre's ebook-convert for what this cannot read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BookError(f"cannot read the file: {exc.strerror}", path) from None
    try:
        records = _records(data)
        header = _Header(records[0])
        if header.encryption:
            raise BookError(DRM_LINE, path)
        base = 0
        joint = header.number(_EXTH_KF8)
        if joint is not None and 0 < joint < len(records):  # a joint file: read its KF8 half
            base, header = joint, _Header(records[joint])
        text = _text(records, base, header)
        sectioned = _sectioned_book(records, base, header, text, path, options)
        if sectioned is not None:
            return sectioned
        html = text[:header.text_length].decode(header.codec, "replace")
    except (MobiFormatError, struct.error, IndexError) as exc:
        book = _calibre(path, options)
        if book is None:
            raise BookError(f"cannot read this Kindle book: {exc}", path) from None
        return book
    return _html_book(records, base, header, html, path, options)


def _html_book(records: list[bytes], base: int, header: _Header, html: str, path: Path,
               options: ReadOptions) -> Book:
    """A MOBI 6 book: one HTML page, chapters at its headings or page breaks."""
    if header.version >= 8:
        html = f"<html><body>{_OUTER_MARKUP.sub('', html)}</body></html>"
    html = _FILEPOS_ANCHOR.sub("", _PAGE_BREAK.sub("<hr/>", html))
    root = lxml_html.document_fromstring(html)  # Kindle HTML is tag soup, not XHTML
    check_nesting(root, "the book's text")
    head = root.find(".//{*}head")
    if head is None:
        head = root.makeelement("head")
        root.insert(0, head)
    first = _Header(records[0])
    for tag, content in (("title", header.text(_EXTH_TITLE) or first.text(_EXTH_TITLE)),
                         ("author", header.text(_EXTH_AUTHOR) or first.text(_EXTH_AUTHOR))):
        if content and tag == "title":
            el = head.makeelement("title")
            el.text = content
            head.append(el)
        elif content:
            head.append(head.makeelement("meta", {"name": "author", "content": content}))
    language = header.text(_EXTH_LANGUAGE)
    if language and not root.get("lang"):
        root.set("lang", language)
    book = html_book(root, path, options, source_format="azw3" if base or header.version >= 8
                     else "mobi")
    cover, notes = _cover(records, header, base)
    return Book(book.metadata, book.chapters, cover, book.source_format, notes)


def _sectioned_book(records: list[bytes], base: int, header: _Header, text: bytes,
                    path: Path, options: ReadOptions) -> Book | None:
    """The book in its own files and TOC chapters; None if it has no TOC (a MOBI 6 book)
    or its tables cannot be read (then it is read as one HTML page, cut at headings)."""
    try:
        if header.version >= 8:
            documents, entries, guide = kf8_documents(records, base, text, header.codec)
            sections: list[Section] | None = kf8_sections(documents, entries, guide, options)
        else:
            sections = mobi6_sections(records[base], records, text[:header.text_length],
                                      header.codec, options)
    except (Kf8FormatError, struct.error, IndexError):
        return None
    if sections is None:
        return None
    first = _Header(records[0])
    metadata = Metadata(title=header.text(_EXTH_TITLE) or first.text(_EXTH_TITLE) or path.stem,
                        author=header.text(_EXTH_AUTHOR) or first.text(_EXTH_AUTHOR),
                        language=header.text(_EXTH_LANGUAGE) or first.text(_EXTH_LANGUAGE)
                        ).with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        raise BookError("this book has no readable text", path)
    cover, notes = _cover(records, header, base)
    kind = "azw3" if base or header.version >= 8 else "mobi"
    return Book(metadata, chapters, cover, kind, notes)


def _calibre(path: Path, options: ReadOptions) -> Book | None:
    """The book converted to EPUB by Calibre's ebook-convert, if it is on the PATH."""
    tool = shutil.which("ebook-convert")
    if tool is None:
        return None
    from .epub import read_epub

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{path.stem}.epub"
        try:
            subprocess.run([tool, str(path), str(out)], capture_output=True, timeout=600,
                           check=True)
        except (subprocess.SubprocessError, OSError):
            return None
        return read_epub(out, options)
