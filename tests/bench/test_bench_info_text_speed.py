"""`e2a info` and `e2a text` speed (issue 22): CPU seconds per book and per million characters.

Run on demand: ``pytest tests/bench/test_bench_info_text_speed.py -m bench -s``.

The set: a textbook made here like an OpenStax chemistry book (about 1.2 M characters of
nested sections, notes, figures, tables and MathML, a running head on every file), and
every ``.epub`` in the folder ``E2A_BENCH_BOOKS`` names, if it does. None is committed:
a Standard Ebooks source (github.com/standardebooks/...) makes one with
``cd src && zip -X0 BOOK.epub mimetype && zip -Xr9 BOOK.epub META-INF epub``.

Each book is read with the calls the commands make (``e2a info BOOK`` and ``e2a text
BOOK``, through :func:`cli.main`, output thrown away) and timed in CPU seconds of this
process; `e2a text` reads the book too, so its figure includes `e2a info`'s. The issue's
bar: no book's `e2a info` over 3 s.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2a_desktop import cli
from e2a_desktop.ebook import read_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

pytestmark = pytest.mark.bench

INFO_BAR_S = 3.0
"""The issue's bar: CPU seconds for `e2a info` on any book of the set."""
BOOK_TITLE = "Chemistry 2e"
CHAPTER_TITLES = [
    "Essential Ideas", "Atoms, Molecules, and Ions", "Composition of Substances and Solutions",
    "Stoichiometry of Chemical Reactions", "Thermochemistry", "Electronic Structure and "
    "Periodic Properties of Elements", "Chemical Bonding and Molecular Geometry",
    "Advanced Theories of Bonding", "Gases", "Liquids and Solids", "Solutions and Colloids",
    "Kinetics",
]
SECTIONS = 8  # files per chapter: 12 x 8 = 96 files, as an OpenStax page per file
TARGET_CHARS = 1_200_000
TEXT_SHARE = 39
CONTAINERS = ["os-chapter-area", "os-module-area", "os-content-container", "os-section-area",
              "os-eoc-container", "os-eos", "os-section-wrapper", "os-body-wrapper",
              "os-body", "os-layout", "os-column", "os-inner"]
NOTE_CONTAINERS = ["os-note-area", "os-feature", "os-feature-body", "os-feature-inner"]
"""The baked book's containers: each page's sections sit a dozen <div>s deep (the depth
that made running-head detection, reading every block whole, a third of `e2a info`)."""
"""About this many percent of a block's markup come out as text (to reach TARGET_CHARS)."""
_PROSE = ("the molar mass of a compound equals the sum of the atomic masses of its atoms "
          "a solution of sodium chloride in water conducts electricity because its ions "
          "move freely reaction yield limiting reactant excess gas pressure volume "
          "temperature enthalpy change heat released absorbed sample measured precisely "
          "significant figures uncertainty density grams per milliliter concentration "
          "molarity titration indicator endpoint equivalence acid base buffer")
_WORDS = _PROSE.split()
_ELEMENTS = ["H", "C", "N", "O", "Na", "Cl", "S", "Ca", "Fe", "K"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 24))]
    return " ".join(words).capitalize() + "."


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _formula(rng: random.Random) -> str:
    """A chemical formula as OpenStax writes it: <msub> per element with a count."""
    parts = []
    for element in rng.sample(_ELEMENTS, rng.randint(1, 3)):
        count = rng.randint(1, 4)
        parts.append(f"<msub><mrow><mtext>{element}</mtext></mrow><mrow><mn>{count}</mn>"
                     "</mrow></msub>" if count > 1 else f"<mrow><mtext>{element}</mtext></mrow>")
    return f"<mrow>{''.join(parts)}</mrow>"


def _quantity(rng: random.Random) -> str:
    number = f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}"
    digits = "".join(f"<mn>{d}</mn>" if rng.random() < 0.1 else "" for d in "12")
    unit = rng.choice(["g", "mol", "L", "kJ", "atm", "K"])
    return f"<mrow><mn>{number}</mn>{digits}<mspace width=\"0.2em\"/><mtext>{unit}</mtext></mrow>"


