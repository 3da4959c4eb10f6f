"""EPUB 2 and 3 reader: spine order, TOC titles, cover, metadata; refuses DRM."""

from __future__ import annotations

import posixpath
import warnings
import zipfile
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .htmltext import extract
from .model import Book, Cover, Metadata

# Font obfuscation (IDPF and Adobe) scrambles embedded fonts only; it is not DRM.
_FONT_OBFUSCATION = {
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
}
_ENC_NS = "http://www.w3.org/2001/04/xmlenc#"


def _check_container(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise BookError("not a valid EPUB: the file is not a readable zip archive", path)
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise BookError(f"corrupt EPUB: '{bad}' inside the archive is damaged", path)
            names = set(archive.namelist())
            if "META-INF/container.xml" not in names:
                raise BookError("not a valid EPUB: META-INF/container.xml is missing", path)
            if "META-INF/encryption.xml" in names:
                _check_encryption(path, archive.read("META-INF/encryption.xml"))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BookError(f"corrupt EPUB: {exc}", path) from None


def _check_encryption(path: Path, xml: bytes) -> None:
    """Refuse DRM (encrypted content); allow font obfuscation."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        raise BookError("EPUB has an unreadable META-INF/encryption.xml", path) from None
    for data in root.iter(f"{{{_ENC_NS}}}EncryptedData"):
        method = data.find(f"{{{_ENC_NS}}}EncryptionMethod")
        algorithm = method.get("Algorithm", "") if method is not None else ""
        if algorithm not in _FONT_OBFUSCATION:
            raise BookError(
                "this EPUB is DRM-protected (its content is encrypted); e2a can only read "
                "DRM-free books",
                path,
            )


def _first(book: object, namespace: str, name: str) -> str:
    values = book.get_metadata(namespace, name)  # type: ignore[attr-defined]
    for value, _attrs in values:
        if value and str(value).strip():
            return " ".join(str(value).split())
    return ""


def _toc_titles(toc: list[object]) -> dict[str, str]:
    """Map each document href (no fragment) to the first TOC title pointing into it."""
    titles: dict[str, str] = {}

    def visit(entries: list[object]) -> None:
        for entry in entries:
            if isinstance(entry, tuple):
                section, children = entry
                href = getattr(section, "href", "") or ""
                if href:
                    titles.setdefault(unquote(href.split("#")[0]), section.title)
                visit(list(children))
            else:
                href = getattr(entry, "href", "") or ""
                if href:
                    titles.setdefault(unquote(href.split("#")[0]), getattr(entry, "title", ""))

    visit(toc)
    return titles


def _cover(book: object) -> Cover | None:
    import ebooklib

    items = list(book.get_items())  # type: ignore[attr-defined]
    candidates = [i for i in items if i.get_type() == ebooklib.ITEM_COVER]
    meta = book.get_metadata("OPF", "cover")  # type: ignore[attr-defined]
    cover_ids = {attrs.get("content") for _v, attrs in meta if attrs}
    candidates += [i for i in items if i.get_id() in cover_ids]
    candidates += [i for i in items if "cover-image" in (getattr(i, "properties", None) or [])]
    candidates += [
        i for i in items
        if i.get_type() == ebooklib.ITEM_IMAGE and "cover" in i.get_name().lower()
    ]
    for item in candidates:
        media_type = getattr(item, "media_type", "") or ""
        if media_type.startswith("image/") and item.get_content():
            return Cover(item.get_content(), media_type)
    return None


def read_epub(path: Path) -> Book:
    """Read an EPUB 2/3 into a Book; nav, cover and note pages are not chapters."""
    import ebooklib
    from ebooklib import epub

    _check_container(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = epub.read_epub(str(path), options={"ignore_ncx": False})
    except BookError:
        raise
    except Exception as exc:  # ebooklib raises bare Exceptions, KeyErrors, lxml errors
        raise BookError(f"cannot read this EPUB: {exc}", path) from None

    toc = book.toc if isinstance(book.toc, (list, tuple)) else [book.toc]
    toc_titles = _toc_titles(list(toc))
    sections: list[Section] = []
    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if isinstance(item, epub.EpubNav) or str(linear).lower() == "no":
            continue
        if isinstance(item, epub.EpubCoverHtml):
            continue
        name = item.get_name()
        doc = extract(item.get_content())
        title = toc_titles.get(name) or toc_titles.get(posixpath.basename(name)) or ""
        sections.append(Section(title=title, heading=doc.first_heading, text=doc.text))

    metadata = Metadata(
        title=_first(book, "DC", "title") or path.stem,
        author=_first(book, "DC", "creator"),
        language=_first(book, "DC", "language") or "en",
        date=_first(book, "DC", "date"),
        description=" ".join(extract(_first(book, "DC", "description") or "<p/>").text.split()),
    )
    chapters = sections_to_chapters(sections)
    if not chapters:
        raise BookError("this book has no readable text", path)
    return Book(metadata=metadata, chapters=chapters, cover=_cover(book), source_format="epub")
