"""MathML said in words, so an equation in a sentence leaves no hole.

The book's own ``alttext`` wins when there is one; otherwise this renders the
presentation MathML plainly ("x squared plus 1 over 2"). It is English only for
now: other languages get the same structure with their symbols left to the voice.
"""

from __future__ import annotations

import re

from lxml import etree

from .symbols import GREEK_NAMES
from .xmlnames import local_name

_OPERATORS = {
    "=": "equals", "+": "plus", "-": "minus", "\u2212": "minus", "\u00d7": "times",
    "\u22c5": "times", "\u00b7": "times", "*": "times", "\u00f7": "divided by", "/": "over",
    "<": "is less than", ">": "is greater than", "\u2264": "is less than or equal to",
    "\u2265": "is greater than or equal to", "\u2260": "is not equal to", "\u00b1": "plus or minus",
    "\u2248": "is approximately", "\u2208": "in", "\u2209": "not in", "\u2282": "subset of",
    "\u2286": "subset of", "\u222a": "union", "\u2229": "intersection", "\u2192": "to",
    "\u21d2": "implies", "\u21d4": "if and only if", "\u221e": "infinity", "\u2211": "the sum",
    "\u220f": "the product", "\u222b": "the integral", "\u2202": "partial", "\u2207": "del",
    "\u2200": "for all", "\u2203": "there exists", "\u2218": "composed with", "!": "factorial",
    "\u2061": "", "\u2062": "", "\u2063": "", "(": "", ")": "", "[": "", "]": "", "{": "",
    "}": "", "|": "", "\u2016": "", ",": ",", ".": ".", ";": ";", ":": ":", "\u2026": "dot dot dot",
    "\u22ef": "dot dot dot", "\u2032": "prime",
}
_ACCENTS = {"\u00af": "bar", "\u203e": "bar", "^": "hat", "\u02c6": "hat", "~": "tilde",
            "\u02dc": "tilde", "\u2192": "vector", "\u20d7": "vector", "\u02d9": "dot",
            ".": "dot", "\u00a8": "double dot"}
_PLACEHOLDER = re.compile(r"not available|unavailable|alt(?:ernative)?[ -]?text|no description|"
                          r"^\W*(?:image|equation|math|formula)\W*$", re.I)
"""alttext some converters fill in when they had none: speaking the MathML beats reading it."""
_POWERS = {"2": "squared", "3": "cubed"}
_ROWS = {"math", "mrow", "mstyle", "mtd", "mpadded", "menclose"}
"""Elements whose children are read in a row (in <msup> or <mfrac> each child has a role)."""
_SILENT = {"annotation", "annotation-xml", "mphantom", "none", "mprescripts", "maligngroup",
           "malignmark", "mspace"}


def _local(el: etree._Element) -> str:
    return local_name(el.tag)


def _token(el: etree._Element) -> str:
    text = "".join(el.itertext()).strip()
    if _local(el) == "mo":
        return _OPERATORS.get(text, text)
    return GREEK_NAMES.get(text, text)


def _args(el: etree._Element) -> list[str]:
    """The children's words; digits split over neighbouring <mn> are one number
    (<mn>1</mn><mn>5</mn> is fifteen, not "1 5")."""
    parts: list[str] = []
    previous = ""
    row = _local(el) in _ROWS
    for child in el:
        if not isinstance(child.tag, str):
            continue
        said = speak_math(child)
        name = _local(child)
        if row and name == "mn" and previous == "mn" and parts and said[:1].isdigit():
            parts[-1] += said
        else:
            parts.append(said)
        previous = name
    return parts


def _script(el: etree._Element, name: str, parts: list[str]) -> str:
    base = parts[0] if parts else ""
    if name == "msup" and len(parts) > 1:
        return f"{base} {_POWERS.get(parts[1]) or f'to the power {parts[1]}'}"
    if name == "msub" and len(parts) > 1:
        return f"{base} sub {parts[1]}"
    if name == "msubsup" and len(parts) > 2:
        return f"{base} sub {parts[1]} to the power {parts[2]}"
    return " ".join(parts)


def _under_over(el: etree._Element, name: str, parts: list[str]) -> str:
    """Limits on a big operator ("the sum from i = 1 to n") or an accent ("x bar")."""
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) < 2:
        return " ".join(parts)
    accent_char = "".join(children[-1].itertext()).strip()
    if name in ("mover", "munder") and accent_char in _ACCENTS:
        return f"{parts[0]} {_ACCENTS[accent_char]}"
    if name == "munderover" and len(parts) > 2:
        return f"{parts[0]} from {parts[1]} to {parts[2]}"
    return f"{parts[0]} {'from' if name == 'munder' else 'to'} {parts[1]}"


def _structure(el: etree._Element, name: str) -> str:
    parts = _args(el)
    if name == "mfrac" and len(parts) == 2:
        return f"{parts[0]} over {parts[1]}"
    if name == "msqrt":
        return f"the square root of {' '.join(parts)}"
    if name == "mroot" and len(parts) == 2:
        return f"the root {parts[1]} of {parts[0]}"
    if name in ("msup", "msub", "msubsup"):
        return _script(el, name, parts)
    if name in ("mover", "munder", "munderover"):
        return _under_over(el, name, parts)
    if name == "mtr":
        return ", ".join(p for p in parts if p) + ";"
    return " ".join(parts)


def speak_math(el: etree._Element) -> str:
    """Words for one MathML element (``<math>`` or any part of it)."""
    name = _local(el)
    if name in _SILENT:
        return ""
    alttext = " ".join((el.get("alttext") or "").split()) if name == "math" else ""
    if alttext and not _PLACEHOLDER.search(alttext):
        return alttext
    if name == "semantics":
        first = next((c for c in el if isinstance(c.tag, str)), None)
        return speak_math(first) if first is not None else ""
    if name in ("mi", "mn", "mo", "mtext", "ms"):
        return _token(el)
    return " ".join(_structure(el, name).split())
