"""Write test PDFs with reportlab: chapters, an outline, running heads, page numbers,
words hyphenated at line ends, two columns and footnotes, as printed books have them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = A5
MARGIN = 50.0
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 11.0, 14.0
HEAD_FONT, HEAD_SIZE = "Helvetica-Bold", 18.0


@dataclass
class PdfSpec:
    title: str = "A Printed Book"
    author: str = "Pat Printer"
    chapters: list[tuple[str, list[str]]] = field(default_factory=list)
    outline: bool = True
    running_head: str = "A PRINTED BOOK"
    columns: int = 1
    hyphenate: bool = True  # split a long word across lines where it does not fit
    footnote: str = ""  # printed small at the foot of the first page of each chapter


def _wrap(text: str, width: float, hyphenate: bool) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if stringWidth(trial, BODY_FONT, BODY_SIZE) <= width:
            line = trial
            continue
        if hyphenate and len(word) >= 8:
            for cut in range(len(word) - 3, 2, -1):
                head = f"{line} {word[:cut]}-".strip()
                if stringWidth(head, BODY_FONT, BODY_SIZE) <= width:
                    lines.append(head)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


class _Writer:
    def __init__(self, spec: PdfSpec, path: Path) -> None:
        self.spec, self.canvas = spec, Canvas(str(path), pagesize=A5)
        self.canvas.setTitle(spec.title)
        self.canvas.setAuthor(spec.author)
        self.page = 0
        gap = 16.0
        self.column_width = (WIDTH - 2 * MARGIN - gap * (spec.columns - 1)) / spec.columns
        self.column_lefts = [MARGIN + i * (self.column_width + gap) for i in range(spec.columns)]
        self.column = 0
        self.y = 0.0

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        c = self.canvas
        c.setFont("Times-Italic", 9)
        c.drawCentredString(WIDTH / 2, HEIGHT - 30, self.spec.running_head)
        c.setFont(BODY_FONT, 9)
        c.drawCentredString(WIDTH / 2, 25, str(self.page))
        self.column, self.y = 0, HEIGHT - 70

    def line(self, text: str) -> None:
        if self.y < 70:
            self.column += 1
            if self.column >= self.spec.columns:
                self.new_page()
            else:
                self.y = HEIGHT - 70
        self.canvas.setFont(BODY_FONT, BODY_SIZE)
        self.canvas.drawString(self.column_lefts[self.column], self.y, text)
        self.y -= LEADING

    def chapter(self, number: int, title: str, paragraphs: list[str]) -> None:
        self.new_page()
        c = self.canvas
        if self.spec.outline:
            c.bookmarkPage(f"c{number}")
            c.addOutlineEntry(title, f"c{number}", level=0)
        c.setFont(HEAD_FONT, HEAD_SIZE)
        c.drawString(MARGIN, self.y, title)
        self.y -= HEAD_SIZE * 2
        if self.spec.footnote:
            c.setFont(BODY_FONT, 7)
            c.drawString(MARGIN, 45, self.spec.footnote)
        for paragraph in paragraphs:
            for text in _wrap(paragraph, self.column_width, self.spec.hyphenate):
                self.line(text)
            self.y -= LEADING * 0.8  # the space between paragraphs


def build_pdf(spec: PdfSpec, path: Path) -> Path:
    writer = _Writer(spec, path)
    for number, (title, paragraphs) in enumerate(spec.chapters, start=1):
        writer.chapter(number, title, paragraphs)
    writer.canvas.showPage()
    writer.canvas.save()
    return path


def scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages of pictures only (grey blocks where a scan's text would be): no text layer."""
    c = Canvas(str(path), pagesize=A5)
    for _ in range(pages):
        for row in range(20):
            c.setFillGray(0.3)
            c.rect(MARGIN, HEIGHT - 80 - row * 20, WIDTH - 2 * MARGIN, 8, stroke=0, fill=1)
        c.showPage()
    c.save()
    return path
