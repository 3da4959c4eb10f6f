"""EPUB 2 and 3 reader: default rendition, spine order, TOC chapters, cover; refuses DRM.

Chapters follow the TOC at its own granularity: an entry pointing inside a file
(``stories.xhtml#ch3``) cuts that file at the anchored element. Pages of a kind a
listener does not want (contents, index, copyright, title page, Gutenberg licence,
boilerplate repeated on every page) are left out unless the options include them.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import BookError
from .boilerplate import mark_boilerplate, mark_running_heads
from .bookzip import BookZip
from .chapters import Section, sections_to_chapters
from .epub_css import heading_classes, hidden_classes
from .epub_kinds import document_kinds, is_part_page, landmark_targets, mark_link_list
from .epub_package import Package, parse_xml, read_bytes, read_cover, read_package, resolve
from .epub_toc import TocEntry, nav_landmarks, nav_toc, ncx_toc
from .gutenberg import MENTION, is_licence_block, strip_licence
from .htmltext import (
    SKIP_MARK,
    body_of,
    epub_types,
    extract,
    heading_text,
    iter_headings,
    parse_document,
    split_at_anchors,
)
from .letterspacing import join_letter_runs
from .limits import LimitExceeded, check_nesting
from .model import Book, Metadata
from .note_links import relocate_notes
from .options import DEFAULT_OPTIONS, ReadOptions
from .pronunciation import apply_aliases, lexicon_aliases

# Font obfuscation (IDPF and Adobe) scrambles embedded fonts only; it is not DRM.
_FONT_OBFUSCATION = {
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
}
_ENC_NS = "http://www.w3.org/2001/04/xmlenc#"


def _check_container(path: Path) -> None:
    """A zip with a container, and no encrypted content. Members are not all unpacked
    here to test them (a 1 GiB member would be): each is checked as it is read."""
    if not zipfile.is_zipfile(path):
        raise BookError("not a valid EPUB: the file is not a readable zip archive", path)
    try:
        with BookZip(path) as archive:
            names = set(archive.namelist())
            if "META-INF/container.xml" not in names:
                raise BookError("not a valid EPUB: META-INF/container.xml is missing", path)
            if "META-INF/encryption.xml" in names:
                _check_encryption(path, read_bytes(archive, "META-INF/encryption.xml"))
    except LimitExceeded as exc:
        raise BookError(str(exc), path) from None
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
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


@dataclass
class _Navigation:
    toc: list[TocEntry]
    landmarks: list[tuple[str, str]]


def _navigation(archive: zipfile.ZipFile, package: Package) -> _Navigation:
    """TOC from the nav document (EPUB 3), else the NCX; landmarks plus the EPUB 2 guide."""
    toc: list[TocEntry] = []
    landmarks = list(package.guide)
    nav = package.nav
    if nav is not None:
        root = parse_xml(read_bytes(archive, nav.path))
        if root is not None:
            check_nesting(root, f"'{nav.path}'")
            toc = nav_toc(root, nav.path)
            landmarks += nav_landmarks(root, nav.path)
    ncx = package.ncx
    if not toc and ncx is not None:
        root = parse_xml(read_bytes(archive, ncx.path))
        if root is not None:
            check_nesting(root, f"'{ncx.path}'")
            toc = ncx_toc(root, ncx.path)
    return _Navigation(toc, landmarks)


MIN_REPEATED_ALT = 3
"""An alt text given to this many images ("etiquette", "alternative text", "no") describes
none of them: it is a placeholder, not part of the story."""
_SENTENCE_END = re.compile(r"[.!?…:;\"'»”’)\]]\s*$")


def _styled_classes(archive: zipfile.ZipFile, root: etree._Element, path: str,
                    cache: dict[str, tuple[set[str], set[str]]]) -> tuple[set[str], set[str]]:
    """Classes that the document's own style sheets (not alternate ones) hide, and those
    they style as headings."""
    sheets: list[tuple[set[str], set[str]]] = []
    for link in root.iter("{*}link"):
        rel = set((link.get("rel") or "").lower().split())
        href = link.get("href")
        if rel != {"stylesheet"} or not href:
            continue
        css_path = resolve(path, href).partition("#")[0]
        if css_path not in cache:
            css = read_bytes(archive, css_path).decode("utf-8", "replace")
            cache[css_path] = (hidden_classes(css), heading_classes(css))
        sheets.append(cache[css_path])
    for style in root.iter("{*}style"):
        if _local_tag(style.getparent()) == "head":
            css = "".join(style.itertext())
            sheets.append((hidden_classes(css), heading_classes(css)))
    hidden: set[str] = set()
    headings: set[str] = set()
    for hides, heads in sheets:
        hidden |= hides
        headings |= heads
    return hidden, headings


def _local_tag(el: etree._Element | None) -> str:
    if el is None or not isinstance(el.tag, str):
        return ""
    return el.tag.rpartition("}")[2]


def _mark_hidden(body: etree._Element, hidden: set[str], headings: set[str]) -> None:
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        classes = (el.get("class") or "").split()
        if hidden.intersection(classes):
            el.set(SKIP_MARK, "hidden")
        elif headings.intersection(classes):
            el.set(_HEADING_MARK, "css")


_HEADING_MARK = "data-e2a-heading"
MAX_STYLED_HEADING = 100
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "dt",
                     "dd", "blockquote", "figcaption", "caption", "td", "th"})


def styled_heading(body: etree._Element) -> str:
    """The document's first line of text when it is styled as a heading: by a class its
    style sheet makes large (or bold and centred), ``role="heading"``, or
    ``epub:type="title"``. A title for a file the TOC does not name and that has no
    ``<h1>``-``<h6>``."""
    for el in body.iter():
        if not isinstance(el.tag, str) or _local_tag(el) not in _BLOCKS:
            continue
        if el.get(SKIP_MARK) is not None or any(a.get(SKIP_MARK) is not None
                                                for a in el.iterancestors()):
            continue
        text = heading_text(el)
        if not text:
            continue
        if len(el) and any(isinstance(c.tag, str) and _local_tag(c) in _BLOCKS for c in el):
            continue  # a holder: its first block child decides
        marked = el.get(_HEADING_MARK) is not None or el.get("role") == "heading" \
            or "title" in epub_types(el)
        return text if marked and len(text) <= MAX_STYLED_HEADING else ""
    return ""


def _mark_repeated_alt(bodies: list[etree._Element]) -> None:
    images = [(el, " ".join((el.get("alt") or "").split()).lower())
              for body in bodies for el in body.iter("{*}img", "{*}image")]
    counts = Counter(alt for _el, alt in images if alt)
    for el, alt in images:
        if alt and counts[alt] >= MIN_REPEATED_ALT:
            el.set(SKIP_MARK, "alt")


def join_pages(before: str, after: str) -> str:
    """Text of two printed pages: a sentence cut by the page break goes on ("où" / "le
    vent…"), a word hyphenated across it is whole again; otherwise a paragraph break."""
    head, tail = before.rstrip(), after.lstrip()
    if not head or not tail:
        return head + tail
    if tail[:1].islower() and not _SENTENCE_END.search(head):
        if re.search(r"[^\W\d_]-$", head):
            return head[:-1] + tail
        return f"{head} {tail}"
    return f"{head}\n\n{tail}"


@dataclass
class Document:
    """A spine document a listener wants: its body and the TOC entries into it."""

    path: str
    body: etree._Element
    entries: list[TocEntry]


def mark_licence(body: etree._Element) -> None:
    """Project Gutenberg's header and licence blocks, left out."""
    for el in body.xpath(".//*[@id or contains(@class, 'pg-')]"):
        if is_licence_block(el.get("id") or "", el.get("class") or ""):
            el.set(SKIP_MARK, "licence")
    for el in body.iter("{*}pre", "pre"):  # an older edition's header, made into an EPUB
        if MENTION.search("".join(el.itertext())):
            el.set(SKIP_MARK, "licence")


def _mark_landmarks(body: etree._Element, targets: list[tuple[str, str]],
                    options: ReadOptions) -> None:
    """Leave out the element a skipped landmark points at (not the whole file)."""
    for kind, element_id in targets:
        if options.skips(kind):
            for el in body.xpath(".//*[@id=$id]", id=element_id):
                el.set(SKIP_MARK, kind)


def _documents(archive: zipfile.ZipFile, package: Package, nav: _Navigation,
               options: ReadOptions) -> list[Document]:
    """The linear spine documents a listener wants, parsed, in reading order."""
    docs = []
    css_cache: dict[str, tuple[set[str], set[str]]] = {}
    spine = frozenset(s.item.path for s in package.spine)
    toc_by_path: dict[str, list[TocEntry]] = {}
    for entry in nav.toc:
        toc_by_path.setdefault(entry.path, []).append(entry)
    for spine_item in package.spine:
        item = spine_item.item
        if not spine_item.linear or "nav" in item.properties:
            continue
        root = parse_document(read_bytes(archive, item.path))
        check_nesting(root, f"'{item.path}'")
        body = body_of(root)
        hidden, headings = _styled_classes(archive, root, item.path, css_cache)
        if hidden or headings:
            _mark_hidden(body, hidden, headings)
        join_letter_runs(body)
        entries = toc_by_path.get(item.path, [])
        top = next((e for e in entries if not e.fragment), entries[0] if entries else None)
        kinds = document_kinds(item.path, body, nav.landmarks, top.title if top else "",
                               spine)
        if any(options.skips(kind) for kind in kinds):
            continue
        if options.skips("toc") and is_part_page(item.path, body, top.title if top else "",
                                                 spine):
            mark_link_list(item.path, body, spine, "toc")
        if options.skips("licence"):
            mark_licence(body)
        _mark_landmarks(body, landmark_targets(item.path, nav.landmarks), options)
        docs.append(Document(item.path, body, entries))
    _mark_repeated_alt([d.body for d in docs])
    _move_notes(archive, package, docs)
    if options.skips("boilerplate"):
        mark_boilerplate([d.body for d in docs])
        mark_running_heads([d.body for d in docs], frozenset(
            [e.title for e in nav.toc] + [package.metadata.get("title", "")]))
    return docs


_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})


