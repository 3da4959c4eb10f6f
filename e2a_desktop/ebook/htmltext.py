"""Extract the speakable text of an (X)HTML document.

Shared by the EPUB and HTML readers. What is dropped is what a narrator would not read:
scripts and styles, navigation, footnote markers, page-break markers, hidden elements,
poem line numbers, code listings (announced instead), the non-default branch of
``epub:switch``, and sections of a kind the options skip (an index, a printed contents
page). What is *kept* although it is not plain text: figure captions, tables (row by
row), the alt text of an image that is all its block says or that describes what its
figure's caption does not, MathML (``alttext`` or spoken), SVG ``<text>``, and an
``<object>``'s fallback content. Notes (footnotes, endnotes) are marked as notes
(``notes.NOTE_OPEN``): their chapter reads them after its text.

A document can be cut at anchors (the ids a TOC points to), so one file can
hold several chapters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree, html

from e2a_node.phonemes import strip_hints

from .entities import numeric_entities
from .mathspeech import speak_math
from .model import VERSE_LINE
from .notes import NOTE_CLOSE, NOTE_OPEN, strip_notes
from .options import DEFAULT_OPTIONS, ReadOptions
from .pronunciation import SSML_ALIAS, SSML_PH, ph_hint
from .xmlnames import local_name

_DROP_TAGS = {"script", "style", "head", "nav", "noscript", "template", "iframe", "video",
              "audio", "button", "form", "select", "input", "textarea", "param", "rt", "rp",
              "case", "title", "desc", "metadata"}
_BLOCK_TAGS = {"p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt",
               "dd", "tr", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "header",
               "footer", "main", "hr", "figcaption", "caption", "aside", "body", "figure",
               "svg", "text", "address", "details", "summary", "default", "object"}
BLOCK_TAGS = frozenset(_BLOCK_TAGS)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HEADING_PATTERNS = tuple(f"{{*}}{h}" for h in HEADING_TAGS)  # any namespace, or none
_LINE_NUMBER_TAGS = {"span", "a", "small", "b", "i", "em", "sup"}
_MARK_TYPES = {"noteref", "pagebreak", "backlink", "page-list", "landmarks"}
"""Never read: a note's mark, a printed page number, a note's link back."""
NOTE_TYPES = frozenset({"footnote", "endnote", "note", "rearnote"})
_KEPT_INSIDE_SKIPPED = {"epigraph", "dedication"}
NOTE_COLLECTIONS = frozenset({"footnotes", "endnotes", "rearnotes"})
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
LINE_BREAK = VERSE_LINE
"""A <br/>: the line of a stanza ends here. Lines stay in their paragraph (the stanza)
and keep their own punctuation; the planner makes each its own sentence, so a line
ends with a short pause and a stanza with a paragraph's."""
_MARGIN_NOTE = re.compile(r"\b(?:timeline|side-?note|margin(?:al)?-?note|marginalia)\b", re.I)
"""A note set in the margin beside the text (Standard Ebooks' Gibbon: the year in hand)."""
_LINE_NUMBER_CLASS = re.compile(r"line-?num|lineno|linenumber|\bln\b|verse-?num|\bnum\b",
                                re.I)
_GENERIC_ALT_WORDS = frozenset({
    "image", "img", "picture", "figure", "fig", "photo", "cover", "logo", "icon", "graphic",
    "illustration", "decoration", "decorative", "ornament", "front", "page", "title", "the",
    "an", "a", "of", "jpg", "jpeg", "png", "gif", "svg"})
"""Alt text made only of these words ("Cover Image", "image1.png") says nothing of the story."""
_MARKUP = re.compile(r"^<[/!?]?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>.*>$"
                     r"|^<[A-Za-z][\w:.-]*\s[^<>]*=.*/?>$", re.S)
"""A paragraph that is nothing but markup ("<div role="alert" id="results"/>"): a listing."""
SKIP_MARK = "data-e2a-skip"
"""Attribute a caller sets on an element to keep it out (boilerplate found across files)."""
CODE_OMITTED = "Code listing omitted."


_local = local_name


def epub_types(el: etree._Element) -> set[str]:
    """The element's ``epub:type`` values plus its ARIA role without "doc-"."""
    types = set((el.get(_EPUB_TYPE) or el.get("epub:type") or "").lower().split())
    role = (el.get("role") or "").lower()
    if role.startswith("doc-"):
        types.add(role[4:])
    return types


