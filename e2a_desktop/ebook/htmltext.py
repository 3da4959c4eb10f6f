"""Extract the speakable text of an (X)HTML document.

Shared by the EPUB and HTML readers. What is dropped is what a narrator would
not read: scripts and styles, navigation, footnote markers and the notes
themselves, page-break markers, hidden elements.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree, html

_DROP_TAGS = {"script", "style", "head", "nav", "noscript", "template", "svg", "math", "img",
              "figure", "iframe", "object", "video", "audio", "button", "form", "select"}
_BLOCK_TAGS = {"p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt",
               "dd", "tr", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "header",
               "footer", "main", "hr", "br", "figcaption", "caption", "aside", "body"}
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NOTE_TYPES = {"noteref", "footnote", "endnote", "endnotes", "footnotes", "rearnote",
               "rearnotes", "note", "pagebreak", "page-list", "toc", "landmarks"}
_NOTE_ROLES = {"doc-noteref", "doc-footnote", "doc-endnote", "doc-endnotes", "doc-pagebreak",
               "doc-toc", "doc-backlink"}
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _is_dropped(el: etree._Element) -> bool:
    tag = _local(el.tag)
    if tag in _DROP_TAGS or el.get("hidden") is not None:
        return True
    types = set((el.get(_EPUB_TYPE) or el.get("epub:type") or "").split())
    if types & _NOTE_TYPES or el.get("role", "") in _NOTE_ROLES:
        return True
    if "display:none" in (el.get("style") or "").replace(" ", ""):
        return True
    # <sup><a href="#n1">1</a></sup> and <a href="#n1"><sup>1</sup></a>: footnote markers.
    text = "".join(el.itertext()).strip()
    if tag == "sup" and (len(text) <= 4 or el.find(".//{*}a") is not None):
        return True
    return tag == "a" and (el.get("href") or "").find("#") >= 0 and _looks_like_marker(text)


def _looks_like_marker(text: str) -> bool:
    stripped = text.strip("[]()*† ")
    return len(text) <= 4 and (stripped.isdigit() or stripped in {"", "*", "†", "‡"})


@dataclass(frozen=True)
class HtmlText:
    """Speakable text plus the document's first heading (a fallback chapter title)."""

    text: str
    first_heading: str
    title: str


def _walk(el: etree._Element, out: list[str]) -> None:
    if _is_dropped(el):
        if el.tail:
            out.append(el.tail)
        return
    block = _local(el.tag) in _BLOCK_TAGS
    if block:
        out.append("\n\n")
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _walk(child, out)
        elif child.tail:  # comments and processing instructions keep their tail
            out.append(child.tail)
    if block:
        out.append("\n\n")
    if el.tail:
        out.append(el.tail)


def parse_document(content: bytes | str) -> etree._Element:
    """Parse (X)HTML leniently: real books are full of small markup errors."""
    if isinstance(content, bytes) and not content.strip():
        return html.fromstring("<html><body></body></html>")
    try:
        parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        root = etree.fromstring(content if isinstance(content, bytes) else content.encode(),
                                parser)
        if root is not None:
            return root
    except etree.XMLSyntaxError:
        pass
    return html.fromstring(content)


def iter_headings(root: etree._Element) -> Iterator[etree._Element]:
    for el in root.iter():
        if _local(el.tag) in HEADING_TAGS:
            yield el


def element_text(el: etree._Element) -> str:
    """Raw text of an element with block structure kept as blank lines."""
    out: list[str] = []
    _walk(el, out)
    text = "".join(out)
    if el.tail:  # _walk appends the tail; it belongs to the parent, not to this element
        text = text[: len(text) - len(el.tail)]
    return text


def extract(content: bytes | str) -> HtmlText:
    """Text, first heading and <title> of one document."""
    root = parse_document(content)
    body = next((el for el in root.iter() if _local(el.tag) == "body"), root)
    heading = next(iter_headings(body), None)
    title_el = next((el for el in root.iter() if _local(el.tag) == "title"), None)
    return HtmlText(
        text=element_text(body),
        first_heading=" ".join(element_text(heading).split()) if heading is not None else "",
        title=" ".join((title_el.text or "").split()) if title_el is not None else "",
    )
