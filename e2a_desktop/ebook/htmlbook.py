"""Single-file HTML books: chapters at the book's chapter heading level and above it."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .epub_kinds import label_kind
from .gutenberg import MENTION, is_licence_block, strip_licence
from .htmltext import HEADING_TAGS, SKIP_MARK, element_text, parse_document
from .limits import MAX_DOCUMENT_BYTES, check_file_size, check_nesting
from .model import Book, Metadata
from .note_links import relocate_notes
from .options import DEFAULT_OPTIONS, ReadOptions


def _meta(root: etree._Element, name: str) -> str:
    for el in root.iter("{*}meta", "meta"):
        if (el.get("name") or "").lower() in (name, f"dc.{name}"):
            return (el.get("content") or "").strip()
    return ""


def read_html(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """A single HTML file; ``options`` as for EPUB (code listings read or announced)."""
    try:
        check_file_size(path, MAX_DOCUMENT_BYTES)
        root = parse_document(path.read_bytes())
        check_nesting(root, "the page")
    except OSError as exc:
        raise BookError(f"cannot read the file: {exc.strerror}", path) from None
    return html_book(root, path, options)


def html_book(root: etree._Element, path: Path, options: ReadOptions = DEFAULT_OPTIONS,
              source_format: str = "html") -> Book:
    """The Book in a parsed HTML page (a file's, or Markdown's rendering): its <title>,
    author meta, lang, and chapters at its chapter headings (``split_levels``); each
    note read after the chapter that cites it."""
    body = next((el for el in root.iter() if etree.QName(el).localname == "body"), root) \
        if isinstance(root.tag, str) else root
    relocate_notes({"": body})
    if options.skips("licence"):
        mark_gutenberg(body)
    headings = [el for el in body.iter() if isinstance(el.tag, str)
                and etree.QName(el).localname.lower() in HEADING_TAGS]
    split = split_levels([int(etree.QName(h).localname[1]) for h in headings])
    sections: list[Section] = []
    current = Section("", "", "")
    # Walk the top-level blocks in order; a heading of the split level starts a chapter.
    skipping = False
    for block in _blocks(body):
        name = etree.QName(block).localname.lower() if isinstance(block.tag, str) else ""
        if name in HEADING_TAGS and int(name[1]) in split:
            sections.append(current)
            heading = " ".join(element_text(block).split())
            current = Section(heading, heading, "")
            # A part titled as a kind of page ("Colophon", "Contents") the options skip
            skipping = options.skips(label_kind(heading))
        elif not skipping:
            current.text += "\n\n" + element_text(block, options)
    sections.append(current)
    if options.skips("licence"):
        texts = strip_licence([s.text for s in sections])
        sections = [Section(s.title, s.heading, t) for s, t in zip(sections, texts, strict=True)]
    title_el = next(root.iter("{*}title", "title"), None)
    title = " ".join((title_el.text or "").split()) if title_el is not None else ""
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    metadata = Metadata(title=title or path.stem, author=_meta(root, "author"),
                        language=lang).with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        raise BookError("this book has no readable text", path)
    return Book(metadata, chapters, source_format=source_format)


def mark_gutenberg(body: etree._Element) -> None:
    """Project Gutenberg's header and licence in an HTML edition: its boilerplate blocks,
    or (older editions) the preformatted text that names the project, read as a code
    listing until now ("Code listing omitted." at the book's start and end)."""
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if is_licence_block(el.get("id") or "", el.get("class") or "") or (
                etree.QName(el).localname.lower() == "pre"
                and MENTION.search("".join(el.itertext()))):
            el.set(SKIP_MARK, "licence")


MIN_CHAPTER_HEADINGS = 3
"""A heading level used this often names chapters; one used twice above it (a contents
page and the book's title, two parts) does not."""


def split_levels(levels: list[int]) -> set[int]:
    """The heading levels that start chapters: the chapter level (the shallowest used
    three times or more, else the shallowest that repeats, else the shallowest) and any
    level above it that repeats (parts, a colophon after the title page), so that
    nothing is read under the wrong title. A book's single title heading starts none:
    its page joins the first chapter."""
    used = sorted(set(levels))
    chapter = next((lv for lv in used if levels.count(lv) >= MIN_CHAPTER_HEADINGS),
                   next((lv for lv in used if levels.count(lv) > 1), used[0] if used else 1))
    return {lv for lv in used if lv < chapter and levels.count(lv) > 1} | {chapter}


def _blocks(body: etree._Element) -> list[etree._Element]:
    """Flatten wrapper divs/sections so headings nested in them still split chapters."""
    out: list[etree._Element] = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname.lower()
        has_heading = any(isinstance(e.tag, str) and etree.QName(e).localname.lower()
                          in HEADING_TAGS for e in child.iterdescendants())
        if name in ("div", "section", "article", "main") and has_heading:
            out.extend(_blocks(child))
        else:
            out.append(child)
    return out