def _text_of(el: etree._Element) -> str:
    return "".join(t for t in el.itertext() if isinstance(t, str)).strip()


def looks_like_marker(text: str) -> bool:
    stripped = text.strip("[]()*† ")
    return len(text) <= 4 and (stripped.isdigit() or stripped in {"", "*", "†", "‡"})


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{3,}", text.lower())}


def _figure_needs(image: etree._Element, alt: str) -> bool:
    """An image in a captioned figure whose alt text describes what the caption does not
    say: an accessibility book's descriptions were never read. Most of its words already
    in the caption means it is said already."""
    figure = next((a for a in image.iterancestors() if _local(a.tag) == "figure"), None)
    if figure is None:
        return False
    caption = " ".join(_text_of(c) for c in figure.iter("{*}figcaption", "figcaption"))
    words = _content_words(alt)
    return len(words) >= MIN_DESCRIPTION_WORDS and \
        len(words & _content_words(caption)) < 0.6 * len(words)


MIN_DESCRIPTION_WORDS = 5
"""A description, not a label: "A map" beside the caption "Georgia in 1900" adds nothing."""


def _is_line_number(el: etree._Element, tag: str) -> bool:
    """A bare number beside a line of verse: by its class, or sitting right before a <br/>."""
    if tag not in _LINE_NUMBER_TAGS or el.get("href"):
        return False
    text = (el.text or "").strip() if len(el) == 0 else _text_of(el)
    if not (len(text) <= 4 and text.isdigit()):
        return False
    if _LINE_NUMBER_CLASS.search(el.get("class") or "") or "linenum" in epub_types(el):
        return True
    following = el.getnext()
    at_line_end = not (el.tail or "").strip() and (following is None or _local(following.tag)
                                                   == "br")
    return at_line_end and tag == "span" and el.get("class") is not None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ISO_DATE = re.compile(r"\b(\d{1,4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?\b")
_ONWARDS = re.compile(r"(?<=\d)\+")


def _said_date(note: str) -> str:
    """A margin date as a reader says it: "AD 251-10-27" is "AD 251, 27 October" (not
    "two hundred and fifty-one-ten-twenty-seven"), "AD 366+" is "AD 366 onwards"."""
    def one(match: re.Match[str]) -> str:
        year, month, day = match.groups()
        return f"{year}, {f'{int(day)} ' if day else ''}{_MONTHS[int(month) - 1]}"

    return _ONWARDS.sub(" onwards", _ISO_DATE.sub(one, note))


def _is_numerator(el: etree._Element) -> bool:
    """<sup>1</sup>/<sub>352</sub> (Darwin's "of an inch"): a fraction's numerator, not a
    note's mark, kept so the fraction is not read "/352"."""
    following = el.getnext()
    return (el.tail or "").strip() in ("/", "\u2044") and following is not None \
        and _local(following.tag) == "sub" and _text_of(el).isdigit()


def _svg_lines(el: etree._Element, lines: list[str], last_y: list[str | None]) -> None:
    if el.text:
        lines[-1] += el.text
    for child in el:
        if isinstance(child.tag, str) and _local(child.tag) not in _DROP_TAGS:
            y = child.get("y")
            if _local(child.tag) == "tspan" and y is not None and y != last_y[0]:
                last_y[0] = y
                if lines[-1].strip():
                    lines.append("")  # a <tspan> placed on a new baseline is a new line
            _svg_lines(child, lines, last_y)
        if child.tail:
            lines[-1] += child.tail


def svg_text(el: etree._Element) -> str:
    """An SVG ``<text>`` as one paragraph: its lines (one ``<tspan>`` each, often with no
    space between) joined by spaces, a word hyphenated at a line's end made whole."""
    lines: list[str] = [""]
    _svg_lines(el, lines, [None])
    out = ""
    for line in (" ".join(part.split()) for part in lines):
        if not line:
            continue
        if out and line[:1].islower() and re.search(r"[^\W\d_]-$", out):
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out


_CURRENCY = "$\u00a3\u20ac\u00a5"
_FRACTIONS = "\u00bc-\u00be\u2150-\u215e"
_AMOUNT = re.compile(rf"^([{_CURRENCY}]?)[ \t]?\d{{1,3}}(?:,\d{{3}})*\.\d\d[{_FRACTIONS}]?$")
_BARE_AMOUNT = re.compile(rf"^\d{{1,3}}(?:,\d{{3}})*\.\d\d[{_FRACTIONS}]?$")
"""A price with its cents ("0.22", "1.04¾", "$8.03½"): an account's cell, not a measure."""


