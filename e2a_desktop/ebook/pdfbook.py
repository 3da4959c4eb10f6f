"""PDF books (pypdfium2: PDFium, BSD/Apache): lines with their positions, then prose.

A PDF is a picture of pages, not a text. What a narrator must not read is taken out by
where it stands and how often it recurs: a line at the top or foot of a page whose text
(numbers aside) is on many pages is a running header or footer, a bare number there a
page number, and small print below the body at a page's foot a footnote (read after
its chapter, under "Notes").
Two-column pages are read column by column (pdflines); a word hyphenated across lines
or pages is joined. Chapters come from the outline (bookmarks) where there is one, else
from lines set larger than the body. A PDF without text (a scan) is refused: no OCR.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from ..errors import BookError
from .chapters import Section, sections_to_chapters
from .epub import join_pages
from .epub_kinds import label_kind
from .gutenberg import strip_licence
from .model import Book, Metadata
from .notes import NOTE_CLOSE, NOTE_OPEN
from .options import DEFAULT_OPTIONS, ReadOptions
from .pdflines import Line, page_lines

EDGE_BAND = 0.1
"""Share of the page height at the top and foot where running heads and folios live."""
MIN_REPEATS = 3
"""A line (numbers aside) at a page's edge on this many pages is a running head."""
HEADING_SCALE = 1.25
"""A short line set this much larger than the body text is a heading."""
MAX_HEADING_CHARS = 90
MAX_PAGES = 5_000
_DIGITS = re.compile(r"\d+")


