"""Money in English: pounds, shillings and pence (old British), dollars, cents, euros.

"£4 a week" reaches the voice as "pound four a week", and "26s. 4d." as two
sentences ("26s." | "4d."); a narrator says "four pounds a week", "twenty-six
shillings and four pence".
"""

from __future__ import annotations

import re

from .abbreviations_en import ends_sentence
from .words_en import cardinal, number

_AMOUNT = r"\d{1,3}(?:,\d{3})+|\d+"
_HALF = (r"(?:\s?and (?:a|one|two|three|four|five|seven|eleven) (?:half|quarters?|thirds?|"
         r"fifths?|sixths?|eighths?|twelfths?))")
"""The fraction of a penny the reader wrote out ("3⅘d." → "3 and four fifths d.")."""
_OLD_MONEY = re.compile(
    r"(?=£|\d|(?:a|one) (?:half|quarter))"  # a sum starts here: no empty match elsewhere
    rf"(?:£\s?(?P<pounds>{_AMOUNT})|(?<![\w.])(?P<librae>{_AMOUNT})\s?l\.)?"
    rf"(?:(?(pounds)\s+|(?(librae)\s+|(?<![\w.])))(?P<shillings>\d{{1,3}})\s?s\.)?"
    rf"(?:(?(shillings)\s+|(?(pounds)\s+|(?(librae)\s+|(?<![\w.]))))"
    rf"(?P<pence>\d{{1,2}}(?P<half>{_HALF})?|(?P<bare>a half|one half|a quarter|one quarter))"
    rf"\s?d\.)?")
_POUNDS = re.compile(rf"£\s?(?P<amount>{_AMOUNT})(?:\.(?P<pence>\d\d))?(?P<scale> (?:million|"
                     rf"billion|thousand))?(?P<note>\s(?:note|notes|bill|bills)\b)?")
_DOLLARS = re.compile(rf"(?P<sign>[$€])\s?(?P<amount>{_AMOUNT})(?:\.(?P<cents>\d\d)"
                      rf"(?P<half> and (?:a half|a quarter|three quarters)\b)?)?"
                      rf"(?P<scale> (?:million|billion|thousand))?(?P<note>\s(?:note|notes|bill|"
                      rf"bills)\b)?")
_CENTS = re.compile(r"(?<![\w.])(\d+)\s?(?:¢|c\.(?=\s))")
_DECADE_BEFORE = re.compile(r"\b(?:the|early|late|mid|her|his|their|my|your)\s+$", re.I)
_OLD_COIN = re.compile(r"\d\s?[sdl]\.|(?:half|quarters?|thirds?|fifths?|sixths?|eighths?|"
                       r"twelfths?)\s?d\.")
_COLUMNS = re.compile(r"(?<![\w£])£,?\s*[sS]\.?,?\s*d\b(\.?)")
"""A table's heading for old money ("£, s, d."): the columns, named."""
_NAMES = {"£": ("pound", "pounds"), "$": ("dollar", "dollars"), "€": ("euro", "euros")}
_SMALL = {"£": ("penny", "pence"), "$": ("cent", "cents"), "€": ("cent", "cents")}


def _count(amount: str, one: str, many: str) -> str:
    return f"{number(amount)} {one if amount == '1' else many}"


def _pence(match: re.Match[str]) -> str:
    if match.group("bare"):
        return "a halfpenny" if "half" in match.group("bare") else "a farthing"
    digits = match.group("pence")[:2].rstrip()
    digits = re.match(r"\d+", digits).group()  # type: ignore[union-attr]
    half = (match.group("half") or "").strip()
    if half:
        return f"{cardinal(int(digits))} {half} pence"
    return _count(digits, "penny", "pence")


def _old_money(match: re.Match[str]) -> str:
    """ "£25 1s. 8½d." (read as "£25 1s. 8 and a half d.") → "twenty-five pounds one
    shilling and eight and a half pence"."""
    pounds = match.group("pounds") or match.group("librae")
    shillings, pence = match.group("shillings"), match.group("pence") or match.group("bare")
    if not (match.group("shillings") or pence or match.group("librae")):
        return match.group(0)
    if shillings and not (pounds or pence) and shillings.endswith("0") and \
            _DECADE_BEFORE.search(match.string, 0, match.start()):
        return match.group(0)  # "in the 40s.": the forties
    parts = []
    if pounds:
        parts.append(_count(pounds.replace(",", ""), "pound", "pounds"))
    if shillings and shillings != "0":
        parts.append(_count(shillings, "shilling", "shillings"))
    said_pence = _pence(match) if pence and pence.strip() not in ("0",) else ""
    said = " ".join(parts)
    if said_pence:
        said = f"{said} and {said_pence}" if said else said_pence
    if not said:
        said = "nothing"
    if ends_sentence(match.string, match.end()):
        said += "."
    return said


def _modern(match: re.Match[str], sign: str) -> str:
    amount = match.group("amount").replace(",", "")
    one, many = _NAMES[sign]
    small = match.group("cents") if sign != "£" else match.group("pence")
    scale = match.group("scale") or ""
    if match.group("note"):  # "fifty £1,000 notes": "fifty one thousand pound notes"
        return f"{number(amount)}{scale} {one}{match.group('note')}"
    said = f"{number(amount)}{scale} {many}" if scale else _count(amount, one, many)
    if small and small != "00":
        small_one, small_many = _SMALL[sign]
        half = match.group("half") if sign != "£" else None  # "$8.03½": 3½ cents
        cents = f"{number(small.lstrip('0'))}{half} {small_many}" if half else \
            _count(small.lstrip("0"), small_one, small_many)
        if amount == "0":
            return cents
        said += f" and {cents}" if sign != "£" else f" {number(small.lstrip('0'))}"
    return said


def say_money(text: str) -> str:
    """Every sum of money in a paragraph said in words."""
    if "£," in text or "£ " in text:
        text = _COLUMNS.sub(lambda m: "pounds, shillings, pence" + (
            "." if m.group(1) and ends_sentence(m.string, m.end()) else ""), text)
    if "£" in text or _OLD_COIN.search(text):
        text = _OLD_MONEY.sub(lambda m: _old_money(m) if m.group(0) else "", text)
    if "£" in text:
        text = _POUNDS.sub(lambda m: _modern(m, "£"), text)
    if "$" in text or "€" in text:
        text = _DOLLARS.sub(lambda m: _modern(m, m.group("sign")), text)
    if "¢" in text or "c." in text:
        text = _CENTS.sub(lambda m: _count(m.group(1), "cent", "cents"), text)
    return text
