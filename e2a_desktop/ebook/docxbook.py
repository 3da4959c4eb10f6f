"""Word documents (DOCX), read from their OOXML with lxml and through the HTML reader.

No Word library is needed to read: the body is a list of paragraphs and tables, and a
paragraph's style (or its own outline level) says whether it is a heading. The document
becomes an HTML page (headings, paragraphs, lists, tables) so that chapters, tables and
lists are read exactly as in an HTML book. Footnotes and endnotes are read after the
chapter that cites them, their marks never; field codes, a printed table of contents
and deleted tracked changes are left out; title and author come from the document's
core properties. The zip is read within the bounds of ``limits``.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from html import escape
from pathlib import Path

from lxml import etree

from ..errors import BookError
from .bookzip import BookZip
from .chapters import is_navigation_label
from .epub_package import parse_xml, read_bytes
from .htmlbook import html_book
from .htmltext import parse_document
from .limits import LimitExceeded, check_nesting
from .model import Book
from .options import DEFAULT_OPTIONS, ReadOptions

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DC = "{http://purl.org/dc/elements/1.1/}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/" \
                   "officeDocument"
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.I)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An OLE compound file: an encrypted (password-protected) DOCX, or an old .doc."""


def _main_part(archive: zipfile.ZipFile) -> str:
    rels = parse_xml(read_bytes(archive, "_rels/.rels"))
    if rels is not None:
        for rel in rels.iter("{*}Relationship"):
            if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("Target"):
                return str(rel.get("Target")).lstrip("/")
    return "word/document.xml"


def _heading_styles(styles: etree._Element | None) -> dict[str, int]:
    """Style id → heading level (1-6), from the style's name or its outline level."""
    levels: dict[str, int] = {}
    if styles is None:
        return levels
    for style in styles.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId") or ""
        name_el = style.find(f"{_W}name")
        name = (name_el.get(f"{_W}val") or "") if name_el is not None else ""
        match = _HEADING_NAME.match(name)
        outline = style.find(f"{_W}pPr/{_W}outlineLvl")
        if match:
            levels[style_id] = min(6, int(match.group(1)))
        elif name.lower() == "title":
            levels[style_id] = 1
        elif outline is not None and (outline.get(f"{_W}val") or "").isdigit():
            level = int(outline.get(f"{_W}val") or "9") + 1
            if level <= 6:
                levels[style_id] = level
    return levels


_NOTE_REFERENCES = {f"{_W}footnoteReference": "footnote", f"{_W}endnoteReference": "endnote"}
Notes = dict[tuple[str, str], str]
"""(kind, id) → the note's text as HTML paragraphs."""


def _notes(part: etree._Element | None, kind: str) -> Notes:
    """The footnotes (or endnotes) of word/footnotes.xml (endnotes.xml); not the
    separators Word keeps there under ids -1 and 0 (no mark cites them)."""
    notes: Notes = {}
    if part is None:
        return notes
    for note in part.iter(f"{_W}{kind}"):
        paragraphs = (_run_text(p, {}) for p in note.iter(f"{_W}p"))
        text = "".join(f"<p>{t}</p>" for t in paragraphs if t)
        if text and note.get(f"{_W}id"):
            notes[(kind, note.get(f"{_W}id") or "")] = text
    return notes


def _run_text(paragraph: etree._Element, notes: Notes) -> str:
    """A paragraph's text as HTML: its runs' text, tabs as spaces, breaks as <br/>, a
    note where its mark is (as a note: read after the chapter), links inside the document
    and bookmarks (so that a note linked by them is found as one); nothing from a
    compatibility fallback (a copy of a text box) or field codes."""
    out: list[str] = []
    links: list[etree._Element] = []
    skip_inside = {_MC_FALLBACK, f"{_W}instrText", f"{_W}delText"}
    for el in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen",
                             f"{_W}hyperlink", f"{_W}bookmarkStart", *_NOTE_REFERENCES):
        ancestors = list(el.iterancestors())
        while links and links[-1] not in ancestors:
            out.append("</a>")
            links.pop()
        if any(a.tag in skip_inside or a.tag == f"{_W}del" for a in ancestors):
            continue
        if el.tag == f"{_W}hyperlink":
            if el.get(f"{_W}anchor"):
                out.append(f'<a href="#{escape(el.get(f"{_W}anchor") or "")}">')
                links.append(el)
        elif el.tag == f"{_W}bookmarkStart":
            out.append(f'<a id="{escape(el.get(f"{_W}name") or "")}"></a>')
        elif el.tag in _NOTE_REFERENCES:
            note = notes.get((_NOTE_REFERENCES[el.tag], el.get(f"{_W}id") or ""))
            out.append(f'<aside role="doc-footnote">{note}</aside>' if note else "")
        elif el.tag == f"{_W}t":
            out.append(escape(el.text or ""))
        elif el.tag == f"{_W}tab":
            out.append(" ")
        elif el.tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif el.get(f"{_W}type") != "page":
            out.append("<br/>")
    out += ["</a>"] * len(links)
    text = "".join(out).strip()
    return text if _WORDS.search(_TAGS.sub("", text)) else ""


_TAGS = re.compile(r"<[^>]*>")
_WORDS = re.compile(r"[^\s]")


def _paragraph_style(paragraph: etree._Element) -> tuple[str, int | None, bool]:
    """(style id, the paragraph's own outline level + 1, whether it is a list item)."""
    props = paragraph.find(f"{_W}pPr")
    if props is None:
        return "", None, False
    style = props.find(f"{_W}pStyle")
    style_id = (style.get(f"{_W}val") or "") if style is not None else ""
    outline = props.find(f"{_W}outlineLvl")
    value = outline.get(f"{_W}val") if outline is not None else None
    own = int(value) + 1 if value and value.isdigit() and int(value) < 6 else None
    listed = props.find(f"{_W}numPr") is not None or style_id.lower().startswith("list")
    return style_id, own, listed


