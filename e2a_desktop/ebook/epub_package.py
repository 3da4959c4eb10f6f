"""The EPUB package as a reader needs it: rendition, manifest, spine, metadata, cover.

Read straight from the zip with lxml rather than through ebooklib, because a narrator
needs what ebooklib hides: which rendition is the default one (the first rootfile,
not a braille or fixed-layout alternative), full paths that TOC links can be
resolved against, and each spine item's properties.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from .model import Cover

_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_DOCUMENT_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml",
                   "image/svg+xml"}  # an SVG page in the spine (a comic) has its <text>
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class ManifestItem:
    """One file the package declares, with its full path inside the zip."""

    id: str
    path: str
    media_type: str
    properties: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SpineItem:
    item: ManifestItem
    linear: bool


@dataclass
class Package:
    """The default rendition of an EPUB."""

    opf_path: str
    manifest: dict[str, ManifestItem]
    spine: list[SpineItem]
    metadata: dict[str, str]
    toc_id: str = ""
    guide: list[tuple[str, str]] = field(default_factory=list)  # (type, full path#fragment)
    cover_id: str = ""
    pre_paginated: bool = False
    """A fixed-layout book: each spine document is one printed page, not a chapter."""

    def by_path(self, path: str) -> ManifestItem | None:
        return next((i for i in self.manifest.values() if i.path == path), None)

    @property
    def nav(self) -> ManifestItem | None:
        return next((i for i in self.manifest.values() if "nav" in i.properties), None)

    @property
    def ncx(self) -> ManifestItem | None:
        item = self.manifest.get(self.toc_id)
        if item is not None:
            return item
        return next((i for i in self.manifest.values()
                     if i.media_type == "application/x-dtbncx+xml"), None)


def parse_xml(data: bytes) -> etree._Element | None:
    """Lenient XML parse; None when nothing usable came out."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def resolve(base_file: str, href: str) -> str:
    """A link in ``base_file`` as a full zip path, fragment kept ("OEBPS/c1.xhtml#ch3")."""
    href = unquote(href.strip())
    target, _, fragment = href.partition("#")
    if not target:
        path = base_file
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), target))
    return f"{path}#{fragment}" if fragment else path


def read_bytes(archive: zipfile.ZipFile, path: str) -> bytes:
    try:
        return archive.read(path)
    except KeyError:
        # Some packages spell a path with other case or percent-escapes than the zip does,
        # and many zip tools store UTF-8 names without the flag that says so ("一.xhtml"
        # then reads back as cp437 mojibake).
        lowered = {_utf8_name(info).lower(): info.filename for info in archive.infolist()}
        name = lowered.get(path.lower())
        return archive.read(name) if name else b""


def _utf8_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its writer meant it: UTF-8 even when the flag is missing."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def default_rootfile(archive: zipfile.ZipFile) -> str:
    """The first rootfile is the default rendition (EPUB Multiple-Rendition Publications)."""
    root = parse_xml(archive.read("META-INF/container.xml"))
    if root is None:
        raise ValueError("META-INF/container.xml is not readable XML")
    for rootfile in root.iter(f"{_CONTAINER}rootfile", "rootfile"):
        media = rootfile.get("media-type", "application/oebps-package+xml")
        if rootfile.get("full-path") and media == "application/oebps-package+xml":
            return str(rootfile.get("full-path"))
    raise ValueError("META-INF/container.xml names no package document")


def _metadata(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    meta = root.find(f"{_OPF}metadata")
    if meta is None:
        return out
    for name in ("title", "creator", "language", "date", "description"):
        for el in meta.iter(f"{_DC}{name}"):
            text = " ".join("".join(el.itertext()).split())
            if text:
                out[name] = text
                break
    return out


def read_package(archive: zipfile.ZipFile) -> Package:
    opf_path = default_rootfile(archive)
    root = parse_xml(read_bytes(archive, opf_path))
    if root is None:
        raise ValueError(f"the package document {opf_path} is not readable XML")
    manifest: dict[str, ManifestItem] = {}
    for el in root.iter(f"{_OPF}item"):
        item_id, href = el.get("id"), el.get("href")
        if item_id and href:
            manifest[item_id] = ManifestItem(item_id, resolve(opf_path, href),
                                             el.get("media-type", ""),
                                             frozenset((el.get("properties") or "").split()))
    spine_el = root.find(f"{_OPF}spine")
    spine = []
    for ref in root.iter(f"{_OPF}itemref"):
        item = manifest.get(ref.get("idref", ""))
        if item is not None and item.media_type in _DOCUMENT_TYPES:
            spine.append(SpineItem(item, ref.get("linear", "yes").lower() != "no"))
    guide = [(ref.get("type", "").lower(), resolve(opf_path, ref.get("href", "")))
             for ref in root.iter(f"{_OPF}reference") if ref.get("href")]
    cover_id = next((m.get("content", "") for m in root.iter(f"{_OPF}meta")
                     if m.get("name") == "cover"), "")
    layout = next(("".join(m.itertext()).strip() for m in root.iter(f"{_OPF}meta")
                   if m.get("property") == "rendition:layout"), "")
    return Package(opf_path, manifest, spine, _metadata(root),
                   spine_el.get("toc", "") if spine_el is not None else "", guide, cover_id,
                   pre_paginated=layout == "pre-paginated")


def read_cover(archive: zipfile.ZipFile, package: Package) -> Cover | None:
    """The cover image: EPUB 3 property, EPUB 2 meta, else an image named like a cover."""
    items = list(package.manifest.values())
    candidates = [i for i in items if "cover-image" in i.properties]
    candidates += [i for i in items if i.id == package.cover_id]
    candidates += [i for i in items if "cover" in posixpath.basename(i.path).lower()]
    for item in candidates:
        if item.media_type.startswith("image/"):
            data = read_bytes(archive, item.path)
            if data:
                return Cover(data, item.media_type)
    return None
