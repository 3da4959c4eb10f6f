"""Plain text reader: chapters found by their headings (Markdown: markdownbook)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .gutenberg import END as _GUTENBERG_END
from .gutenberg import START as _GUTENBERG_START
from .model import Book, Chapter, Metadata

_ROMAN = r"[IVXLCDM]+"
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|[a-z]+-[a-z]+"
)
CHAPTER_HEADING = re.compile(
    rf"^[ \t]*(?:chapter|part|book|prologue|epilogue|letter)\b"
    rf"(?:[ \t]+(?:\d+|{_ROMAN}|{_NUMBER_WORDS})\b)?[^\n]{{0,80}}$",
    re.IGNORECASE | re.MULTILINE,
)
MAX_TITLE_CHARS = 80


def decode_text(path: Path) -> str:
    """Read a text file as UTF-8 (with or without BOM), else Windows-1252."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BookError(f"cannot read the file: {exc.strerror}", path) from None
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BookError("this is a binary file, not text", path)
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _header_field(text: str, name: str) -> str:
    match = re.search(rf"^{name}:[ \t]*(.+)$", text, re.MULTILINE | re.IGNORECASE)
    return match.group(1).strip() if match else ""


def _is_heading(text: str, match: re.Match[str]) -> bool:
    """A heading stands alone: a blank line (or the start) before it."""
    before = text[: match.start()]
    return not before.strip() or before.endswith("\n\n") or before.endswith("\n\n ")


def read_text(path: Path) -> Book:
    """Plain text; Project Gutenberg headers are understood and their licence skipped."""
    raw = decode_text(path).replace("\r\n", "\n")
    title = _header_field(raw, "Title")
    author = _header_field(raw, "Author")
    language = _header_field(raw, "Language")
    start = _GUTENBERG_START.search(raw)
    end = _GUTENBERG_END.search(raw)
    body = raw[start.end() if start else 0 : end.start() if end else len(raw)]
    headings = [m for m in CHAPTER_HEADING.finditer(body) if _is_heading(body, m)]
    title = title or _title_line(body, headings) or path.stem
    sections = []
    if not headings or headings[0].start() > 0:
        sections.append(Section("", "", body[: headings[0].start() if headings else len(body)]))
    for i, match in enumerate(headings):
        stop = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        sections.append(Section(match.group().strip(), "", body[match.start() : stop]))
    book = _book(path, sections, title, author, _language(language), "txt")
    if not headings and len(book.chapters) == 1:  # one untitled chapter: call it by the book
        book.chapters[0] = Chapter(title, book.chapters[0].text)
    return book


def _title_line(body: str, headings: list[re.Match[str]]) -> str:
    """The text's first line when it stands alone and reads like a title, not like prose.

    A chapter heading ("CHAPTER 5. BREAKFAST.") is not the book's title, and neither is
    the opening of the story when the text has no title line at all.
    """
    first = next((m for m in re.finditer(r"[^\n]+", body) if m.group().strip()), None)
    if first is None or (headings and headings[0].start() <= first.start()):
        return ""
    line = first.group().strip()
    after = body[first.end():first.end() + 2]
    stands_alone = after in ("\n\n", "\n") and body[first.end():].startswith("\n\n") \
        or not body[first.end():].strip()
    if len(line) > MAX_TITLE_CHARS or not stands_alone or line.endswith((".", ",", ";", ":")):
        return ""
    return line


def _language(name: str) -> str:
    """A header's language name as a code; "" when the header is missing (detected later)."""
    names = {"english": "en", "german": "de", "french": "fr", "spanish": "es", "italian": "it",
             "portuguese": "pt", "dutch": "nl", "swedish": "sv", "danish": "da",
             "norwegian": "no", "finnish": "fi", "polish": "pl", "czech": "cs",
             "hungarian": "hu", "russian": "ru", "greek": "el", "catalan": "ca",
             "chinese": "zh", "japanese": "ja", "latin": "la", "esperanto": "eo"}
    return names.get(name.lower(), name.lower()[:5])


def _book(path: Path, sections: list[Section], title: str, author: str, language: str,
          fmt: str) -> Book:
    metadata = Metadata(title=title, author=author,
                        language=language).with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        raise BookError("this book has no readable text", path)
    return Book(metadata, chapters, source_format=fmt)

