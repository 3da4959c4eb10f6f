"""Project Gutenberg's header and licence: not part of the book a listener wants.

Every Gutenberg edition wraps the book between "*** START OF THE PROJECT GUTENBERG
EBOOK …" and "*** END OF …" lines; what is outside them is the licence.
"""

from __future__ import annotations

import re

START = re.compile(r"^[ \t]*\*\*\*[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG[^\n]*$",
                   re.M | re.I)
END = re.compile(r"^[ \t]*\*\*\*[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG", re.M | re.I)
BOILERPLATE_IDS = frozenset({"pg-header", "pg-footer", "pg-machine-header", "pg-start-separator",
                             "pg-end-separator"})
"""Ids (and classes) that Gutenberg's own EPUBs give the licence blocks."""


def strip_licence(texts: list[str]) -> list[str]:
    """The texts (in reading order) with everything before START and from END on removed."""
    out = list(texts)
    for i, text in enumerate(out):
        start = START.search(text)
        if start:
            out[:i] = [""] * i
            out[i] = text[start.end():]
    for i, text in enumerate(out):
        end = END.search(text)
        if end:
            out[i] = text[: end.start()]
            out[i + 1:] = [""] * (len(out) - i - 1)
            break
    return out


MENTION = re.compile(r"project gutenberg", re.I)
"""Preformatted text naming the project: an older edition's header or licence."""


def is_licence_block(element_id: str, css_class: str) -> bool:
    return element_id in BOILERPLATE_IDS or "pg-boilerplate" in css_class.split()
