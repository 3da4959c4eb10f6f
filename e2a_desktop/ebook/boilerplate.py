"""Find text repeated on most pages of a book (navigation links, running headers).

Converted documentation and some publishers put the same lines on every file:
"Parent topic: … Next topic: …", the book's title as a running header. Read
aloud they come back 70 times. Nothing here is a hard-coded phrase: a short block
that recurs in most of a book's files is boilerplate by definition.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from lxml import etree

from .htmltext import HEADING_TAGS, SKIP_MARK
from .xmlnames import local_name

_LEAF_TAGS = {"p", "div", "li", "header", "footer", "td", "dt", "dd", "address",
              "table", "ul", "ol"}
_BLOCKS = _LEAF_TAGS | set(HEADING_TAGS) | {"section", "article", "blockquote", "pre", "tr"}
_BLOCK_PATTERNS = tuple(f"{{*}}{name}" for tag in sorted(_BLOCKS) for name in (tag, tag.upper()))
"""The blocks in any namespace or none, for lxml to find in C: a textbook's MathML and inline
markup are most of its elements, and none of them is asked about."""
MAX_CHARS = 200
MIN_FILES = 4
SHARE = {"text": 0.3, "start": 0.5}
"""A block is boilerplate when it is in at least this share of the files, and in MIN_FILES:
the same whole text (3 words or more) at a file's edge is telling sooner than the same
class and first words."""
EDGE = 6
"""Page furniture sits at a file's top or bottom: only that many leaf blocks at each end are
compared by their whole text, so a line of the story that recurs (a refrain) is not taken for
it. Blocks with a class are compared anywhere by class and first words."""
MIN_WORDS = 3


def _local(el: etree._Element) -> str:
    return local_name(el.tag)


def _blocks(body: etree._Element) -> Iterator[etree._Element]:
    """The blocks in and under ``body``, in document order."""
    return body.iter(*_BLOCK_PATTERNS)


def _leaves(body: etree._Element) -> list[etree._Element]:
    """Leaf blocks (no block inside) in document order."""
    holders: set[etree._Element] = set()  # elements with a block somewhere inside
    blocks = []
    for el in _blocks(body):
        blocks.append(el)
        for ancestor in el.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return [el for el in blocks if _local(el) in _LEAF_TAGS and el not in holders]


FIRST_LOOK = 64
"""Characters of a block read before its text is first judged; each later look reads twice
as far. A block is only ever asked whether it is short, so a long one is not read to its end."""
_WORD = re.compile(r"\w+")
_ROMAN_NUMBER = re.compile(r"[ivxlc]+")


def _short_text(el: etree._Element, too_long: Callable[[str], bool]) -> str | None:
    """The block's text, or None once a beginning of it is ``too_long`` (which must stay
    true for any longer text). Nested blocks each reading their whole text made a
    textbook's sections, notes and MathML read a dozen times over."""
    pieces: list[str] = []
    size, look_at = 0, FIRST_LOOK
    for piece in el.itertext():
        if not isinstance(piece, str):
            continue
        pieces.append(piece)
        size += len(piece)
        if size >= look_at:
            if too_long("".join(pieces)):
                return None
            look_at = 2 * size
    text = "".join(pieces)
    return None if too_long(text) else text


def _too_many_chars(text: str) -> bool:
    return len(" ".join(text.split())) > MAX_CHARS


def _candidates(body: etree._Element) -> Iterator[tuple[etree._Element, tuple[str, ...]]]:
    """Leaf blocks short enough to be page furniture, with their keys."""
    leaves = _leaves(body)
    for index, el in enumerate(leaves):
        tag = _local(el)
        text = " ".join((_short_text(el, _too_many_chars) or "").split())
        if not text:
            continue
        words = re.findall(r"\w+", text.lower())
        keys: list[tuple[str, ...]] = []
        at_edge = index < EDGE or index >= len(leaves) - EDGE
        if at_edge and len(words) >= MIN_WORDS:
            keys.append(("text", " ".join(words)))
        css = " ".join((el.get("class") or "").split())
        if css and len(words) >= 2:
            # "Parent topic: <a>Some title</a>" differs per file only after its first words.
            keys.append(("start", tag, css, " ".join(words[:2])))
        for key in keys:
            yield el, key


