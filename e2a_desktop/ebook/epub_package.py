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

from .bookzip import BookZip, read_member, utf8_name
from .cover_check import MAX_COVER_BYTES, cover_problem, image_kind_and_size
from .limits import MAX_DOCUMENT_BYTES, LimitExceeded, size_text
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


def read_bytes(archive: zipfile.ZipFile, path: str, limit: int = MAX_DOCUMENT_BYTES,
               counted: bool = True) -> bytes:
    """A member's bytes within ``limit`` (LimitExceeded past it); b"" when it is missing.

    Some packages spell a path with other case or percent-escapes than the zip does, and
    many zip tools store UTF-8 names without the flag that says so ("一.xhtml" then reads
    back as cp437 mojibake): the lookup forgives both.
    """
    if isinstance(archive, BookZip):
        name = archive.member_name(path)
        return archive.read_capped(name, limit, counted) if name else b""
    if path not in archive.NameToInfo:
        lowered = {utf8_name(info).lower(): info.filename for info in archive.infolist()}
        found = lowered.get(path.lower())
        if found is None:
            return b""
        path = found
    return read_member(archive, path, limit)


def default_rootfile(archive: zipfile.ZipFile) -> str:
    """The first rootfile is the default rendition (EPUB Multiple-Rendition Publications)."""
    root = parse_xml(read_bytes(archive, "META-INF/container.xml"))
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
    for name in ("title", "language", "date", "description"):
        for el in meta.iter(f"{_DC}{name}"):
            text = " ".join("".join(el.itertext()).split())
            if text:
                out[name] = text
                break
    authors = _authors(meta)
    if authors:
        out["creator"] = ", ".join(authors)
    return out


_MAX_AUTHORS = 5


def _authors(meta: etree._Element) -> list[str]:
    """Every creator who is an author (EPUB 2 ``opf:role``, EPUB 3 a refining ``role``
    meta; no role given is an author), not only the first: books of two or three
    authors showed one. Illustrators, editors and translators are not named."""
    roles = {(m.get("refines") or "").lstrip("#"): (m.text or "").strip().lower()
             for m in meta.iter(f"{_OPF}meta") if m.get("property") == "role"}
    names: list[str] = []
    for el in meta.iter(f"{_DC}creator"):
        role = (el.get(f"{_OPF}role") or roles.get(el.get("id") or "", "") or "aut").lower()
        name = " ".join("".join(el.itertext()).split())
        if name and role == "aut" and name not in names:
            names.append(name)
    return names[:_MAX_AUTHORS]


def _document_or_fallback(item: ManifestItem | None, manifest: dict[str, ManifestItem],
                          fallbacks: dict[str, str]) -> ManifestItem | None:
    """The item if it is a document, else the first document along its manifest
    fallbacks: a comic's JPEG page may fall back to an XHTML page of its dialogue."""
    seen: set[str] = set()
    while item is not None and item.media_type not in _DOCUMENT_TYPES and item.id not in seen:
        seen.add(item.id)
        item = manifest.get(fallbacks.get(item.id, ""))
    return item if item is not None and item.media_type in _DOCUMENT_TYPES else None


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
    fallbacks = {el.get("id", ""): el.get("fallback", "") for el in root.iter(f"{_OPF}item")
                 if el.get("fallback")}
    spine_el = root.find(f"{_OPF}spine")
    spine = []
    for ref in root.iter(f"{_OPF}itemref"):
        item = _document_or_fallback(manifest.get(ref.get("idref", "")), manifest, fallbacks)
        if item is not None:
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


def read_cover(archive: zipfile.ZipFile, package: Package) -> tuple[Cover | None, list[str]]:
    """The cover image (EPUB 3 property, EPUB 2 meta, else an image named like a cover),
    checked now rather than when the audiobook is bound; a bad one is dropped with a
    warning (the second value) and the next candidate tried."""
    items = list(package.manifest.values())
    candidates = [i for i in items if "cover-image" in i.properties]
    candidates += [i for i in items if i.id == package.cover_id]
    candidates += [i for i in items if "cover" in posixpath.basename(i.path).lower()]
    warnings: list[str] = []
    for item in dict.fromkeys(candidates):
        if not item.media_type.startswith("image/"):
            continue
        try:
            data = read_bytes(archive, item.path, MAX_COVER_BYTES, counted=False)
        except LimitExceeded:
            warnings.append(f"the cover image '{item.path}' unpacks to more than "
                            f"{size_text(MAX_COVER_BYTES)}; the audiobook will have no cover")
            continue
        if not data:
            continue
        problem = cover_problem(data, item.path)
        if problem:
            warnings.append(problem)
            continue
        found = image_kind_and_size(data)
        return Cover(data, found[0] if found else item.media_type), warnings
    return None, warnings