def _inline_math(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.5:
        body = _formula(rng)
    elif pick < 0.8:
        body = _quantity(rng)
    else:
        body = (f"<mrow>{_formula(rng)}<mo>+</mo>{_formula(rng)}<mo>\u27f6</mo>"
                f"{_formula(rng)}</mrow>")
    return _math(body, "inline")


def _math(body: str, display: str) -> str:
    """MathML as OpenStax bakes it: in <semantics>, a row in a row, indented markup."""
    markup = (f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{display}">'
              f"<semantics><mrow>{body}</mrow></semantics></math>")
    return markup.replace("><", ">\n      <")


def _block_math(rng: random.Random) -> str:
    """A worked calculation: a table of rows, each a quantity times fractions."""
    rows = []
    for _ in range(rng.randint(1, 3)):
        fraction = (f"<mfrac><mrow>{_quantity(rng)}</mrow><mrow>{_quantity(rng)}</mrow>"
                    "</mfrac>")
        rows.append(f"<mtr><mtd><mrow>{_quantity(rng)}<mo>\u00d7</mo>{fraction}<mo>=</mo>"
                    f"<msup><mrow><mn>{rng.randint(1, 9)}.{rng.randint(0, 99)}</mn><mo>\u00d7"
                    f"</mo><mn>10</mn></mrow><mrow><mo>\u2212</mo><mn>{rng.randint(1, 9)}</mn>"
                    f"</mrow></msup></mrow></mtd></mtr>")
    table = f"<mtable columnalign=\"left\">{''.join(rows)}</mtable>"
    return f'<div data-type="equation" class="unnumbered">{_math(table, "block")}</div>'


def _paragraph(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(3, 6)):
        pieces.append(_sentence(rng))
        if rng.random() < 0.5:
            pieces.append(f"The value is {_inline_math(rng)} here.")
    return f'<p id="p{rng.randint(0, 10**9)}">{" ".join(pieces)}</p>'


def _figure(rng: random.Random, number: str) -> str:
    return ('<div class="os-figure"><figure id="fig"><span data-type="media" data-alt="">'
            f'<img src="fig.jpg" alt="{_text(rng, 1)}"/></span></figure>'
            '<div class="os-caption-container"><span class="os-title-label">Figure </span>'
            f'<span class="os-number">{number}</span><span class="os-divider"> </span>'
            f'<span class="os-caption">{_text(rng, 2)}</span></div></div>')


def _table(rng: random.Random, number: str) -> str:
    head = "".join(f"<th scope=\"col\">{rng.choice(_WORDS).title()}</th>" for _ in range(4))
    rows = "".join(
        "<tr>" + "".join(f"<td>{_inline_math(rng) if rng.random() < 0.5 else rng.choice(_WORDS)}"
                         "</td>" for _ in range(4)) + "</tr>"
        for _ in range(rng.randint(4, 10)))
    return (f'<div class="os-table"><table class="unnumbered" data-label=""><thead><tr>{head}'
            f"</tr></thead><tbody>{rows}</tbody></table><div class=\"os-caption-container\">"
            f'<span class="os-title-label">Table </span><span class="os-number">{number}</span>'
            f'<span class="os-caption">{_text(rng, 1)}</span></div></div>')


def _note(rng: random.Random, kind: str) -> str:
    """An "Example" or "Chemistry in Everyday Life" box: divs nested five deep."""
    inner = "".join(_paragraph(rng) for _ in range(rng.randint(1, 3)))
    solution = (f'<div data-type="solution"><div class="os-solution-container">'
                f"{_paragraph(rng)}{_block_math(rng)}{_paragraph(rng)}</div></div>")
    note = (f'<div data-type="note" class="{kind}"><div class="os-note-body">'
            f'<h3 class="os-title"><span class="os-title-label">{kind.title()}</span></h3>'
            f'<div data-type="example"><div class="body">{inner}<div data-type="exercise">'
            f'<div data-type="problem"><div class="os-problem-container">{_paragraph(rng)}</div>'
            f"</div>{solution}</div></div></div></div>")
    return _wrapped(note, NOTE_CONTAINERS)


def _wrapped(markup: str, classes: list[str]) -> str:
    """``markup`` inside one <div> per class, the first outermost."""
    opening = "".join(f'<div class="{css}">' for css in classes)
    return f"{opening}{markup}{'</div>' * len(classes)}"


def _section(rng: random.Random, chapter: int, number: int, size: int) -> str:
    """One OpenStax page: nested <section>s down to depth 3, until ``size`` characters."""
    figures = tables = 0
    parts: list[str] = []
    written = 0
    while written < size:
        depth = [_paragraph(rng) for _ in range(rng.randint(2, 4))]
        roll = rng.random()
        if roll < 0.25:
            figures += 1
            depth.append(_figure(rng, f"{chapter}.{figures}"))
        elif roll < 0.4:
            tables += 1
            depth.append(_table(rng, f"{chapter}.{tables}"))
        elif roll < 0.7:
            depth.append(_note(rng, rng.choice(["chemistry everyday-life", "example",
                                                "link-to-learning"])))
        else:
            depth.append(_block_math(rng))
        block = "".join(depth)
        parts.append(f'<section id="s{len(parts)}" data-depth="2"><h3 data-type="title">'
                     f"{_text(rng, 1)[:40]}</h3><section data-depth=\"3\">{block}</section>"
                     "</section>")
        written += len(block) * TEXT_SHARE // 100
    return _wrapped(f'<section data-depth="1">{"".join(parts)}</section>', CONTAINERS)


def _with_footnotes(rng: random.Random, markup: str, page: str) -> tuple[str, str]:
    """The page with a few footnote marks in its text, and the footnotes that go with
    them at its end under a "Footnotes" heading (e2a moves each next to its mark)."""
    count = rng.randint(2, 6)
    for number in range(1, count + 1):
        markup = markup.replace(" here.</p>", f' here.<a epub:type="noteref" '
                                f'href="#fn{page}-{number}">{number}</a></p>', 1)
    asides = "".join(f'<aside epub:type="footnote" id="fn{page}-{number}"><p>{number}. '
                     f"{_text(rng, 2)}</p></aside>" for number in range(1, count + 1))
    return markup, f'<section class="footnotes"><h3>Footnotes</h3>{asides}</section>'


def textbook(path: Path, chars: int = TARGET_CHARS) -> Path:
    """An OpenStax-like chemistry textbook of about ``chars`` characters, seeded."""
    rng = random.Random(2019)
    per_file = chars // (len(CHAPTER_TITLES) * SECTIONS)
    docs = []
    for c, chapter_title in enumerate(CHAPTER_TITLES, start=1):
        for s in range(1, SECTIONS + 1):
            title = f"{c}.{s} {_text(rng, 1)[:50].rstrip('.')}"
            head = (f'<div class="os-running-head"><p class="running-head">{BOOK_TITLE}</p>'
                    f'<p class="running-chapter">{c} \u2022 {chapter_title}</p></div>')
            foot = (f'<div class="os-footer"><p class="footer-note">Access for free at '
                    f'openstax.org</p><p class="running-chapter">{c} \u2022 {chapter_title}'
                    "</p></div>")
            text, notes = _with_footnotes(rng, _section(rng, c, s, per_file), f"{c}-{s}")
            body = (f'{head}<div data-type="chapter"><div data-type="page" '
                    'class="chapter-content-module"><h2 data-type="document-title">'
                    f'<span class="os-number">{c}.{s}</span> <span class="os-text">{title}'
                    f"</span></h2>{text}{notes}</div></div>{foot}")
            docs.append(Doc(f"ch{c:02d}-{s}.xhtml", body,
                            toc_title=f"{chapter_title}: {title}" if s > 1 else chapter_title))
    return build_epub(EpubSpec(title=BOOK_TITLE, author="OpenStax", docs=docs), path)


@dataclass(frozen=True)
class Timing:
    name: str
    characters: int
    info_s: float
    text_s: float

    def line(self) -> str:
        per_million = 1_000_000 / max(self.characters, 1)
        return (f"{self.name[:44]:<44} {self.characters:>10,} chars  info {self.info_s:6.2f} s "
                f"({self.info_s * per_million:5.2f} s/M)  text {self.text_s:6.2f} s "
                f"({self.text_s * per_million:5.2f} s/M)")


def _cpu_of(argv: list[str]) -> float:
    """CPU seconds of this process for one `e2a` command, its output thrown away."""
    sink = io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    began = time.process_time()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(io.StringIO()):
            code = cli.main(argv)
    finally:
        signal.signal(signal.SIGTERM, handler)
    spent = time.process_time() - began
    assert code == 0, f"e2a {' '.join(argv)} failed"
    return spent


def time_book(path: Path) -> Timing:
    characters = read_book(path).char_count
    return Timing(path.name, characters, _cpu_of(["info", str(path)]),
                  _cpu_of(["text", str(path)]))


def _bench_books(folder: Path) -> list[Path]:
    """The set: the textbook made here, then any real books E2A_BENCH_BOOKS points at."""
    books = [textbook(folder / "chemistry-like-textbook.epub")]
    real = Path(os.environ.get("E2A_BENCH_BOOKS", ""))
    if os.environ.get("E2A_BENCH_BOOKS") and real.is_dir():
        books += sorted(real.glob("*.epub"))
    return books


def test_info_stays_under_three_cpu_seconds_per_book(tmp_path: Path) -> None:
    books = _bench_books(tmp_path)
    time_book(books[0])  # imports and caches (speech rules, the voice catalogue) once
    timings = [time_book(book) for book in books]
    print("\n" + "\n".join(t.line() for t in timings))
    total = sum(t.characters for t in timings)
    print(f"{'all':<44} {total:>10,} chars  info "
          f"{sum(t.info_s for t in timings) * 1e6 / total:5.2f} s/M  text "
          f"{sum(t.text_s for t in timings) * 1e6 / total:5.2f} s/M")
    assert timings[0].characters > 1_000_000
    slow = [t.line() for t in timings if t.info_s > INFO_BAR_S]
    assert not slow, f"`e2a info` over {INFO_BAR_S} s of CPU:\n" + "\n".join(slow)
