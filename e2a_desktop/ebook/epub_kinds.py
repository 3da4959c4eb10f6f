"""What kind of page an EPUB document is (contents, index, copyright, body matter…).

Evidence, strongest first: the book's landmarks (EPUB 3) or guide (EPUB 2), the
``epub:type`` of the body (a section's is judged where it is read), the TOC's label for it,
what the page looks like (a printed contents page is mostly links), and its file name.
"""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from .htmltext import epub_types, heading_text, iter_headings
from .xmlnames import local_name

_GUIDE_KINDS = {"title-page": "titlepage", "copyright-page": "copyright-page", "toc": "toc",
                "index": "index", "cover": "cover", "colophon": "colophon", "loi": "loi",
                "lot": "lot", "titlepage": "titlepage", "halftitlepage": "halftitlepage"}
_LABEL_KINDS = {"contents": "toc", "table of contents": "toc", "index": "index",
                "copyright": "copyright-page", "copyright page": "copyright-page",
                "list of illustrations": "loi", "list of tables": "lot"}
_FILE_KINDS = {"copyright": "copyright-page", "copyright-page": "copyright-page",
               "colophon": "colophon", "imprint": "imprint", "toc": "toc", "contents": "toc",
               "cover": "cover", "titlepage": "titlepage"}
"""File names that say what a page is when nothing else does ("copyright.xhtml" in a book
without semantics). "index" is not one: it is often the main text of a converted site."""
MIN_LINKS = 5
LINK_SHARE = 0.6


def _local(el: etree._Element) -> str:
    return local_name(el.tag)


def _label(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def _link_share(body: etree._Element) -> tuple[int, float]:
    links = [a for a in body.iter() if _local(a) == "a" and a.get("href")]
    total = len("".join(t for t in body.itertext() if isinstance(t, str)).split())
    linked = sum(len("".join(a.itertext()).split()) for a in links)
    return len(links), (linked / total if total else 0.0)


def document_kinds(path: str, body: etree._Element, landmarks: list[tuple[str, str]],
                   toc_title: str) -> set[str]:
    """Every kind the evidence gives this document ("toc", "index", "bodymatter"…)."""
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
    if count >= MIN_LINKS and share >= LINK_SHARE:
        # Mostly links: a printed contents page or an index, unless the heading says otherwise.
        kinds.add("index" if heading_label == "index" else "toc")
    elif heading_label in ("contents", "table of contents") and count >= MIN_LINKS:
        kinds.add("toc")
    return kinds


def landmark_targets(path: str, landmarks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(kind, element id) for the landmarks that point inside this document."""
    out = []
    for kind, target in landmarks:
        target_path, _, fragment = target.partition("#")
        if target_path == path and fragment:
            out.append((_GUIDE_KINDS.get(kind, kind), fragment))
    return out
