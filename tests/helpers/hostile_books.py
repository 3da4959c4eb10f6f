"""Hostile books, made on the fly: zip bombs, deep nesting, many entries, a lying cover.

A zip bomb is written without ever holding (or compressing) its unpacked bytes: a
deflate block ended by a full flush stands alone, so one compressed megabyte of
paragraphs, repeated, unpacks to as many megabytes as it is repeated. The zip itself is
written by hand because ``zipfile`` has no way to store ready-made compressed data.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, png, xhtml

MB = 1024 * 1024
_PARAGRAPH = b"<p>All work and no play makes Jack a dull boy, and the night goes on.</p>\n"


class _Member:
    """A zip member given as its deflated bytes, CRC and unpacked size."""

    def __init__(self, name: str, deflated: bytes, crc: int, size: int) -> None:
        self.name, self.deflated, self.crc, self.size = name.encode(), deflated, crc, size


def _deflated(data: bytes) -> _Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return _Member("", packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def _repeated(head: bytes, block: bytes, times: int, tail: bytes) -> _Member:
    """head + block * times + tail, deflated in one pass over ``block`` only."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    middle = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return _Member("", start + middle * times + end, crc,
                   len(head) + len(block) * times + len(tail))


def write_zip(path: Path, members: list[_Member]) -> Path:
    """A zip (no zip64: every member under 4 GiB) of ready-deflated members; the first,
    an EPUB's mimetype, is stored as EPUB asks."""
    out, central = bytearray(), bytearray()
    for member in members:
        stored = member.name == b"mimetype"
        body = member.deflated if not stored else zlib.decompress(member.deflated, -15)
        method = 0 if stored else 8
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21,
                           member.crc & 0xFFFFFFFF, len(body), member.size, len(member.name), 0)
        out += member.name + body
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0,
                               0x21, member.crc & 0xFFFFFFFF, len(body), member.size,
                               len(member.name), 0, 0, 0, 0, 0, offset)
        central += member.name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def _named(name: str, member: _Member) -> _Member:
    member.name = name.encode()
    return member


def _package(chapters: list[str], cover: str = "", missing: int = 0) -> dict[str, bytes]:
    """container.xml and an EPUB 2 package whose spine names ``chapters`` then ``missing``
    files that are not in the zip."""
    items = [f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>'
             for i, name in enumerate(chapters)]
    items += [f'<item id="m{i}" href="gone{i}.xhtml" media-type="application/xhtml+xml"/>'
              for i in range(missing)]
    refs = [f'<itemref idref="c{i}"/>' for i in range(len(chapters))]
    refs += [f'<itemref idref="m{i}"/>' for i in range(missing)]
    meta = '<meta name="cover" content="cover"/>' if cover else ""
    if cover:
        items.append(f'<item id="cover" href="{cover}" media-type="image/png"/>')
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
           '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Hostile</dc:title>'
           f'<dc:language>en</dc:language>{meta}</metadata><manifest>{"".join(items)}</manifest>'
           f'<spine>{"".join(refs)}</spine></package>')
    container = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
                 'opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/c.opf" '
                 'media-type="application/oebps-package+xml"/></rootfiles></container>')
    return {"mimetype": b"application/epub+zip", "META-INF/container.xml": container.encode(),
            "OEBPS/c.opf": opf.encode()}


def _small(files: dict[str, bytes]) -> list[_Member]:
    return [_named(name, _deflated(data)) for name, data in files.items()]


_STORY = xhtml("One", "<h1>One</h1><p>It was a dark and stormy night; the rain fell in "
                      "torrents, except at occasional intervals.</p>").encode()


