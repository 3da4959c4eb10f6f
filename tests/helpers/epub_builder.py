"""Build EPUB files byte by byte, so tests control every quirk (NCX, nav, DRM, notes)."""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass
class Doc:
    """One spine document."""

    name: str
    body: str  # XHTML body content
    toc_title: str | None = None
    linear: bool = True
    properties: str = ""
    anchors: list[tuple[str, str]] = field(default_factory=list)  # TOC entries: (id, title)
    head: str = ""  # extra <head> markup (a stylesheet link, a <style>)


@dataclass
class EpubSpec:
    title: str = "A Test Book"
    author: str = "Ada Tester"
    language: str = "en"
    date: str = "1901-01-01"
    description: str = "A book built by the tests."
    docs: list[Doc] = field(default_factory=list)
    version: int = 3  # 3: nav document; 2: NCX only
    toc: bool = True
    cover_png: bytes | None = None
    encryption_xml: str | None = None
    extra_files: dict[str, bytes] = field(default_factory=dict)
    nav_dir: str = ""  # a sub-folder for nav.xhtml and toc.ncx ("nav"), links relative to it
    landmarks: list[tuple[str, str]] = field(default_factory=list)  # (epub:type, doc name)
    other_rootfiles: list[str] = field(default_factory=list)  # renditions after the default
    pre_paginated: bool = False  # fixed layout: rendition:layout pre-paginated
    utf8_flag: bool = True  # False: non-ASCII names stored as UTF-8 without the zip flag


def png(width: int = 60, height: int = 90, rgb: tuple[int, int, int] = (40, 80, 140)) -> bytes:
    """A small valid PNG: a solid colour with a lighter band."""
    rows = []
    for y in range(height):
        colour = rgb if not height // 3 < y < height // 2 else (230, 200, 120)
        rows.append(b"\x00" + bytes(colour) * width)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + \
        chunk(b"IEND", b"")


def xhtml(title: str, body: str, head: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{escape(title)}</title>{head}</head><body>{body}</body></html>"
    )


def clear_utf8_flags(path: Path) -> None:
    """Rewrite the zip so its names read as UTF-8 bytes without the flag that says so, as
    many zip tools store them (Python then decodes them as cp437)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    for offset in offsets:  # local headers: flags at +6, little-endian; 0x800 is bit 3 of +7
        data[offset + 7] &= 0xFF ^ 0x08
    position = data.find(b"PK\x01\x02")
    while position != -1:  # central directory: flags at +8
        data[position + 9] &= 0xFF ^ 0x08
        position = data.find(b"PK\x01\x02", position + 46)
    path.write_bytes(bytes(data))


def build_epub(spec: EpubSpec, path: Path) -> Path:
    """Write ``spec`` as an EPUB at ``path``."""
    manifest, spine, files = [], [], {}
    for i, doc in enumerate(spec.docs):
        files[f"OEBPS/{doc.name}"] = xhtml(doc.toc_title or spec.title, doc.body,
                                           doc.head).encode()
        props = f' properties="{doc.properties}"' if doc.properties else ""
        manifest.append(f'<item id="d{i}" href="{doc.name}" media-type="application/xhtml+xml"'
                        f"{props}/>")
        linear = "" if doc.linear else ' linear="no"'
        spine.append(f'<itemref idref="d{i}"{linear}/>')
    entries = [(d.name, d.toc_title or "") for d in spec.docs if d.toc_title and spec.toc]
    entries += [(f"{d.name}#{anchor}", title) for d in spec.docs if spec.toc
                for anchor, title in d.anchors]
    order = {d.name: i for i, d in enumerate(spec.docs)}
    entries.sort(key=lambda e: order[e[0].split("#")[0]])  # stable: a file's own entry first
    nav_path = posixpath.join(spec.nav_dir, "nav.xhtml")
    ncx_path = posixpath.join(spec.nav_dir, "toc.ncx")

    def link(target: str) -> str:
        return posixpath.relpath(target, spec.nav_dir or ".")

    if spec.version == 3:
        nav_items = "".join(f'<li><a href="{link(href)}">{escape(title)}</a></li>'
                            for href, title in entries)
        marks = "".join(f'<li><a epub:type="{kind}" href="{link(name)}">{kind}</a></li>'
                        for kind, name in spec.landmarks)
        landmarks = (f'<nav epub:type="landmarks"><ol>{marks}</ol></nav>' if marks else "")
        nav = xhtml("Contents", f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{nav_items}'
                                '</ol></nav><nav epub:type="page-list"><ol><li><a href="'
                                f'{link(spec.docs[0].name)}#p1">1</a></li></ol></nav>{landmarks}')
        files[f"OEBPS/{nav_path}"] = nav.encode()
        manifest.append(f'<item id="nav" href="{nav_path}" media-type="application/xhtml+xml" '
                        'properties="nav"/>')
        spine.insert(0, '<itemref idref="nav"/>')
    points = "".join(
        f'<navPoint id="n{i}" playOrder="{i + 1}"><navLabel><text>{escape(title)}'
        f'</text></navLabel><content src="{link(href)}"/></navPoint>'
        for i, (href, title) in enumerate(entries))
    files[f"OEBPS/{ncx_path}"] = (
        '<?xml version="1.0" encoding="utf-8"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"'
        ' version="2005-1"><head><meta name="dtb:uid" content="urn:uuid:test"/></head>'
        f"<docTitle><text>{escape(spec.title)}</text></docTitle><navMap>{points}</navMap></ncx>"
    ).encode()
    manifest.append(f'<item id="ncx" href="{ncx_path}" media-type="application/x-dtbncx+xml"/>')
    cover_meta = ""
    if spec.cover_png:
        files["OEBPS/cover.png"] = spec.cover_png
        props = ' properties="cover-image"' if spec.version == 3 else ""
        manifest.append(f'<item id="cover-img" href="cover.png" media-type="image/png"{props}/>')
        cover_meta = '<meta name="cover" content="cover-img"/>'
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="{spec.version}.0" '
        'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="uid">urn:uuid:e2a-test</dc:identifier>'
        f"<dc:title>{escape(spec.title)}</dc:title><dc:creator>{escape(spec.author)}</dc:creator>"
        f"<dc:language>{spec.language}</dc:language><dc:date>{spec.date}</dc:date>"
        f"<dc:description>{escape(spec.description)}</dc:description>{cover_meta}"
        + ('<meta property="rendition:layout">pre-paginated</meta>' if spec.pre_paginated
           else "")
        + f'</metadata><manifest>{"".join(manifest)}</manifest>'
        f'<spine toc="ncx">{"".join(spine)}</spine></package>'
    )
    files["OEBPS/content.opf"] = opf.encode()
    rootfiles = "".join(f'<rootfile full-path="{p}" media-type="application/oebps-package+xml"/>'
                        for p in ["OEBPS/content.opf", *spec.other_rootfiles])
    files["META-INF/container.xml"] = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        f"{rootfiles}</rootfiles></container>"
    ).encode()
    if spec.encryption_xml:
        files["META-INF/encryption.xml"] = spec.encryption_xml.encode()
    files.update(spec.extra_files)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip",
                         compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    if not spec.utf8_flag:
        clear_utf8_flags(path)
    return path


def chapter_body(title: str, paragraphs: list[str], heading: str = "h1") -> str:
    paras = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"<{heading}>{escape(title)}</{heading}>{paras}"
