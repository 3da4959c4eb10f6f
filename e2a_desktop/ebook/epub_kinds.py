"""What kind of page an EPUB document is (contents, index, copyright, body matter…).

Evidence, strongest first: the book's landmarks (EPUB 3) or guide (EPUB 2), the
``epub:type`` of the body (a section's is judged where it is read), the TOC's label for it,
what the page looks like (a printed contents page is mostly links), and its file name.
"""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from .chapters import is_navigation_label
from .epub_package import resolve
from .htmltext import SKIP_MARK, epub_types, heading_text, iter_headings

_GUIDE_KINDS = {"title-page": "titlepage", "copyright-page": "copyright-page", "toc": "toc",
                "index": "index", "cover": "cover", "colophon": "colophon", "loi": "loi",
                "lot": "lot", "titlepage": "titlepage", "halftitlepage": "halftitlepage"}
_LABEL_KINDS = {"contents": "toc", "table of contents": "toc", "index": "index",
                "copyright": "copyright-page", "copyright page": "copyright-page",
                "list of illustrations": "loi", "list of tables": "lot",
                "imprint": "imprint", "colophon": "colophon",
                "uncopyright": "copyright-page", "pg license": "licence",
                "pg boilerplate": "licence"}
"""TOC labels that say what a page is: what a MOBI 6 book, which has lost its pages'
``epub:type``, still says (Standard Ebooks' "Imprint", "Colophon", "Uncopyright")."""
_FILE_KINDS = {"copyright": "copyright-page", "copyright-page": "copyright-page",
               "colophon": "colophon", "imprint": "imprint", "toc": "toc", "contents": "toc",
               "cover": "cover", "titlepage": "titlepage"}
"""File names that say what a page is when nothing else does ("copyright.xhtml" in a book
without semantics). "index" is not one: it is often the main text of a converted site."""
MIN_LINKS = 5
LINK_SHARE = 0.6
MIN_BOOK_LINKS = 3
"""A page whose letters are mostly in links to this many other parts of the book is a printed
contents page, however short ("目次" and four chapter links). Letters, not words, are
counted: Japanese has no spaces, and section numbers beside the links are not letters. A
chapter's footnote references ("1", "*") and a cross-reference or two never come near."""
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def _label(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def _link_share(body: etree._Element) -> tuple[int, float]:
    """Links, and the share of the page's letters inside them. Letters, not words: a
    Japanese or Chinese page has no spaces, so its prose counted as a handful of "words"
    and a few note links made it look like a contents page."""
    links = [a for a in body.iter("{*}a", "{*}A") if a.get("href")]
    total = _letters(body)
    linked = sum(_letters(a) for a in links)
    return len(links), (linked / total if total else 0.0)


def _letters(el: etree._Element) -> int:
    """Letters in the element's text (its tail left out), counted without a list of them:
    a long chapter is counted two or three times."""
    text = etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return len(_NOT_LETTERS.sub("", text))


def _book_links(path: str, body: etree._Element, spine: frozenset[str]) -> list[etree._Element]:
    """Links to other documents of the book's spine."""
    return [a for a in body.iter("{*}a", "a") if (href := (a.get("href") or "").strip())
            and not _SCHEME.match(href) and not href.startswith("#")
            and resolve(path, href).partition("#")[0] in spine - {path}]


def _links_into_book(path: str, body: etree._Element, spine: frozenset[str]) -> bool:
    """Most of the page's letters are in links to other documents of the book's spine."""
    links = _book_links(path, body, spine)
    if len(links) < MIN_BOOK_LINKS:
        return False
    total = _letters(body)
    return bool(total) and sum(_letters(a) for a in links) / total >= LINK_SHARE


def is_part_page(path: str, body: etree._Element, toc_title: str,
                 spine: frozenset[str]) -> bool:
    """A page the TOC names with a title of its own ("Part III. Applications") that lists
    its sections as links: its title is read, its list of links is not."""
    return bool(toc_title) and not is_navigation_label(toc_title) \
        and _links_into_book(path, body, spine)


def mark_link_list(path: str, body: etree._Element, spine: frozenset[str], mark: str) -> None:
    """Set ``mark`` on each link into the book, or on the block that holds only it (an
    ``<li>`` with the link and its number), so a part page's list is not read."""
    for link in _book_links(path, body, spine):
        target = link
        letters = _letters(link)
        parent = link.getparent()
        while parent is not None and parent is not body and _letters(parent) == letters:
            target, parent = parent, parent.getparent()
        target.set(SKIP_MARK, mark)


def document_kinds(path: str, body: etree._Element, landmarks: list[tuple[str, str]],
                   toc_title: str, spine: frozenset[str] = frozenset()) -> set[str]:
    """Every kind the evidence gives this document ("toc", "index", "bodymatter"…).

    ``spine`` holds the paths of the book's documents, to tell links into the book (a
    printed contents page) from links out of it."""
    # A landmark with a fragment names one element, not the file (a one-file book may point
    # its "titlepage" landmark inside the only file): see landmark_targets for those.
    kinds = {_GUIDE_KINDS.get(kind, kind) for kind, target in landmarks if target == path}
    kinds |= epub_types(body)  # a section's own epub:type is the walker's to judge, so that an
    # epigraph inside a skipped title page can still be read
    stem = posixpath.splitext(posixpath.basename(path))[0].lower()
    if stem in _FILE_KINDS:
        kinds.add(_FILE_KINDS[stem])
    label = _label(toc_title)
    if label in _LABEL_KINDS:
        kinds.add(_LABEL_KINDS[label])
    heading = next(iter_headings(body), None)
    heading_label = _label(heading_text(heading)) if heading is not None else ""
    count, share = _link_share(body)
    if is_part_page(path, body, toc_title, spine):
        return kinds
    if (count >= MIN_LINKS and share >= LINK_SHARE) or _links_into_book(path, body, spine):
        # Mostly links: a printed contents page or an index, unless the heading says otherwise.
        kinds.add("index" if heading_label == "index" else "toc")
    elif heading_label in ("contents", "table of contents") and count >= MIN_LINKS:
        kinds.add("toc")
    return kinds


def label_kind(title: str) -> str:
    """The kind of page a title names ("Colophon", "Table of Contents"), or ""."""
    return _LABEL_KINDS.get(_label(title), "")


def landmark_targets(path: str, landmarks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(kind, element id) for the landmarks that point inside this document."""
    out = []
    for kind, target in landmarks:
        target_path, _, fragment = target.partition("#")
        if target_path == path and fragment:
            out.append((_GUIDE_KINDS.get(kind, kind), fragment))
    return out