def _cells(row: etree._Element) -> Iterator[tuple[int, etree._Element]]:
    """A row's cells with the column each starts in (a colspan moves the next along)."""
    column = 0
    for cell in row:
        if isinstance(cell.tag, str) and _local(cell.tag) in ("td", "th"):
            yield column, cell
            span = cell.get("colspan") or "1"
            column += int(span) if span.isdigit() and 0 < int(span) < 100 else 1


def money_columns(table: etree._Element) -> dict[int, str]:
    """Columns whose first amount carries its currency sign ("$8.03½") and whose later
    amounts go without ("4.00"): an account printed as one; the sign is carried to those
    amounts so they are said as money ("four dollars", not "four point zero zero")."""
    first: dict[int, str] = {}
    for row in table.iter("{*}tr", "tr"):
        owner = next((a for a in row.iterancestors() if _local(a.tag) == "table"), None)
        if owner is not table:  # a row of a table set inside this one
            continue
        for column, cell in _cells(row):
            if column not in first:
                match = _AMOUNT.match(" ".join(_text_of(cell).split()))
                if match:
                    first[column] = match.group(1)
    return {column: sign for column, sign in first.items() if sign}


@dataclass(frozen=True)
class HtmlText:
    """Speakable text plus the document's first heading (a fallback chapter title)."""

    text: str
    first_heading: str
    title: str