def _signature(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _is_folio(text: str) -> bool:
    bare = text.strip().strip("-–—").strip()
    return bool(re.fullmatch(r"(?:page\s+)?(?:\d+|[ivxlcdm]+)(?:\s*(?:of|/)\s*\d+)?", bare,
                             re.I))


def _at_edge(line: Line, height: float) -> bool:
    return line.bottom > height * (1 - EDGE_BAND) or line.top < height * EDGE_BAND


def strip_running_heads(pages: list[tuple[float, list[Line]]]) -> list[list[Line]]:
    """Each page's lines without running headers, footers and page numbers."""
    counts: Counter[str] = Counter()
    for height, lines in pages:
        counts.update({_signature(ln.text) for ln in lines if _at_edge(ln, height)})
    repeats = max(MIN_REPEATS, len(pages) // 4)
    return [[ln for ln in lines if not (_at_edge(ln, height) and (
        _is_folio(ln.text) or counts[_signature(ln.text)] >= repeats))]
        for height, lines in pages]


def body_size(pages: list[list[Line]]) -> float:
    """The font size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[round(line.size)] += len(line.text)
    return float(sizes.most_common(1)[0][0]) if sizes else 0.0


SMALL_PRINT = 0.85
"""Lines smaller than this share of the body size are small print. PDFium's sizes are
estimates: a body line of 11 pt can measure 9.9 (0.9 took it for a footnote)."""


def split_footnotes(lines: list[Line], body: float) -> tuple[list[Line], list[str]]:
    """(the page's lines, its footnotes): small print after the page's last line of body
    text, one note from each mark ("1", "*") to the next, the mark itself not read."""
    small = body * SMALL_PRINT
    last_body = max((i for i, ln in enumerate(lines) if ln.size >= small), default=-1)
    if last_body < 0:  # a page all in small print (a licence, a copyright page): its text
        return lines, []
    notes: list[str] = []
    for line in lines[last_body + 1:]:
        mark = _NOTE_MARK.match(line.text)
        if mark or not notes:
            notes.append(line.text[mark.end():] if mark else line.text)
        else:
            notes[-1] = join_lines(notes[-1], line.text)
    return lines[:last_body + 1], [n.strip() for n in notes if n.strip()]


_NOTE_MARK = re.compile(r"^\s*(?:\d{1,3}|[*†‡§]+)(?:[.)]\s*|\s+)")


def _breaks_paragraph(previous: Line, line: Line, body: float) -> bool:
    if line.column != previous.column:
        return line.column in (0, 3) or previous.column in (0, 3)
    gap = previous.bottom - line.top
    short = previous.right < previous.column_right - body * 3
    ends = bool(re.search(r"[.!?…:\"'»”’)]$", previous.text))
    return gap > body * 0.8 or (short and ends)


def join_lines(before: str, after: str) -> str:
    """Two lines of one paragraph: a word hyphenated across them is whole again."""
    if before[-2:-1].isalpha() and before.endswith("-") and after[:1].islower():
        return before[:-1] + after
    return f"{before} {after}"


@dataclass
class _Cut:
    page: int
    line: int
    title: str


DOMINANT_SHARE = 0.4
"""A top bookmark spanning this share of the pages with bookmarks under it ("Main
Matter", the novel's own title) is a book or a part: its children are the chapters."""


def _outline_cuts(pdf: pdfium.PdfDocument, pages: list[list[Line]]) -> list[_Cut]:
    """Chapters from the bookmarks: the top level, with the entries under a top entry
    that holds much of the book; a chapter starts at its title's line on its page, else
    at the page's top."""
    marks = []
    for mark in pdf.get_toc(max_depth=3):
        dest = mark.get_dest()
        index = dest.get_index() if dest is not None else None
        if index is not None and 0 <= index < len(pages):
            marks.append((mark.level, " ".join(mark.get_title().split()), index))
    tops = [i for i, (level, _t, _p) in enumerate(marks) if level == 0]
    wanted: set[int] = set(tops)
    parts: set[int] = set()
    for at, top in enumerate(tops):
        end = tops[at + 1] if at + 1 < len(tops) else len(marks)
        last_page = marks[end][2] if end < len(marks) else len(pages)
        children = [i for i in range(top + 1, end) if marks[i][0] == 1]
        if children and last_page - marks[top][2] >= DOMINANT_SHARE * len(pages):
            wanted.update(children)
            parts.add(top)
        # a "Contents" or "Index" under "Front Matter": cut out, to be left out
        wanted.update(i for i in children if label_kind(marks[i][1]))
    cuts = []
    for number, (_level, title, index) in enumerate(marks):
        if number not in wanted or not title:
            continue
        if number in parts:  # its page is a title page: it joins the first chapter
            cuts.append(_Cut(index, -1, ""))
            continue
        target = _signature(title)
        at_line = next((i for i, ln in enumerate(pages[index]) if _signature(ln.text) == target),
                       -1)
        cuts.append(_Cut(index, at_line, title))
    return cuts


def _heading_cuts(pages: list[list[Line]], body: float) -> list[_Cut]:
    """Chapters from lines set larger than the body: the largest size that repeats."""
    found = [(p, i, ln) for p, lines in enumerate(pages) for i, ln in enumerate(lines)
             if ln.size >= body * HEADING_SCALE and len(ln.text) <= MAX_HEADING_CHARS]
    sizes = Counter(round(ln.size) for _p, _i, ln in found)
    repeating = [s for s, n in sizes.items() if n > 1]
    if not found:
        return []
    split = max(repeating) if repeating else max(sizes)
    cuts: list[_Cut] = []
    for page, index, line in found:
        if round(line.size) != split:
            continue
        if cuts and cuts[-1].page == page and cuts[-1].line == index - 1:
            cuts[-1].title += " " + line.text  # a title set on two lines
            cuts[-1].line = index
            continue
        cuts.append(_Cut(page, index, line.text))
    return cuts


def _sections(pages: list[list[Line]], cuts: list[_Cut], body: float,
              notes: list[list[str]]) -> list[Section]:
    """The pages' text cut at the chapters' starts; each page's footnotes marked as
    notes of the chapter the page ends in (read after it)."""
    starts = {(c.page, c.line if c.line >= 0 else 0): c for c in cuts}
    sections = [Section("", "", "")]
    held: list[list[str]] = [[]]
    for p, lines in enumerate(pages):
        page_text, previous = "", None
        if not lines and (p, 0) in starts:  # a page without text (a picture) starts one
            sections.append(Section(starts[(p, 0)].title, starts[(p, 0)].title, ""))
            held.append([])
        for i, line in enumerate(lines):
            cut = starts.get((p, i))
            if cut is not None:
                sections[-1].text = join_pages(sections[-1].text, page_text)
                sections.append(Section(cut.title, cut.title, ""))
                held.append([])
                page_text, previous = "", None
                if cut.line >= 0 and _signature(line.text) in _signature(cut.title):
                    continue  # the title line: the chapter's title says it
            if previous is None:
                page_text = line.text
            elif _breaks_paragraph(previous, line, body):
                page_text += "\n\n" + line.text
            else:
                page_text = join_lines(page_text, line.text)
            previous = line
        sections[-1].text = join_pages(sections[-1].text, page_text)
        held[-1] += notes[p] if p < len(notes) else []
    for section, its_notes in zip(sections, held, strict=True):
        section.text += "".join(f"\n\n{NOTE_OPEN}{note}{NOTE_CLOSE}" for note in its_notes)
    return sections


def read_pdf(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Book:
    """A PDF with a text layer: outline or heading chapters, running heads left out;
    parts titled as pages a listener does not want ("Colophon", "Index", "PG License")
    left out unless ``options`` include them."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise BookError("this PDF is password-protected; e2a reads PDFs that open without "
                            "a password", path) from None
        raise BookError(f"not a readable PDF: {exc}", path) from None
    try:
        if len(pdf) > MAX_PAGES:
            raise BookError(f"the PDF has {len(pdf):,} pages, more than the {MAX_PAGES:,} e2a "
                            "reads in one book", path)
        raw = [page_lines(pdf[i]) for i in range(len(pdf))]
        pages = strip_running_heads(raw)
        if not any(pages):
            raise BookError("this PDF has no text layer (a scan?); e2a does not recognise "
                            "text in pictures (no OCR)", path)
        body = body_size(pages)
        split = [split_footnotes(lines, body) for lines in pages]
        pages, notes = [lines for lines, _n in split], [n for _l, n in split]
        cuts = _outline_cuts(pdf, pages) or _heading_cuts(pages, body)
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    sections = [s for s in _sections(pages, cuts, body, notes)
                if not options.skips(label_kind(s.title))]
    if options.skips("licence"):
        texts = strip_licence([s.text for s in sections])
        sections = [Section(s.title, s.heading, t) for s, t in zip(sections, texts, strict=True)]
    metadata = Metadata(title=meta.get("Title") or path.stem, author=meta.get("Author", ""),
                        language="").with_language(s.text for s in sections)
    chapters = sections_to_chapters(sections, language=metadata.language)
    if not chapters:
        raise BookError("this book has no readable text", path)
    return Book(metadata, chapters, source_format="pdf")
