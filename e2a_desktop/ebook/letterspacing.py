"""Words set one letter per element, read as words.

Converters emulate small capitals or letter-spacing with one ``<span>`` per letter
("T<span>h</span><span>i</span><span>s</span> S<span>e</span>…", from LaTeX via tex4ht).
The whitespace between the spans is source indentation, not a word break, yet read as
spaces a voice spells "T h i s". The letters are joined back; a capital set outside the
spans starts the word. Where a word break fell between two spans the source does not say
so, and the words run together ("Sectionisa"): still better heard than spelled.
"""

from __future__ import annotations

from lxml import etree

from .xmlnames import local_name

MIN_RUN = 3
"""At least this many one-letter elements in a row: two italic variables "x y" stay apart."""
_INLINE = {"span", "small", "b", "i", "em", "strong", "sup", "sub", "font"}
_INLINE_PATTERNS = tuple(f"{{*}}{name}" for tag in sorted(_INLINE)
                         for name in (tag, tag.upper()))
"""The inline elements in any namespace or none, for lxml to find in C."""


def _single_letter(el: etree._Element) -> bool:
    return (isinstance(el.tag, str) and local_name(el.tag) in _INLINE and len(el) == 0
            and len(text := (el.text or "").strip()) == 1 and text.isalpha())


def _runs(parent: etree._Element) -> list[list[etree._Element]]:
    """Runs of one-letter children of the same tag and class, with only space between."""
    runs: list[list[etree._Element]] = []
    run: list[etree._Element] = []
    for child in parent:
        same = run and child.tag == run[-1].tag and child.get("class") == run[-1].get("class")
        if _single_letter(child) and same and not (run[-1].tail or "").strip():
            run.append(child)
            continue
        if len(run) >= MIN_RUN or (run and _joins_before(run)):
            runs.append(run)
        run = [child] if _single_letter(child) else []
    if len(run) >= MIN_RUN or (run and _joins_before(run)):
        runs.append(run)
    return runs


def _before(el: etree._Element) -> str:
    previous = el.getprevious()
    if previous is None:
        parent = el.getparent()
        return (parent.text or "") if parent is not None else ""
    return previous.tail or ""


def _joins_before(run: list[etree._Element]) -> bool:
    """The text before the run ends in one capital letter: the word's first letter."""
    words = _before(run[0]).split()
    return bool(words) and len(words[-1]) == 1 and words[-1].isupper()


def _set_before(el: etree._Element, text: str) -> None:
    previous = el.getprevious()
    if previous is None:
        parent = el.getparent()
        if parent is not None:
            parent.text = text
    else:
        previous.tail = text


def _letter_parents(body: etree._Element) -> list[etree._Element]:
    """The elements with a one-letter child: the only ones a run can be in. Asking every
    element of a book for runs (a textbook's MathML is most of them) was a tenth of
    reading it. Joining one parent's runs changes no other parent's, so their order is free."""
    parents: dict[etree._Element, None] = {}
    for el in body.iter(*_INLINE_PATTERNS):
        if el is not body and _single_letter(el) and (parent := el.getparent()) is not None:
            parents[parent] = None
    return list(parents)


def join_letter_runs(body: etree._Element) -> int:
    """Join runs of one-letter elements into words in place; return how many runs."""
    joined = 0
    for parent in _letter_parents(body):
        for run in _runs(parent):
            if _joins_before(run):
                _set_before(run[0], _before(run[0]).rstrip())
            elif len(run) < MIN_RUN:
                continue
            for el in run[:-1]:
                el.tail = ""
            for el in run:
                el.text = (el.text or "").strip()
            joined += 1
    return joined
