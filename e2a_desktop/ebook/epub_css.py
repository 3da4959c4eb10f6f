"""Classes a book's own style sheets hide: text the reader never sees is not read.

Publishers hide print furniture with CSS: running heads (``display: oeb-page-head``,
the Adobe convention, with ``display: none`` for other reading systems), page footers,
print-only labels. Only plain class rules at the top level count (``.rh``, ``div.rh``):
a rule inside ``@media`` hides for one device only, and a descendant selector says too
little to act on.
"""

from __future__ import annotations

import re

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CLASS_SELECTOR = re.compile(r"^[A-Za-z0-9]*\.([\w-]+)$")
_DISPLAY = re.compile(r"display\s*:\s*([\w-]+)", re.I)
HIDING_DISPLAYS = frozenset({"none", "oeb-page-head", "oeb-page-foot"})


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """(selectors, declarations) of the rules outside any at-rule block."""
    rules: list[tuple[str, str]] = []
    depth, start, selector = 0, 0, ""
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selector = css[start:index].strip()
                start = index + 1
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
            if depth == 0:
                if not selector.startswith("@"):
                    rules.append((selector, css[start:index]))
                start = index + 1
        elif char == ";" and depth == 0:  # @charset "UTF-8"; @import …;
            start = index + 1
    return rules


def hidden_classes(css: str) -> set[str]:
    """Class names whose last plain rule setting ``display`` hides them."""
    display: dict[str, bool] = {}
    for selectors, declarations in _top_level_rules(_COMMENT.sub("", css)):
        values = [v.lower() for v in _DISPLAY.findall(declarations)]
        if not values:
            continue
        hides = values[-1] in HIDING_DISPLAYS  # the last declaration wins
        for selector in selectors.split(","):
            match = _CLASS_SELECTOR.match(selector.strip())
            if match:
                display[match.group(1)] = hides
    return {name for name, hides in display.items() if hides}


_FONT_SIZE = re.compile(r"font-size\s*:\s*([\w.%-]+)", re.I)
_WEIGHT = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.I)
_CENTERED = re.compile(r"text-align\s*:\s*center", re.I)
_LARGE_SIZES = frozenset({"large", "x-large", "xx-large", "xxx-large", "larger"})
_RELATIVE = re.compile(r"^([\d.]+)(em|rem|%)$")


def _large(size: str) -> bool:
    size = size.lower()
    match = _RELATIVE.match(size)
    if match:
        value = float(match.group(1)) / (100 if match.group(2) == "%" else 1)
        return value >= 1.2
    return size in _LARGE_SIZES


def heading_classes(css: str) -> set[str]:
    """Class names styled as a heading: a large font, or bold and centred. Books that set
    their titles in ``<div class="TITREGSE">`` say so only in their style sheet."""
    found: set[str] = set()
    for selectors, declarations in _top_level_rules(_COMMENT.sub("", css)):
        sizes = _FONT_SIZE.findall(declarations)
        large = bool(sizes) and _large(sizes[-1])
        if not (large or (_WEIGHT.search(declarations) and _CENTERED.search(declarations))):
            continue
        for selector in selectors.split(","):
            match = _CLASS_SELECTOR.match(selector.strip())
            if match:
                found.add(match.group(1))
    return found