def mark_boilerplate(bodies: list[etree._Element]) -> int:
    """Mark (SKIP_MARK) blocks repeated across most files; return how many were marked."""
    if len(bodies) < MIN_FILES:
        return 0
    candidates = [list(_candidates(body)) for body in bodies]
    files_with: Counter[tuple[str, ...]] = Counter()
    for found in candidates:
        files_with.update({key for _el, key in found})
    common = {key for key, count in files_with.items()
              if count >= max(MIN_FILES, math.ceil(SHARE[key[0]] * len(bodies)))}
    if not common:
        return 0
    marked = 0
    for found in candidates:
        for el, key in found:
            if key in common and el.get(SKIP_MARK) is None:
                el.set(SKIP_MARK, "boilerplate")
                marked += 1
    return marked


MAX_HEAD_WORDS = 15
MIN_HEAD_REPEATS = 3
MIN_TITLE_CHARS = 8


def _too_many_words(text: str) -> bool:
    return len(_WORD.findall(text.lower())) > MAX_HEAD_WORDS  # "İ" lowers to two: i and a dot


def _head_words(el: etree._Element) -> str:
    """The block's words, lower case, if it has few enough to be a heading or a running
    head; "" if it has more (or none)."""
    text = _short_text(el, _too_many_words)
    return " ".join(_WORD.findall(text.lower())) if text else ""


def _made_of_titles(words: str, titles: set[str], headings: set[str]) -> bool:
    """The line is a heading of the book, a heading after its number ("1 • Essential
    Ideas" over each page of a textbook's first chapter), or two or more of its lines put
    together."""
    if words in headings:
        return True
    number, _, rest = words.partition(" ")
    if rest in headings and (number.isdigit() or _ROMAN_NUMBER.fullmatch(number)):
        return True
    tokens = words.split()
    # parts[i]: the fewest titles that make up tokens[:i] (0 for the empty start)
    parts: list[int | None] = [0] + [None] * len(tokens)
    for end in range(1, len(tokens) + 1):
        for start in range(end):
            piece = " ".join(tokens[start:end])
            before = parts[start]
            if before is not None and len(piece) >= MIN_TITLE_CHARS and piece in titles \
                    and piece != words:
                best = parts[end]
                parts[end] = before + 1 if best is None else min(best, before + 1)
    made = parts[-1]
    return made is not None and made >= 2


def mark_running_heads(bodies: list[etree._Element], headings: frozenset[str] = frozenset()
                       ) -> int:
    """Mark running heads: one short line in its own class, printed again and again through
    the book, that restates its titles: a heading (the book's or a chapter's title) or
    several lines of the book put together ("Beaujolais (LE BEAUJOLAIS ET LE LYONNAIS)"
    before each of 40 wines). A refrain or a repeated sentence of the text is neither.
    ``headings`` are titles from outside the text (TOC, metadata). Return how many."""
    titles: set[str] = set()
    heads = {" ".join(re.findall(r"\w+", h.lower())) for h in headings}
    lines: dict[tuple[str, str], list[etree._Element]] = defaultdict(list)
    for body in bodies:
        short: dict[etree._Element, str] = {}  # each block's words, read once
        for el in _blocks(body):
            words = short[el] = _head_words(el)
            if words:
                titles.add(words)
                if _local(el) in HEADING_TAGS:
                    heads.add(words)
        for el in _leaves(body):
            css = " ".join((el.get("class") or "").split())
            if css and el.get(SKIP_MARK) is None:
                words = short[el]
                if words:
                    lines[(words, css)].append(el)
    heads = {h for h in heads if len(h) >= MIN_TITLE_CHARS}
    marked = 0
    for (words, _css), elements in lines.items():
        if len(elements) >= MIN_HEAD_REPEATS and _made_of_titles(words, titles, heads):
            for el in elements:
                el.set(SKIP_MARK, "running-head")
                marked += 1
    return marked