def bomb_chapter_epub(path: Path, unpacked: int = 1024 * MB) -> Path:
    """A small EPUB whose second chapter unpacks to ``unpacked`` bytes of paragraphs."""
    files = _package(["one.xhtml", "bomb.xhtml"])
    files["OEBPS/one.xhtml"] = _STORY
    block = _PARAGRAPH * (MB // len(_PARAGRAPH))
    head = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    bomb = _repeated(head, block, unpacked // len(block), b"</body></html>")
    return write_zip(path, [*_small(files), _named("OEBPS/bomb.xhtml", bomb)])


def bomb_cover_epub(path: Path, unpacked: int = 1024 * MB) -> Path:
    """A readable EPUB whose cover unpacks to ``unpacked`` bytes (a PNG header, then zeros)."""
    files = _package(["one.xhtml"], cover="cover.png")
    files["OEBPS/one.xhtml"] = _STORY
    header = png(10, 10)[:33]  # signature and IHDR: it looks like a PNG to a sniffer
    block = bytes(MB)
    cover = _repeated(header, block, unpacked // MB, b"")
    return write_zip(path, [*_small(files), _named("OEBPS/cover.png", cover)])


def huge_cover_epub(path: Path, side: int = 65535) -> Path:
    """A readable EPUB whose small PNG cover claims ``side`` x ``side`` pixels."""
    header = bytearray(png(10, 10))
    struct.pack_into(">II", header, 16, side, side)  # IHDR width, height (CRC left wrong)
    files = _package(["one.xhtml"], cover="cover.png")
    files["OEBPS/one.xhtml"] = _STORY
    files["OEBPS/cover.png"] = bytes(header)
    return write_zip(path, _small(files))


def deep_epub(path: Path, depth: int = 200_000) -> Path:
    """An EPUB whose one chapter nests ``depth`` <div>s."""
    body = "<h1>Deep</h1>" + "<div>" * depth + "<p>Down here.</p>" + "</div>" * depth
    return build_epub(EpubSpec(docs=[Doc("deep.xhtml", body, toc_title="Deep")]), path)


def many_entries_epub(path: Path, entries: int = 30_000, missing: int = 3_000,
                      chapters: int = 20) -> Path:
    """An EPUB of ``entries`` zip entries (mostly small pictures nothing points at) whose
    spine names ``missing`` files the zip does not hold, after ``chapters`` real ones."""
    names = [f"ch{i}.xhtml" for i in range(chapters)]
    files = _package(names, missing=missing)
    for i, name in enumerate(names):
        files[f"OEBPS/{name}"] = xhtml(f"Chapter {i + 1}", f"<h1>Chapter {i + 1}</h1><p>Page "
                                       f"{i + 1} of a story told in short chapters.</p>").encode()
    members = _small(files)
    picture = _deflated(png(2, 2))
    for i in range(entries - len(members)):
        members.append(_Member(f"OEBPS/img/{i}.png", picture.deflated, picture.crc,
                               picture.size))
    return write_zip(path, members)


def lying_bomb_epub(path: Path, unpacked: int = 1024 * MB) -> Path:
    """The chapter bomb, its zip directory claiming the chapter unpacks to 4 kB."""
    bomb_chapter_epub(path, unpacked)
    data = bytearray(path.read_bytes())
    name = b"OEBPS/bomb.xhtml"
    local = data.find(b"PK\x03\x04" + struct.pack("<H", 20), 0)
    while data[local + 30:local + 30 + len(name)] != name:
        local = data.find(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", data, local + 22, 4096)
    central = data.find(b"PK\x01\x02" + b"\x14\x00\x14\x00", 0)
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 4096)
    path.write_bytes(bytes(data))
    return path


def big_chapters_epub(path: Path, chapters: int = 5, each: int = 15 * MB) -> Path:
    """An EPUB of ``chapters`` chapters, each just under the one-file bound, that add up
    past the whole book's."""
    names = [f"big{i}.xhtml" for i in range(chapters)]
    files = _package(names)
    block = _PARAGRAPH * (MB // len(_PARAGRAPH))
    head = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    members = _small(files)
    chapter = _repeated(head, block, each // len(block), b"</body></html>")
    for name in names:
        members.append(_Member(f"OEBPS/{name}", chapter.deflated, chapter.crc, chapter.size))
    return write_zip(path, members)