def _move_notes(archive: zipfile.ZipFile, package: Package, docs: list[Document]) -> None:
    """Each cited note next to its first mark, from the chapter's own file, an endnotes
    file, or a file outside the reading order (notes a reader pops up)."""
    trees = {d.path: d.body for d in docs}
    cited = {resolve(path, a.get("href") or "").partition("#")[0]
             for path, body in trees.items() for a in body.iter("{*}a", "a")
             if "#" in (a.get("href") or "")}
    for path in sorted(cited - trees.keys()):
        item = package.by_path(path)
        if item is not None and item.media_type in _XHTML_TYPES:
            root = parse_document(read_bytes(archive, path))
            check_nesting(root, f"'{path}'")
            trees[path] = body_of(root)
    relocate_notes(trees, resolve)


def document_sections(doc: Document, options: ReadOptions) -> list[Section]:
    """One section per TOC entry that points into the document, plus any text before them."""
    titles: dict[str, str] = {}
    whole = {doc.body.get("id"), *(el.get("id") for el in doc.body.iterancestors())} - {None}
    for entry in doc.entries:  # "1-childhood.xhtml#b1", b1 the <body>'s id, names the file
        titles.setdefault("" if entry.fragment in whole else entry.fragment, entry.title)
    pieces = split_at_anchors(doc.body, frozenset(k for k in titles if k), options)
    heading_el = next(iter_headings(doc.body), None)
    heading = heading_text(heading_el) if heading_el is not None else styled_heading(doc.body)
    sections: list[Section] = []
    for anchor, text in pieces:
        sections.append(Section(title=titles.get(anchor, ""),
                                heading=heading if not sections else "", text=text))
    return sections


