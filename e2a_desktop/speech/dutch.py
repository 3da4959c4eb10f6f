"""The Dutch front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "dhr.", "bijv." and "enz.", reads "1.000" as one point zero
and "Willem III" letter by letter. Years are said in hundreds ("achttienhonderdeenentachtig"),
a ruler's number as "de Derde", and "1e", "16de" as ordinals.
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from .passes import (
    AMOUNT,
    Currency,
    Replacement,
    capital,
    drop_stops_inside,
    opens_sentence,
    say_amount,
    say_numbers,
    substitute,
    tidy,
    word_set,
)
from .words_intl import cardinal, ordinal

_UPPER = "A-ZÁÉÍÓÚËÏÖÜ"
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november " \
          "december"


def _said(word: str) -> Replacement:
    def one(match: re.Match[str]) -> str:
        return capital(word) if opens_sentence(match.string, match.start(), "nl") else word
    return one


def _end_stop(word: str) -> Replacement:
    def one(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip(" \"')")
        return word + ("." if not rest or rest[0].isupper() else "")
    return one


_ABBREVIATIONS: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"\bv\.\s?Chr\.", _end_stop("voor Christus")),
        (r"\bn\.\s?Chr\.", _end_stop("na Christus")),
        (r"\bd\.\s?w\.\s?z\.", "dat wil zeggen"),
        (r"\bm\.\s?a\.\s?w\.", "met andere woorden"),
        (r"\bt\.\s?o\.\s?v\.", "ten opzichte van"),
        (r"\bi\.\s?p\.\s?v\.", "in plaats van"),
        (r"\bo\.\s?a\.", "onder andere"),
        (r"\bb\.\s?v\.", "bijvoorbeeld"),
        (r"\ba\.\s?s\.", "aanstaande"),
        (r"\bbijv\.", "bijvoorbeeld"),
        (r"\benz\.", _end_stop("enzovoort")),
        (r"\betc\.", _end_stop("et cetera")),
        (r"(?<=\d )ct\.", _end_stop("cent")),
        (r"\b[dD]hr\.", _said("de heer")),
        (r"\b[mM]evr\.", _said("mevrouw")),
        (r"\b[mM]w\.", _said("mevrouw")),
        (rf"\b[mM]r\.(?=\s+[{_UPPER}])", _said("meester")),
        (rf"\b[dD]rs\.(?=\s+[{_UPPER}])", _said("doctorandus")),
        (rf"\b[dD]r\.(?=\s+[{_UPPER}])", _said("doctor")),
        (rf"\b[iI]r\.(?=\s+[{_UPPER}])", _said("ingenieur")),
        (r"\b[pP]rof\.", _said("professor")),
        (r"\bnl\.", "namelijk"),
        (r"\bblz\.", "bladzijde"),
        (r"\b[nN]r\.", "nummer"),
        (r"\b[nN]o\.\s?(?=\d)", "nummer "),
        (r"\bca\.", "circa"),
        (r"\bvgl\.", "vergelijk"),
        (r"\bresp\.", "respectievelijk"),
        (r"\bjl\.", "jongstleden"),
        (rf"\bSt\.(?=\s+[{_UPPER}])", "Sint"),
    ))

_CURRENCIES = {
    "€": Currency("euro", "euro"), "ƒ": Currency("gulden", "gulden"),
    "f": Currency("gulden", "gulden"), "fl.": Currency("gulden", "gulden"),
    "$": Currency("dollar", "dollar"), "£": Currency("pond", "pond"),
}
_MONEY_BEFORE = re.compile(rf"(€|ƒ|\$|£|\bf|\bfl\.)\s?{AMOUNT}(?![\w,]\d)")
_MONEY_AFTER = re.compile(rf"(?<![\w.,]){AMOUNT}\s?(€)")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})(?:[.:](\d\d))?\s?uur\b|(?<![\w.,:])(\d{1,2}):(\d\d)"
                   r"(?![\d:])")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})(?:e|de|ste)(?![\w'])")
_ROMAN_ORDINAL = re.compile(r"\b(?![LC]e\b)([IVXLC]+)(?:e|de|ste)(?![\w'])")
_NUMBERED = re.compile(r"\b(hoofdstuk|deel|boek|bedrijf|toneel|zang|Hoofdstuk|Deel|Boek|"
                       r"Bedrijf|Toneel|Zang|HOOFDSTUK|DEEL|BOEK)\s+([IVXLC]+)(?![\w'])")
_REGNAL = re.compile(rf"\b([{_UPPER}][a-záéíóúëïöü]+) ([IVX]+)(?![\w'-]|\.\w)")
_NOT_NAMES = word_set("Hoofdstuk Deel Boek Bedrijf Toneel Zang Bladzijde Nummer Bijlage Figuur")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})(?![\w/])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_PERCENT = re.compile(r"(\d)\s?%")
_YEAR = re.compile(r"(?<![\w.,])(1[1-9]\d\d)(?![\w]|[.,]\d)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*$")
_NEXT = re.compile(r"\s+([^\W\d_]+)")
_HEADING_NUMERAL = re.compile(r"^([IVXLC]+)\.?$")
_VERBS = word_set("was is waren werden hadden kwamen begonnen zagen bleven stonden lagen gingen "
                  "brachten")
"""Verbs after a year ("1813 was het jaar"): not the plural noun a count stands before."""
_YEAR_CUES = word_set(f"in sinds tot van jaar anno omstreeks rond na voor en of tussen {_MONTHS} "
                      "In Sinds Tot Van Anno Omstreeks Rond Na Voor Tussen")


def _whole(value: int) -> str:
    """num2words writes "één" inside compounds ("honderdéén"): the accent is for one alone."""
    said = cardinal(value, "nl")
    return said if value == 1 else said.replace("één", "een")


def _agree(said: str, value: int, word: str) -> str:
    """ "1 boek" stays "één boek" (a figure is the number); "honderdéén" is "honderdeen"."""
    return said if said == "één" else said.replace("één", "een")


def _money(match: re.Match[str], before: bool) -> str:
    symbol, whole, cents = (match.group(1), match.group(2), match.group(3)) if before else \
        (match.group(3), match.group(1), match.group(2))
    said = say_amount(whole, cents, _CURRENCIES[symbol], "nl", "",
                      lambda s, fem: "een" if s == "één" else s.replace("één", "een"))
    return capital(said) if opens_sentence(match.string, match.start(), "nl") else said


def _time(match: re.Match[str]) -> str:
    hours = int(match.group(1) or match.group(3))
    minutes = match.group(2) or match.group(4)
    if hours > 24 or (minutes and int(minutes) > 59):
        return match.group(0)
    said = f"{_whole(hours)} uur"
    if minutes and int(minutes):
        said += " " + _whole(int(minutes))
    return capital(said) if opens_sentence(match.string, match.start(), "nl") else said


def _ordinal(match: re.Match[str]) -> str:
    token = match.group(1)
    value = int(token) if token.isdigit() else roman_to_int(token)
    if not value:
        return match.group(0)
    said = ordinal(value, "nl")
    return capital(said) if opens_sentence(match.string, match.start(), "nl") else said


def _numbered(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(2))
    return match.group(0) if value is None else f"{match.group(1)} {_whole(value)}"


def _regnal(match: re.Match[str]) -> str:
    """ "Willem III" → "Willem de Derde"."""
    name, value = match.group(1), roman_to_int(match.group(2))
    if not value or name in _NOT_NAMES:
        return match.group(0)
    return f"{name} de {capital(ordinal(value, 'nl'))}"


def _fraction(match: re.Match[str]) -> str:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator < 2 or numerator == 0:
        return match.group(0)
    count = "een" if numerator == 1 else _whole(numerator)
    name = {2: "half" if numerator == 1 else "halve", 4: "kwart"}.get(
        denominator, ordinal(denominator, "nl"))
    said = f"{count} {name}"
    return capital(said) if opens_sentence(match.string, match.start(), "nl") else said


def _year(match: re.Match[str]) -> str:
    """ "1881" → "achttienhonderdeenentachtig", unless it counts ("1500 soldaten")."""
    following = _NEXT.match(match.string, match.end())
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 30), match.start())
    cued = before is not None and before.group(1) in _YEAR_CUES
    if following and following.group(1).endswith(("en", "s")) and not cued \
            and following.group(1) not in _VERBS:
        return match.group(0)
    hundreds, rest = divmod(int(match.group(1)), 100)
    said = _whole(hundreds) + "honderd" + (_whole(rest) if rest else "")
    return capital(said) if opens_sentence(match.string, match.start(), "nl") else said


def say_dutch(paragraph: str) -> str:
    """One paragraph of Dutch text as a narrator says it."""
    heading = _HEADING_NUMERAL.match(paragraph)
    if heading and roman_to_int(heading.group(1)):
        return capital(_whole(roman_to_int(heading.group(1)) or 0)) + "."
    text = substitute(paragraph, _ABBREVIATIONS) if "." in paragraph else paragraph
    if any(c.isdigit() for c in text):
        text = _MONEY_BEFORE.sub(lambda m: _money(m, before=True), text)
        text = _MONEY_AFTER.sub(lambda m: _money(m, before=False), text)
        text = _TIME.sub(_time, text)
        text = _PERCENT.sub(r"\1 procent", text)
    if any(c in text for c in "IVXLC"):
        text = _NUMBERED.sub(_numbered, text)
        text = _ROMAN_ORDINAL.sub(_ordinal, text)
        text = _REGNAL.sub(_regnal, text)
    if any(c.isdigit() for c in text):
        text = _ORDINAL.sub(_ordinal, text)
        text = _FRACTION.sub(_fraction, text)
        text = _RANGE.sub(r"\1 tot \2", text)
        text = _YEAR.sub(_year, text)
        text = say_numbers(text, "nl", _agree)
    return tidy(drop_stops_inside(text, "nl"))
