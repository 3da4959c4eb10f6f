"""A PDF page's lines with their positions and font size, in reading order (pypdfium2).

PDFium gives text rectangles (a run of text on one line); runs on one baseline and close
together make a line, runs far apart on one baseline are two columns' lines. A page
whose lines fall on both sides of its middle, few crossing it, is read column by column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


@dataclass
class Line:
    """One line of text; PDF coordinates (points, y grows upwards)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float
    column: int = 0
    column_right: float = 0.0

    @property
    def height(self) -> float:
        return self.top - self.bottom


def _font_size(textpage: pdfium.PdfTextPage, x: float, y: float, fallback: float) -> float:
    index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage, x, y, 2.0, 2.0)
    if index < 0:
        return fallback
    size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
    return size if size > 0 else fallback


def _runs(textpage: pdfium.PdfTextPage) -> list[Line]:
    runs = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        # PDFium marks a hyphen that ends a line with U+0002; a soft hyphen is one too.
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = " ".join(text.replace("\x02", "-").replace("\u00ad", "-").split())
        if text:
            middle = (bottom + top) / 2
            size = _font_size(textpage, left + 1, middle, top - bottom)
            runs.append(Line(text, left, right, bottom, top, size))
    return runs


def _join_runs(runs: list[Line]) -> list[Line]:
    """Runs on one baseline closer than a column gutter (under an em) as one line."""
    runs.sort(key=lambda r: (-round(r.bottom), r.left))
    lines: list[Line] = []
    for run in runs:
        last = lines[-1] if lines else None
        same_row = last is not None and abs(last.bottom - run.bottom) < max(2.0, run.size * 0.3)
        if last is not None and same_row and 0 <= run.left - last.right < run.size * 0.8:
            last.text = f"{last.text} {run.text}"
            last.right, last.top = run.right, max(last.top, run.top)
            last.size = max(last.size, run.size)
        else:
            lines.append(run)
    return lines


def reading_order(lines: list[Line], width: float) -> list[Line]:
    """Top to bottom; on a two-column page, lines above the columns, the left column,
    the right column, then lines below."""
    middle = width / 2
    left = [ln for ln in lines if ln.right < middle + 2]
    right = [ln for ln in lines if ln.left > middle - 2]
    spanning = [ln for ln in lines if ln not in left and ln not in right]
    if len(left) >= 4 and len(right) >= 4 and len(spanning) <= (len(left) + len(right)) / 4:
        top_of_columns = max(ln.top for ln in left + right)
        for ln in left:
            ln.column, ln.column_right = 1, max(x.right for x in left)
        for ln in right:
            ln.column, ln.column_right = 2, max(x.right for x in right)
        for ln in spanning:
            ln.column = 0 if ln.bottom >= top_of_columns - 1 else 3
            ln.column_right = ln.right
        return sorted(lines, key=lambda ln: (ln.column, -ln.top))
    widest = max((ln.right for ln in lines), default=0.0)
    for ln in lines:
        ln.column_right = widest
    return sorted(lines, key=lambda ln: -ln.top)


def page_lines(page: pdfium.PdfPage) -> tuple[float, list[Line]]:
    """(page height, its lines in reading order)."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        return height, reading_order(_join_runs(_runs(textpage)), width)
    finally:
        textpage.close()
        page.close()