def _metadata(package: Package, path: Path) -> Metadata:
    meta = package.metadata
    return Metadata(
        title=meta.get("title") or path.stem,
        author=meta.get("creator", ""),
        language=meta.get("language", ""),  # "" until settled from the text
        date=meta.get("date", ""),
        description=" ".join(extract(meta.get("description") or "<p/>").text.split()),
    )


def read_epub(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """Read an EPUB 2/3 into a Book; nav, cover, index and licence pages are not chapters."""
    _check_container(path)
    try:
        with BookZip(path) as archive:
            package = read_package(archive)
            archive.check_declared([s.item.path for s in package.spine if s.linear])
            nav = _navigation(archive, package)
            docs = _documents(archive, package, nav, options)
            cover, notes = read_cover(archive, package)
            aliases = lexicon_aliases(archive, package)
    except LimitExceeded as exc:
        raise BookError(str(exc), path) from None
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise BookError(f"corrupt EPUB: {exc}", path) from None
    except (ValueError, KeyError, etree.LxmlError) as exc:
        raise BookError(f"cannot read this EPUB: {exc}", path) from None
    sections: list[Section] = []
    for doc in docs:
        pieces = document_sections(doc, options)
        if package.pre_paginated and not doc.entries and sections:
            # A page of a fixed-layout book that the TOC does not name goes on with the
            # chapter before it: a page is not a chapter, and a sentence may cross it.
            for piece in pieces:
                sections[-1].text = join_pages(sections[-1].text, piece.text)
            continue
        sections.extend(pieces)
    for section in sections:  # the book's own lexicon: "N." is read "north"
        section.text = apply_aliases(section.text, aliases)
    if options.skips("licence"):
        texts = strip_licence([s.text for s in sections])
        sections = [Section(s.title, s.heading, t) for s, t in zip(sections, texts, strict=True)]
    metadata = _metadata(package, path).with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        pictures = any(i.media_type.startswith("image/") for i in package.manifest.values())
        hint = " (only pictures: a comic or picture book without text)" if pictures else ""
        raise BookError(f"this book has no readable text{hint}", path)
    return Book(metadata=metadata, chapters=chapters, cover=cover, source_format="epub",
                notes=notes)
