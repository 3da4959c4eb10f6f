"""Notes printed far from their mark, moved next to the mark that first cites them.

A Markdown page keeps its footnotes at its end, an EPUB its endnotes in a file of their
own, Project Gutenberg its notes after the chapter's last paragraph or the book's. Read
where they are printed, they would all come after the last chapter (or make a chapter of
notes with no story around them). A copy of each note is put at the end of the block
that holds its first mark, and the printed note is left out, so that the chapter which
cites a note reads it after its own text (``notes.notes_at_end``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from copy import deepcopy

from lxml import etree

from .htmltext import (
    BLOCK_TAGS,
    HEADING_TAGS,
    NOTE_COLLECTIONS,
    NOTE_TYPES,
    SKIP_MARK,
    epub_types,
    looks_like_marker,
)
from .xmlnames import local_name

_NOTE_CLASS = re.compile(r"(?:^|[\s_-])(?:foot|end)?notes?(?:$|[\s_-])", re.I)
"""A class naming a note ("footnote", "note", "endnote"): Project Gutenberg's notes
carry no ``epub:type``, only such a class."""
MAX_LINKED_NOTE_CHARS = 6000
"""A "note" longer than this is a chapter that a marker-like link points to, not a note."""


def _same_file(path: str, href: str) -> str:
    fragment = href.partition("#")[2]
    target = href.partition("#")[0]
    return f"{path}#{fragment}" if not target else f"{target}#{fragment}"


def _href(el: etree._Element) -> str:
    href = el.get("href") or el.get("{http://www.w3.org/1999/xlink}href") or ""
    if not href:
        inner = next(el.iter("{*}a", "a"), None)
        href = inner.get("href") or "" if inner is not None else ""
    return href


def _references(root: etree._Element) -> Iterator[tuple[etree._Element, bool]]:
    """(mark, typed): elements marked as note references, and links that look like one
    ("1", "[2]", "*")."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.attrib and "noteref" in epub_types(el):
            yield el, True
        elif local_name(el.tag) == "a" and "#" in (el.get("href") or "") \
                and looks_like_marker("".join(el.itertext()).strip()):
            yield el, False


def _names(mark: etree._Element) -> set[str]:
    """The ids a note's link back may point to: the mark's own, or an anchor's in it, just
    before it or around it (Project Gutenberg: ``<a name="citation1"></a><a href=…>``;
    a Word bookmark inside its link)."""
    near = [*mark.iter(), mark.getprevious(), mark.getparent()]
    return {value for el in near if el is not None and isinstance(el.tag, str)
            for value in (el.get("id"), el.get("name")) if value}


def _links_back(block: etree._Element, names: set[str]) -> bool:
    return any((a.get("href") or "").partition("#")[2] in names
               for a in block.iter("{*}a", "a") if "#" in (a.get("href") or ""))


def _note_of(target: etree._Element, typed: bool, names: set[str]) -> etree._Element | None:
    """The note that holds the link's target: a marked note, the block that holds it in
    a collection of notes (Standard Ebooks marks only the collection), or (for a
    reference that only looks like one) a block classed as a note or linking back to
    the mark."""
    block: etree._Element | None = None
    for el in (target, *target.iterancestors()):
        if not isinstance(el.tag, str) or local_name(el.tag) in ("body", "html"):
            break
        types = epub_types(el) if el.attrib else set()
        if types & NOTE_TYPES:
            return el
        if types & NOTE_COLLECTIONS:
            return block if el is not block else None
        if block is None and local_name(el.tag) in BLOCK_TAGS:
            block = el
        if local_name(el.tag) in BLOCK_TAGS and _NOTE_CLASS.search(el.get("class") or ""):
            text = "".join(el.itertext())
            return el if len(text) <= MAX_LINKED_NOTE_CHARS or typed else None
    if block is not None and names and _links_back(block, names) and \
            len("".join(block.itertext())) <= MAX_LINKED_NOTE_CHARS:
        return block
    return None


def _place(mark: etree._Element, note: etree._Element) -> None:
    """The note's copy at the end of the block holding the mark (after it, if a heading)."""
    holder = mark
    while holder.getparent() is not None and local_name(holder.tag) not in BLOCK_TAGS:
        holder = holder.getparent()
    if local_name(holder.tag) in HEADING_TAGS or holder is mark:
        holder.addnext(note)
    else:
        holder.append(note)