class _Walker:
    """Collects text in document order; records where each anchor id starts."""

    def __init__(self, options: ReadOptions, anchors: frozenset[str]) -> None:
        self.options = options
        self.anchors = anchors
        self.skipped = options.skipped
        self.out: list[str] = []
        self.cuts: list[tuple[int, str]] = []
        self.in_note = 0
        self._tables: dict[etree._Element, dict[int, str]] = {}
        self._special: dict[str, Callable[[etree._Element], None]] = {
            "img": self._image, "image": self._image, "math": self._math, "svg": self._svg,
            "pre": self._code, "tr": self._row, "code": self._inline_code,
        }

    def _dropped(self, el: etree._Element, tag: str, types: set[str]) -> bool:
        if tag in _DROP_TAGS or el.get("hidden") is not None or el.get(SKIP_MARK) is not None:
            return True
        if types & self.skipped or types & _MARK_TYPES:
            return True
        if "display:none" in (el.get("style") or "").replace(" ", ""):
            return True
        return tag in _LINE_NUMBER_TAGS and self._is_marker(el, tag)

    def _is_marker(self, el: etree._Element, tag: str) -> bool:
        """<sup><a href="#n1">1</a></sup>, <a href="#n1">[1]</a>, and verse line numbers."""
        if _is_line_number(el, tag):
            return True
        if tag == "sup":
            if _is_numerator(el):
                return False
            return len(_text_of(el)) <= 4 or el.find(".//{*}a") is not None
        return tag == "a" and "#" in (el.get("href") or "") and looks_like_marker(_text_of(el))

    def walk(self, el: etree._Element) -> None:
        tag = _local(el.tag)
        anchor = el.get("id") or (el.get("name") if tag == "a" else None)
        if anchor and anchor in self.anchors and not self.in_note:  # a note is not cut
            self.cuts.append((len(self.out), anchor))
        types = epub_types(el) if el.attrib else set()
        if self._dropped(el, tag, types):
            if types & self.skipped:
                self._kept_inside(el)
            self.tail(el)
            return
        special = self._special.get(tag)
        if special is None and tag == "span" and _MARGIN_NOTE.search(el.get("class") or ""):
            special = self._margin_note
        if tag == "sup" and _is_numerator(el):  # "1/352" as "1⁄352": a fraction to say
            self.out.append(f"{_text_of(el)}\u2044")  # its tail is the slash alone
            return
        if special is None and len(el) == 0 and _MARKUP.match((el.text or "").strip()):
            special = self._code
        if special is not None:
            special(el)
            self.tail(el)
            return
        alias = el.get(SSML_ALIAS) if el.attrib else None
        if alias is not None or (el.attrib and el.get(SSML_PH) is not None):
            # The publisher says how this is read: say that (phonemes where the voice
            # takes them, else the alias, else the printed words).
            said = alias if alias is not None else " ".join(_text_of(el).split())
            self.out.append(ph_hint(el, said) or said)
            self.tail(el)
            return
        if tag == "br":  # a line of verse (or of an address): a line, not a paragraph
            self.out.append(LINE_BREAK)
            self.tail(el)
            return
        if types & (NOTE_TYPES | NOTE_COLLECTIONS) and not self.in_note:
            self._notes(el, types)
            self.tail(el)
            return
        block = tag in _BLOCK_TAGS
        self.out.append("\n\n" if block else "")
        self.children(el)
        if block:
            self.out.append("\n\n")
        self.tail(el)

    def _notes(self, el: etree._Element, types: set[str]) -> None:
        """A note, marked as one; a collection of notes, each of its notes (its heading,
        "Notes", is not one); a collection without marked notes, as one note."""
        if types & NOTE_TYPES:
            self.out.append(f"\n\n{NOTE_OPEN}")
            self.in_note += 1
            self.children(el)
            self.in_note -= 1
            self.out.append(f"{NOTE_CLOSE}\n\n")
            return
        notes = [d for d in el.iterdescendants() if isinstance(d.tag, str) and d.attrib
                 and epub_types(d) & NOTE_TYPES
                 and not any(epub_types(a) & NOTE_TYPES for a in d.iterancestors()
                             if a is not el and a.attrib)]
        if not notes:
            self._notes(el, {"note"})
        for note in notes:
            if not self._dropped(note, _local(note.tag), epub_types(note)):
                self._notes(note, {"note"})

    def _kept_inside(self, el: etree._Element) -> None:
        """An epigraph set on a title page is part of the work: read it though the page is not."""
        for inner in el.iterdescendants():
            if isinstance(inner.tag, str) and epub_types(inner) & _KEPT_INSIDE_SKIPPED:
                self.out.append("\n\n")
                self.children(inner)
                self.out.append("\n\n")

    def children(self, el: etree._Element) -> None:
        if el.text and _local(el.tag) != "switch":
            self.out.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child)
            elif child.tail:  # comments and processing instructions keep their tail
                self.out.append(child.tail)

    def tail(self, el: etree._Element) -> None:
        if el.tail:
            self.out.append(el.tail)

    def _image(self, el: etree._Element) -> None:
        """Alt text is read only where the image is all its block says (a picture book)."""
        alt = " ".join((el.get("alt") or "").split())
        words = re.findall(r"[^\W\d_]+", alt.lower())
        if not words or set(words) <= _GENERIC_ALT_WORDS:
            return
        block = el.getparent()
        while block is not None and _local(block.tag) not in _BLOCK_TAGS - {"hr"}:
            block = block.getparent()
        if block is None or not _text_of(block) or _figure_needs(el, alt):
            self.out.append(f"\n\n{alt}\n\n")

    def _math(self, el: etree._Element) -> None:
        spoken = speak_math(el)
        if el.get("display") == "block":
            self.out.append(f"\n\n{spoken}\n\n")
        else:  # "the (x, y)-plane": no space where the sentence goes on with a hyphen
            following = (el.tail or " ")[:1]
            after = " " if following.isalnum() or following.isspace() else ""
            self.out.append(f" {spoken}{after}")

    def _last_mark(self) -> str:
        """The last printed character so far ("" at a block's start)."""
        for piece in reversed(self.out):
            if piece.strip():
                return piece.rstrip()[-1]
            if "\n\n" in piece:
                return ""
        return ""

    def _margin_note(self, el: etree._Element) -> None:
        """Gibbon's margin dates ("AD 754+") are said as a sentence of their own between
        the text's sentences, in brackets inside one: run into the next sentence they
        were heard as its opening words, with no pause."""
        note = _said_date(" ".join(_text_of(el).split()))
        if not note:
            return
        if self._last_mark() in ("", ".", "!", "?", "\"", "\u201d", "'", "\u2019", ")"):
            self.out.append(f" {note}{'' if note[-1] in '.!?' else '.'} ")
        else:
            self.out.append(f" ({note}) ")

    def _svg(self, el: etree._Element) -> None:
        for text in el.iter("{*}text"):
            self.out.append(f"\n\n{svg_text(text)}\n\n")

    def _code(self, el: etree._Element) -> None:
        if self.options.code == "read":
            self.out.append(f"\n\n{_text_of(el)}\n\n")
        else:
            self.out.append(f"\n\n{CODE_OMITTED}\n\n")

    def _inline_code(self, el: etree._Element) -> None:
        text = _text_of(el)
        parent = el.getparent()
        alone = parent is not None and _local(parent.tag) in _BLOCK_TAGS \
            and _text_of(parent) == text
        if "\n" in text and alone:  # a listing set as <p><code>…</code></p>
            self._code(el)
        else:  # "the <img> element" reads as "the img element"
            self.out.append(re.sub(r"</?([\w:-]+)[^>]*>", r"\1", text))

    def _row(self, el: etree._Element) -> None:
        """One table row, its cells separated so "Name" "Term" is not read "NameTerm"."""
        signs = self._money_columns(el)
        cells = []
        for column, cell in _cells(el):
            text = " ".join(element_text(cell, self.options).split())
            sign = signs.get(column)
            if sign and _BARE_AMOUNT.match(text):  # Walden's "Pork 0.22" under "$1.73½"
                text = sign + text
            if text:
                cells.append(text)
        if cells:
            self.out.append("\n\n" + ", ".join(cells) + "\n\n")

    def _money_columns(self, row: etree._Element) -> dict[int, str]:
        """The row's table's columns priced in one currency (by column), worked out once
        per table."""
        table = next((a for a in row.iterancestors() if _local(a.tag) == "table"), None)
        if table is None:
            return {}
        signs = self._tables.get(table)
        if signs is None:
            signs = self._tables[table] = money_columns(table)
        return signs

    def segments(self) -> list[tuple[str, str]]:
        """(anchor, text) pieces; the first piece (anchor "") is what precedes every cut."""
        pieces: list[tuple[str, str]] = []
        start, anchor = 0, ""
        for position, name in self.cuts:
            pieces.append((anchor, "".join(self.out[start:position])))
            start, anchor = position, name
        pieces.append((anchor, "".join(self.out[start:])))
        return pieces


