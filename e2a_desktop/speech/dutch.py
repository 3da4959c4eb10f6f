"""The Dutch front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "dhr.", "bijv." and "enz.", reads "1.000" as one point zero
and "Willem III" letter by letter. Years are said in hundreds ("achttienhonderdeenentachtig"),
a ruler's number as "de Derde", and "1e", "16de" as ordinals.
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from . import engine
from .engine import Language, Money, end_stop, said
from .passes import Currency, capital, word_set
from .words_intl import cardinal, ordinal

_UPPER = "A-ZÁÉÍÓÚËÏÖÜ"
_MONTHS = "januari februari maart april mei juni juli augustus september oktober november " \
          "december"


_ABBREVIATIONS = engine.abbreviations(
    (r"\bv\.\s?Chr\.", end_stop("voor Christus")),
    (r"\bn\.\s?Chr\.", end_stop("na Christus")),
    (r"\bd\.\s?w\.\s?z\.", "dat wil zeggen"),
    (r"\bm\.\s?a\.\s?w\.", "met andere woorden"),
    (r"\bt\.\s?o\.\s?v\.", "ten opzichte van"),
    (r"\bi\.\s?p\.\s?v\.", "in plaats van"),
    (r"\bo\.\s?a\.", "onder andere"),
    (r"\bb\.\s?v\.", "bijvoorbeeld"),
    (r"\ba\.\s?s\.", "aanstaande"),
    (r"\bbijv\.", "bijvoorbeeld"),
    (r"\benz\.", end_stop("enzovoort")),
    (r"\betc\.", end_stop("et cetera")),
    (r"(?<=\d )ct\.", end_stop("cent")),
    (r"\b[dD]hr\.", said("de heer", "nl")),
    (r"\b[mM]evr\.", said("mevrouw", "nl")),
    (r"\b[mM]w\.", said("mevrouw", "nl")),
    (rf"\b[mM]r\.(?=\s+[{_UPPER}])", said("meester", "nl")),
    (rf"\b[dD]rs\.(?=\s+[{_UPPER}])", said("doctorandus", "nl")),
    (rf"\b[dD]r\.(?=\s+[{_UPPER}])", said("doctor", "nl")),
    (rf"\b[iI]r\.(?=\s+[{_UPPER}])", said("ingenieur", "nl")),
    (r"\b[pP]rof\.", said("professor", "nl")),
    (r"\bnl\.", "namelijk"),
    (r"\bblz\.", "bladzijde"),
    (r"\b[nN]r\.", "nummer"),
    (r"\b[nN](?:o\.|º)\s?(?=\d)", "nummer "),
    (r"\b[nN]º", "nummer"),
    (r"\bca\.", "circa"),
    (r"\bvgl\.", "vergelijk"),
    (r"\bresp\.", "respectievelijk"),
    (r"\bjl\.", "jongstleden"),
    (rf"\bSt\.(?=\s+[{_UPPER}])", "Sint"),
)

_CURRENCIES = {
    "€": Currency("euro", "euro"), "ƒ": Currency("gulden", "gulden"),
    "f": Currency("gulden", "gulden"), "fl.": Currency("gulden", "gulden"),
    "$": Currency("dollar", "dollar"), "£": Currency("pond", "pond"),
}
_MONEY = Money(_CURRENCIES, after=r"€", before=r"€|ƒ|\$|£|\bf|\bfl\.", cents_joiner="",
               agree=lambda said, fem: "een" if said == "één" else said.replace("één", "een"),
               before_first=True)
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})(?:[.:](\d\d))?\s?uur\b|(?<![\w.,:])(\d{1,2}):(\d\d)"
                   r"(?![\d:])")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})(?:e|de|ste)(?![\w'])")
_ROMAN_ORDINAL = re.compile(r"\b(?![LC]e\b)([IVXLC]+)(?:e|de|ste)(?![\w'])")
_NUMBERED_NOUNS = "hoofdstuk deel boek bedrijf toneel zang"
_NOT_NAMES = word_set("Hoofdstuk Deel Boek Bedrijf Toneel Zang Bladzijde Nummer Bijlage Figuur")
_YEAR = re.compile(r"(?<![\w.,])(1[1-9]\d\d)(?![\w]|[.,]\d)")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*$")
_NEXT = re.compile(r"\s+([^\W\d_]+)")
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


def _time(hours: int, minutes: int | None) -> str:
    return f"{_whole(hours)} uur" + (" " + _whole(minutes) if minutes else "")


def _ordinal(match: re.Match[str]) -> str:
    token = match.group(1)
    value = int(token) if token.isdigit() else roman_to_int(token)
    return ordinal(value, "nl") if value else match.group(0)


def _numbered(match: re.Match[str], noun: str, value: int) -> str:
    return f"{noun} {_whole(value)}"


def _regnal(match: re.Match[str], name: str, value: int) -> str:
    """ "Willem III" → "Willem de Derde"."""
    return f"{name} de {capital(ordinal(value, 'nl'))}"


def _fraction(numerator: int, denominator: int) -> str:
    count = "een" if numerator == 1 else _whole(numerator)
    name = {2: "half" if numerator == 1 else "halve", 4: "kwart"}.get(
        denominator, ordinal(denominator, "nl"))
    return f"{count} {name}"


def _year(match: re.Match[str]) -> str:
    """ "1881" → "achttienhonderdeenentachtig", unless it counts ("1500 soldaten")."""
    following = _NEXT.match(match.string, match.end())
    before = _WORD_BEFORE.search(match.string, max(0, match.start() - 30), match.start())
    cued = before is not None and before.group(1) in _YEAR_CUES
    if following and following.group(1).endswith(("en", "s")) and not cued \
            and following.group(1) not in _VERBS:
        return match.group(0)
    hundreds, rest = divmod(int(match.group(1)), 100)
    return _whole(hundreds) + "honderd" + (_whole(rest) if rest else "")


DUTCH = Language("nl", (
    engine.ampersand("en", "etc."),
    engine.enumerated("nl", lambda value: f"ten {ordinal(value, 'nl')}"),
    _ABBREVIATIONS,
    engine.money("nl", _MONEY),
    engine.clock("nl", _TIME, _time),
    engine.percent("procent"),
    engine.numbered(_NUMBERED_NOUNS, _numbered, digits=False),
    engine.sub(_ROMAN_ORDINAL, _ordinal, engine.ROMAN, sentence="nl"),
    engine.regnal(rf"[{_UPPER}][a-záéíóúëïöü]+", _regnal, _NOT_NAMES),
    engine.sub(_ORDINAL, _ordinal, engine.DIGITS, sentence="nl"),
    engine.fraction("nl", _fraction),
    engine.ranges(r"\1 tot \2"),
    engine.sub(_YEAR, _year, engine.DIGITS, sentence="nl"),
    engine.numbers("nl", _agree),
), whole=_whole)