def _copy(note: etree._Element, names: set[str]) -> etree._Element:
    """The note to read after the chapter: no ids (an id twice would cut a chapter twice),
    no link back to the mark ("back", "↩": a MOBI 6 book has lost what marks them)."""
    copy = deepcopy(note)
    copy.tail = None
    for el in list(copy.iter()):
        if not isinstance(el.tag, str):
            continue
        if el.get("id") is not None:
            del el.attrib["id"]
        if local_name(el.tag) == "a" and (el.get("href") or "").partition("#")[2] in names:
            el.set(SKIP_MARK, "backlink")
    if not epub_types(copy) & NOTE_TYPES:
        copy.set("role", "doc-footnote")
    return copy


def _follows(note: etree._Element, mark: etree._Element, mark_tree: int,
             trees: dict[str, etree._Element],
             order: dict[etree._Element, tuple[int, int]]) -> bool:
    """Whether the note comes after the mark in reading order."""
    if not order:
        for number, root in enumerate(trees.values()):
            order.update((el, (number, i)) for i, el in enumerate(root.iter()))
    return order.get(note, (-1, -1)) > order.get(mark, (mark_tree, 1 << 30))


def relocate_notes(trees: dict[str, etree._Element],
                   resolve: Callable[[str, str], str] = _same_file) -> int:
    """Move each note cited in ``trees`` (path → parsed document) next to its first
    reference; ``resolve(path, href)`` gives the "path#id" a link points to. Returns how
    many notes moved."""
    ids: dict[str, etree._Element] = {}
    for path, root in trees.items():
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            name = el.get("id") or (el.get("name") if local_name(el.tag) == "a" else None)
            if name:
                ids.setdefault(f"{path}#{name}", el)
    placed: set[etree._Element] = set()
    moves: list[tuple[etree._Element, etree._Element, set[str]]] = []
    order: dict[etree._Element, tuple[int, int]] = {}
    for number, (path, root) in enumerate(trees.items()):
        for mark, typed in list(_references(root)):
            href = _href(mark)
            target = ids.get(resolve(path, href)) if "#" in href else None
            if target is None or any(a in placed for a in mark.iterancestors()):
                continue  # a note's link back to its mark is no mark
            note = _note_of(target, typed, _names(mark))
            if note is None or note in placed or any(a is note for a in mark.iterancestors()):
                continue
            if not typed and not _follows(note, mark, number, trees, order):
                continue  # an unmarked note is printed after the text that cites it
            placed.add(note)
            moves.append((mark, note, _names(mark)))
    for mark, note, names in moves:
        _place(mark, _copy(note, names))
        note.set(SKIP_MARK, "note")
    for root in trees.values() if moves else ():
        _skip_empty_notes_headings(root)
    return len(moves)


MAX_NOTES_HEADINGS = 50
MAX_NOTES_HEADING_CHARS = 20
_NOTES_HEADING = re.compile(r"^\W*(?:foot|end)?notes?\W*$", re.I)


def _skip_empty_notes_headings(root: etree._Element) -> None:
    """A "Notes" heading whose notes have all moved away is not read on its own. A few
    are looked at: each look reads what follows it (a thousand "Notes" lines would
    make a thousand reads of the book)."""
    looked = 0
    for el in root.iter():
        if looked >= MAX_NOTES_HEADINGS:
            return
        if not isinstance(el.tag, str) or el.get(SKIP_MARK) is not None \
                or local_name(el.tag) not in BLOCK_TAGS:
            continue
        text = _short_text(el)
        if text is None or not _NOTES_HEADING.match(text):
            continue
        looked += 1
        after = [*el.itersiblings(), *(s for a in el.iterancestors() for s in a.itersiblings())]
        if not (el.tail or "").strip() and not any(_speaks(s) for s in after):
            el.set(SKIP_MARK, "notes")


def _short_text(el: etree._Element) -> str | None:
    """The block's text if it is short enough to be a "Notes" heading, else None: read
    only that far, as every block of the book is asked (a textbook's sections nest a dozen
    deep, and reading each whole made this most of reading a book with footnotes)."""
    text = ""
    for piece in el.itertext():
        text += piece
        if len(text) > MAX_NOTES_HEADING_CHARS:
            return None
    return text


def _speaks(el: etree._Element) -> bool:
    """Whether an element, or the text after it, still has words to read."""
    if (el.tail or "").strip():
        return True
    if not isinstance(el.tag, str) or el.get(SKIP_MARK) is not None:
        return False
    return bool((el.text or "").strip()) or any(_speaks(child) for child in el)
