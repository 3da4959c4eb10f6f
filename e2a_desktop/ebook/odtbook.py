"""OpenDocument text (ODT), read from content.xml and meta.xml and through the HTML reader.

Headings (``text:h`` with their outline level), paragraphs, lists and tables become an
HTML page, so chapters, lists and tables are read exactly as in an HTML book. Notes
(footnotes, endnotes) are read after the chapter that cites them, their citation mark
never; comments and tracked deletions are left out; title, author and language come
from meta.xml. A password-protected document is refused in one line.
"""

from __future__ import annotations

import zipfile
from html import escape
from pathlib import Path

from lxml import etree

from ..errors import BookError
from .bookzip import BookZip
from .epub_package import parse_xml, read_bytes
from .htmlbook import html_book
from .htmltext import parse_document
from .limits import LimitExceeded, check_nesting
from .model import Book
from .options import DEFAULT_OPTIONS, ReadOptions

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_LEFT_OUT = {f"{_OFFICE}annotation", f"{_OFFICE}annotation-end",
             f"{_TEXT}tracked-changes", f"{_TEXT}bookmark-ref", f"{_TEXT}soft-page-break",
             f"{_TEXT}table-of-content", f"{_TEXT}alphabetical-index"}


def _inline(el: etree._Element) -> str:
    """An element's text as HTML: spaces (``text:s``), tabs and line breaks kept; a note
    marked as one (read after the chapter); comments and deleted changes left out."""
    out = [escape(el.text or "")]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _LEFT_OUT:
            pass
        elif tag == f"{_TEXT}note":
            body = child.find(f"{_TEXT}note-body")
            text = "".join(_blocks(body)) if body is not None else ""
            out.append(f'<aside role="doc-footnote">{text}</aside>' if text else "")
        elif tag == f"{_TEXT}s":
            out.append(" " * int(child.get(f"{_TEXT}c", "1") or "1"))
        elif tag == f"{_TEXT}tab":
            out.append(" ")
        elif tag == f"{_TEXT}line-break":
            out.append("<br/>")
        elif tag:
            out.append(_inline(child))
        out.append(escape(child.tail or ""))
    return "".join(out)


def _blocks(parent: etree._Element) -> list[str]:
    out: list[str] = []
    for el in parent:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _LEFT_OUT or not tag:
            continue
        if tag == f"{_TEXT}h":
            level = el.get(f"{_TEXT}outline-level", "1")
            level = str(min(6, max(1, int(level)))) if level.isdigit() else "1"
            text = _inline(el).strip()
            if text:
                out.append(f"<h{level}>{text}</h{level}>")
        elif tag == f"{_TEXT}p":
            text = _inline(el).strip()
            if text:
                out.append(f"<p>{text}</p>")
        elif tag == f"{_TEXT}list":
            items = ["<li>" + "".join(_blocks(item)) + "</li>"
                     for item in el if item.tag in (f"{_TEXT}list-item", f"{_TEXT}list-header")]
            out.append(f"<ul>{''.join(items)}</ul>")
        elif tag == f"{_TABLE}table":
            rows = []
            for row in el.iter(f"{_TABLE}table-row"):
                cells = [" ".join(_inline(p).strip() for p in cell.iter(f"{_TEXT}p", f"{_TEXT}h"))
                         for cell in row.findall(f"{_TABLE}table-cell")]
                rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            out.append(f"<table>{''.join(rows)}</table>")
        else:  # a section, a frame, a text box: what it holds
            out.extend(_blocks(el))
    return out


def _encrypted(archive: zipfile.ZipFile) -> bool:
    manifest = parse_xml(read_bytes(archive, "META-INF/manifest.xml"))
    return manifest is not None and manifest.find(f".//{_MANIFEST}encryption-data") is not None


def _meta(archive: zipfile.ZipFile) -> tuple[str, str, str]:
    meta = parse_xml(read_bytes(archive, "meta.xml"))
    if meta is None:
        return "", "", ""

    def first(*tags: str) -> str:
        for tag in tags:
            el = meta.find(f".//{tag}")
            if el is not None and (el.text or "").strip():
                return " ".join((el.text or "").split())
        return ""

    return (first(f"{_DC}title"), first(f"{_DC}creator", f"{_META}initial-creator"),
            first(f"{_DC}language"))


def read_odt(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """An OpenDocument text: chapters from its headings, lists and tables, meta.xml."""
    if not zipfile.is_zipfile(path):
        raise BookError("not a valid ODT: the file is not a readable zip archive", path)
    try:
        with BookZip(path) as archive:
            if _encrypted(archive):
                raise BookError("this document is password-protected (encrypted); e2a reads "
                                "unprotected documents", path)
            content = parse_xml(read_bytes(archive, "content.xml"))
            title, author, language = _meta(archive)
    except LimitExceeded as exc:
        raise BookError(str(exc), path) from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BookError(f"corrupt ODT: {exc}", path) from None
    text = content.find(f"{_OFFICE}body/{_OFFICE}text") if content is not None else None
    if content is None or text is None:
        raise BookError("not a valid ODT: content.xml holds no text document", path)
    check_nesting(content, "'content.xml'")
    head = f"<title>{escape(title)}</title>" if title else ""
    head += f'<meta name="author" content="{escape(author)}"/>' if author else ""
    lang = f' lang="{escape(language)}"' if language else ""
    page = f"<html{lang}><head>{head}</head><body>{''.join(_blocks(text))}</body></html>"
    return html_book(parse_document(page.encode("utf-8")), path, options, source_format="odt")
