"""FictionBook 2 reader: title-info metadata, cover binary, top-level sections; notes (the
``notes`` body) read after the chapter that cites them."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from lxml import etree

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .cover_check import cover_problem, image_kind_and_size
from .epub_kinds import label_kind
from .model import VERSE_LINE, Book, Cover, Metadata
from .notes import NOTE_CLOSE, NOTE_OPEN
from .options import DEFAULT_OPTIONS, ReadOptions

_NS = "{http://www.gribuser.ru/xml/fictionbook/2.0}"
_XLINK = "{http://www.w3.org/1999/xlink}href"


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _section_text(section: etree._Element, notes: dict[str, str] | None = None,
                  cited: set[str] | None = None) -> str:
    """Paragraph-per-block text; footnote links (<a type="note">) are dropped, the note
    they cite (first citation only) marked to be read after the chapter. The lines
    (<v>) of a stanza make one paragraph, a line apiece, so a stanza ends with a
    paragraph's pause and a line with a sentence's."""
    notes, cited = notes or {}, cited if cited is not None else set()
    parts: list[str] = []
    stanza = None
    for el in section.iter(f"{_NS}p", f"{_NS}v", f"{_NS}subtitle", f"{_NS}text-author"):
        after = ""
        for note in el.findall(f".//{_NS}a"):
            if note.get("type") == "note":
                target = (note.get(_XLINK) or "").lstrip("#")
                if target in notes and target not in cited:
                    cited.add(target)
                    after += f"{NOTE_OPEN}{notes[target]}{NOTE_CLOSE}"
                note.getparent().remove(note) if note.getparent() is not None else None
        text = "".join(el.itertext()) + after
        same_stanza = el.tag == f"{_NS}v" and stanza is not None and el.getparent() is stanza
        if same_stanza and parts:
            parts[-1] += VERSE_LINE + text
        else:
            parts.append(text)
        stanza = el.getparent() if el.tag == f"{_NS}v" else None
    return "\n\n".join(parts)


def _notes(root: etree._Element) -> dict[str, str]:
    """The notes body's sections by id: their text without their title (the number)."""
    notes: dict[str, str] = {}
    for body in root.findall(f"{_NS}body"):
        if body.get("name") != "notes":
            continue
        for section in body.iter(f"{_NS}section"):
            if section.get("id"):
                paragraphs = [" ".join("".join(p.itertext()).split())
                              for p in section.iter(f"{_NS}p", f"{_NS}v")
                              if not any(a.tag == f"{_NS}title" for a in p.iterancestors())]
                notes[section.get("id") or ""] = "\n\n".join(p for p in paragraphs if p)
    return notes


MAX_TITLE_CHARS = 100


def _strong_title(section: etree._Element) -> str:
    """A section without <title> whose first paragraph is all bold: its title (Calibre
    writes FB2 chapters so: "<p><strong>Chapter I</strong></p>")."""
    first = next((p for p in section.iter(f"{_NS}p") if _text(p)), None)
    if first is None or len(first) != 1 or first[0].tag != f"{_NS}strong":
        return ""
    text = _text(first)
    return text if text == _text(first[0]) and len(text) <= MAX_TITLE_CHARS else ""


def read_fb2(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise BookError(f"not a valid FB2 file: {exc}", path) from None
    info = root.find(f"{_NS}description/{_NS}title-info")
    author_el = info.find(f"{_NS}author") if info is not None else None
    author = " ".join(
        _text(author_el.find(f"{_NS}{part}")) for part in ("first-name", "middle-name",
                                                          "last-name")
        if author_el is not None and author_el.find(f"{_NS}{part}") is not None
    )
    metadata = Metadata(
        title=_text(info.find(f"{_NS}book-title")) if info is not None else path.stem,
        author=author,
        language=_text(info.find(f"{_NS}lang")) if info is not None else "",
        date=_text(info.find(f"{_NS}date")) if info is not None else "",
        description=_text(info.find(f"{_NS}annotation")) if info is not None else "",
    )
    bodies = [b for b in root.findall(f"{_NS}body") if b.get("name") not in ("notes", "comments")]
    sections: list[Section] = []
    footnotes, cited = _notes(root), set[str]()
    for body in bodies:
        tops = body.findall(f"{_NS}section")
        if len(tops) == 1 and len(tops[0].findall(f"{_NS}section")) > 1:
            tops = tops[0].findall(f"{_NS}section")
        for section in tops:
            title = _text(section.find(f"{_NS}title")) or _strong_title(section)
            if options.skips(label_kind(title)):
                continue  # "Imprint", "Colophon": pages a listener does not want
            sections.append(Section(title, title, _section_text(section, footnotes, cited)))
    metadata = metadata.with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        raise BookError("this book has no readable text", path)
    cover, notes = _cover(root, info)
    return Book(metadata, chapters, cover, "fb2", notes=notes)


def _cover(root: etree._Element, info: etree._Element | None) -> tuple[Cover | None, list[str]]:
    """The cover binary, checked now (see cover_check); a bad one is dropped with a note."""
    image = info.find(f"{_NS}coverpage/{_NS}image") if info is not None else None
    if image is None:
        return None, []
    ref = (image.get(_XLINK) or "").lstrip("#")
    for binary in root.findall(f"{_NS}binary"):
        if binary.get("id") == ref:
            try:
                data = base64.b64decode(binary.text or "", validate=False)
            except (binascii.Error, ValueError):
                return None, [f"the cover '{ref}' is not valid base64; the audiobook will "
                              "have no cover"]
            problem = cover_problem(data, ref)
            if problem:
                return None, [problem]
            found = image_kind_and_size(data)
            return Cover(data, found[0] if found else "image/jpeg"), []
    return None, []