def _table(table: etree._Element, notes: Notes) -> str:
    rows = []
    for row in table.iter(f"{_W}tr"):
        cells = []
        for cell in row.findall(f"{_W}tc"):
            text = " ".join(t for t in (_run_text(p, notes) for p in cell.iter(f"{_W}p")) if t)
            cells.append(f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(rows)}</table>"


class _Fields:
    """Word fields open across paragraphs (begin, code, separate, result…, end): a TOC
    field's result is the printed table of contents, paragraph after paragraph."""

    def __init__(self) -> None:
        self.open: list[str] = []

    def in_toc(self, paragraph: etree._Element) -> bool:
        """Whether the paragraph is part of a TOC field's result (or a TOC content control)."""
        inside = any(code.lstrip().upper().startswith("TOC") for code in self.open)
        for el in paragraph.iter(f"{_W}fldChar", f"{_W}instrText", f"{_W}fldSimple"):
            kind = el.get(f"{_W}fldCharType")
            if el.tag == f"{_W}instrText" and self.open:
                self.open[-1] += el.text or ""
            elif el.tag == f"{_W}fldSimple":
                inside |= (el.get(f"{_W}instr") or "").lstrip().upper().startswith("TOC")
            elif kind == "begin":
                self.open.append("")
            elif kind == "end" and self.open:
                self.open.pop()
            inside |= any(code.lstrip().upper().startswith("TOC") for code in self.open)
        return inside or any(
            (g.get(f"{_W}val") or "").lower() == "table of contents"
            for a in paragraph.iterancestors(f"{_W}sdt")
            for g in a.iterfind(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery"))


_HEADING_HTML = re.compile(r"^<h\d>(.*)</h\d>$", re.S)


def _blocks(body: etree._Element, headings: dict[str, int], notes: Notes,
            skip_toc: bool = True) -> list[str]:
    """The body's paragraphs and tables as HTML blocks, list items gathered into lists;
    a printed table of contents (a TOC field, its "Contents" heading) left out."""
    out: list[str] = []
    items: list[str] = []
    fields = _Fields()

    def flush() -> None:
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items.clear()

    for el in body.iter(f"{_W}p", f"{_W}tbl"):
        if any(a.tag in (f"{_W}tbl", _MC_FALLBACK, f"{_W}txbxContent")
               for a in el.iterancestors()):
            continue  # a table's own paragraphs are read with the table
        if el.tag == f"{_W}tbl":
            flush()
            out.append(_table(el, notes))
            continue
        if fields.in_toc(el) and skip_toc:
            heading = _HEADING_HTML.match(out[-1]) if out else None
            if heading and is_navigation_label(heading.group(1)):
                out.pop()  # "Table of Contents" over the table
            continue
        text = _run_text(el, notes)
        if not text:
            continue
        style_id, own_level, listed = _paragraph_style(el)
        level = own_level or headings.get(style_id)
        if level:
            flush()
            out.append(f"<h{level}>{text}</h{level}>")
        elif listed:
            items.append(f"<li>{text}</li>")
        else:
            flush()
            out.append(f"<p>{text}</p>")
    flush()
    return out


def _part(archive: zipfile.ZipFile, folder: str, name: str) -> etree._Element | None:
    path = posixpath.join(folder, name)
    root = parse_xml(read_bytes(archive, path))
    if root is not None:
        check_nesting(root, f"'{path}'")
    return root


def _core(archive: zipfile.ZipFile) -> tuple[str, str, str]:
    core = parse_xml(read_bytes(archive, "docProps/core.xml"))
    if core is None:
        return "", "", ""

    def field(name: str) -> str:
        el = core.find(f"{_DC}{name}")
        return " ".join((el.text or "").split()) if el is not None else ""

    return field("title"), field("creator"), field("language")


def read_docx(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """A Word document: chapters from heading styles, lists and tables, core properties."""
    with open(path, "rb") as stream:
        if stream.read(8) == _OLE:
            raise BookError("this Word document is password-protected (encrypted) or an old "
                            "binary .doc; e2a reads unprotected .docx files", path)
    if not zipfile.is_zipfile(path):
        raise BookError("not a valid DOCX: the file is not a readable zip archive", path)
    try:
        with BookZip(path) as archive:
            part = _main_part(archive)
            document = parse_xml(read_bytes(archive, part))
            folder = posixpath.dirname(part)
            styles = parse_xml(read_bytes(archive, posixpath.join(folder, "styles.xml")))
            notes = {**_notes(_part(archive, folder, "footnotes.xml"), "footnote"),
                     **_notes(_part(archive, folder, "endnotes.xml"), "endnote")}
            title, author, language = _core(archive)
    except LimitExceeded as exc:
        raise BookError(str(exc), path) from None
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BookError(f"corrupt DOCX: {exc}", path) from None
    if document is None or document.find(f"{_W}body") is None:
        raise BookError(f"not a valid DOCX: {part} is missing or not readable XML", path)
    check_nesting(document, f"'{part}'")
    blocks = _blocks(document.find(f"{_W}body"), _heading_styles(styles), notes,
                     options.skips("toc"))
    head = f"<title>{escape(title)}</title>" if title else ""
    head += f'<meta name="author" content="{escape(author)}"/>' if author else ""
    lang = f' lang="{escape(language)}"' if language else ""
    page = f"<html{lang}><head>{head}</head><body>{''.join(blocks)}</body></html>"
    return html_book(parse_document(page.encode("utf-8")), path, options, source_format="docx")