def parse_document(content: bytes | str) -> etree._Element:
    """Parse (X)HTML leniently: real books are full of small markup errors."""
    if isinstance(content, bytes) and not content.strip():
        return html.fromstring("<html><body></body></html>")
    try:
        parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                                 huge_tree=True)
        data = content if isinstance(content, bytes) else content.encode()
        root = etree.fromstring(numeric_entities(data), parser)
        if root is not None:
            return root
    except etree.XMLSyntaxError:
        pass
    return html.fromstring(content)


def body_of(root: etree._Element) -> etree._Element:
    return next((el for el in root.iter() if _local(el.tag) == "body"), root)


def iter_headings(root: etree._Element) -> Iterator[etree._Element]:
    """Headings in document order (lxml filters by tag in C: this runs on every file)."""
    yield from root.iter(*_HEADING_PATTERNS)


def element_text(el: etree._Element, options: ReadOptions = DEFAULT_OPTIONS) -> str:
    """Raw text of an element with block structure kept as blank lines."""
    walker = _Walker(options, frozenset())
    walker.walk(el)
    text = "".join(walker.out)
    if el.tail:  # the walk appends the tail; it belongs to the parent, not to this element
        text = text[: len(text) - len(el.tail)]
    return text


def split_at_anchors(el: etree._Element, anchors: frozenset[str],
                     options: ReadOptions = DEFAULT_OPTIONS) -> list[tuple[str, str]]:
    """The element's text cut where each anchor's element starts: [(anchor, text), ...]."""
    walker = _Walker(options, anchors)
    walker.children(el)
    return walker.segments()


def heading_text(el: etree._Element) -> str:
    """A heading as a title shows it: a phoneme hint in it is its word."""
    return " ".join(strip_hints(strip_notes(element_text(el))).split())


def extract(content: bytes | str, options: ReadOptions = DEFAULT_OPTIONS) -> HtmlText:
    """Text, first heading and <title> of one document."""
    root = parse_document(content)
    body = body_of(root)
    heading = next(iter_headings(body), None)
    title_el = next((el for el in root.iter() if _local(el.tag) == "title"), None)
    return HtmlText(
        text=element_text(body, options),
        first_heading=heading_text(heading) if heading is not None else "",
        title=" ".join((title_el.text or "").split()) if title_el is not None else "",
    )
