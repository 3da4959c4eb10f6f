"""Find text repeated on most pages of a book (navigation links, running headers).

Converted documentation and some publishers put the same lines on every file:
"Parent topic: … Next topic: …", the book's title as a running header. Read
aloud they come back 70 times. Nothing here is a hard-coded phrase: a short block
that recurs in most of a book's files is boilerplate by definition.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from lxml import etree

from .htmltext import HEADING_TAGS, SKIP_MARK
from .xmlnames import local_name

_LEAF_TAGS = {"p", "div", "li", "header", "footer", "td", "dt", "dd", "address",
              "table", "ul", "ol"}
_BLOCKS = _LEAF_TAGS | set(HEADING_TAGS) | {"section", "article", "blockquote", "pre", "tr"}
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


def _leaves(body: etree._Element) -> list[etree._Element]:
    """Leaf blocks (no block inside) in document order."""
    holders: set[etree._Element] = set()  # elements with a block somewhere inside
    blocks = []
    for el in body.iter():
        if _local(el) not in _BLOCKS:
            continue
        blocks.append(el)
        for ancestor in el.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    return [el for el in blocks if _local(el) in _LEAF_TAGS and el not in holders]


def _candidates(body: etree._Element) -> Iterator[tuple[etree._Element, tuple[str, ...]]]:
    """Leaf blocks short enough to be page furniture, with their keys."""
    leaves = _leaves(body)
    for index, el in enumerate(leaves):
        tag = _local(el)
        text = " ".join("".join(t for t in el.itertext() if isinstance(t, str)).split())
        if not text or len(text) > MAX_CHARS:
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
    files_with: Counter[tuple[str, ...]] = Counter()
    for body in bodies:
        files_with.update({key for _el, key in _candidates(body)})
    common = {key for key, count in files_with.items()
              if count >= max(MIN_FILES, math.ceil(SHARE[key[0]] * len(bodies)))}
    if not common:
        return 0
    marked = 0
    for body in bodies:
        for el, key in list(_candidates(body)):
            if key in common and el.get(SKIP_MARK) is None:
                el.set(SKIP_MARK, "boilerplate")
                marked += 1
    return marked
