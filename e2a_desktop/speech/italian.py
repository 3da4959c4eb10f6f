"""The Italian front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Sig." and "Dott.", reads "1.000" as one point zero and
"Luigi XIV" letter by letter. A ruler's, a chapter's and a century's number is an
ordinal in Italian ("Luigi quattordicesimo", "capitolo primo", "secolo sedicesimo");
"uno" agrees with its noun ("un anno", "una casa", "un'ora", "ventun anni").
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

_UPPER = "A-ZÀÈÉÌÒÙ"
_MONTHS = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre " \
          "novembre dicembre"


def _said(word: str) -> Replacement:
    def one(match: re.Match[str]) -> str:
        return capital(word) if opens_sentence(match.string, match.start(), "it") else word
    return one


def _end_stop(word: str) -> Replacement:
    def one(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip(" \"')»")
        return word + ("." if not rest or rest[0].isupper() else "")
    return one


_NAME = rf"(?=\s+[{_UPPER}])"
_ABBREVIATIONS: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"\ba\.\s?C\.", _end_stop("avanti Cristo")),
        (r"\bd\.\s?C\.", _end_stop("dopo Cristo")),
        (r"\bp\.\s?es\.", "per esempio"),
        (r"\bad es\.", "ad esempio"),
        (r"\bS\.\s?M\.", _said("Sua Maestà")),
        (r"\becc\.", _end_stop("eccetera")),
        (r"\bSig\.ra\b\.?", _said("signora")),
        (r"\bSig\.na\b\.?", _said("signorina")),
        (r"\bSigg\.", _said("signori")),
        (rf"\bSig\.{_NAME}", _said("signor")),
        (r"\bSig\.", _said("signore")),
        (r"\bDott\.ssa\b\.?", _said("dottoressa")),
        (r"\bDott\.", _said("dottor")),
        (r"\bProf\.ssa\b\.?", _said("professoressa")),
        (r"\bProf\.", _said("professor")),
        (r"\bAvv\.", _said("avvocato")),
        (r"\bIng\.", _said("ingegner")),
        (r"\bOn\.", _said("onorevole")),
        (r"\bMons\.", _said("monsignor")),
        (r"\bcfr\.", "confronta"),
        (r"\bpagg\.", "pagine"),
        (r"\bpag\.", "pagina"),
        (r"\b[nN]\.\s?(?=\d)", "numero "),
        (r"\bvol\.", "volume"),
        (r"\bcap\.", "capitolo"),
        (r"\bsec\.", "secolo"),
        (r"\bca\.", "circa"),
    ))

_MASCULINE_A = word_set("problema problemi tema poeta papa programma sistema giorno clima "
                        "dramma poema pianeta")
_CURRENCIES = {
    "€": Currency("euro", "euro"), "L.": Currency("lira", "lire", feminine=True),
    "$": Currency("dollaro", "dollari"), "£": Currency("sterlina", "sterline", True),
}
_MONEY_AFTER = re.compile(rf"(?<![\w.,]){AMOUNT}\s?(€|\$|£)")
_MONEY_BEFORE = re.compile(rf"(€|\$|£|L\.)\s?{AMOUNT}(?![\w,]\d)")
_TIME = re.compile(r"(?<=\b[Aa]lle )(\d{1,2})[.:](\d\d)\b|(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_FIRST_OF = re.compile(rf"\b1[oº]?(?= (?:{_MONTHS.replace(' ', '|')})\b)")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})([oa])(?![\w'])")
_NUMBERED = re.compile(r"\b(capitolo|libro|tomo|parte|atto|scena|canto|volume|secolo|Capitolo|"
                       r"Libro|Tomo|Parte|Atto|Scena|Canto|Volume|CAPITOLO|LIBRO|PARTE|ATTO|"
                       r"SCENA|CANTO)\s+([IVXLC]+)(?![\w'])")
_ROMAN_BEFORE = re.compile(r"\b([IVXLC]+) (secolo|Secolo|canto|libro)\b")
_REGNAL = re.compile(rf"\b([{_UPPER}][a-zàèéìòù]+) ([IVX]+)(?![\w'-]|\.\w)")
_NOT_NAMES = word_set("Capitolo Libro Tomo Parte Atto Scena Canto Volume Secolo Pagina Numero "
                      "Tavola Figura Appendice")
_FEMININE_NAMES = word_set("Elisabetta Maria Giovanna Margherita Caterina Vittoria Isabella")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})(?![\w/])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_PERCENT = re.compile(r"(\d)\s?%")
_HEADING_NUMERAL = re.compile(r"^([IVXLC]+)\.?$")
_ELIDED = re.compile(r"\bun' (?=[aeiouAEIOU])")
_FUNCTION_WORDS = word_set("e o di a da in con su per tra fra che il lo la i gli le un una del "
                           f"della dei delle al alla nel nella è era {_MONTHS}")


def _is_feminine(noun: str) -> bool:
    return noun not in _MASCULINE_A and noun.endswith(("a", "e")) and not noun.endswith("ore")


def _agree(said: str, value: int, word: str) -> str:
    """ "1 anno" → "un anno", "1 casa" → "una casa", "1 ora" → "un'ora", "21 anni" →
    "ventun anni"."""
    if not said.endswith("uno") or not word or not word[0].islower() or word in _FUNCTION_WORDS:
        return said
    stem = said[:-3].removesuffix("o") if len(said) > 3 else ""  # "centouno": "centun"
    if _is_feminine(word):
        return stem + ("un'" if said == "uno" and word[0] in "aeiou" else "una")
    return stem + "un"


def _rank(value: int, female: bool) -> str:
    said = ordinal(value, "it")
    return said[:-1] + "a" if female else said


def _money(match: re.Match[str], before: bool) -> str:
    symbol, whole, cents = (match.group(1), match.group(2), match.group(3)) if before else \
        (match.group(3), match.group(1), match.group(2))
    said = say_amount(whole, cents, _CURRENCIES[symbol], "it", "e",
                      lambda s, fem: _agree(s, 0, "lira" if fem else "euro"))
    return capital(said) if opens_sentence(match.string, match.start(), "it") else said


def _time(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1) or match.group(3)), int(match.group(2) or match.group(4))
    if hours > 24 or minutes > 59:
        return match.group(0)
    said = "una" if hours == 1 else cardinal(hours, "it")
    if minutes:
        said += " e " + {15: "un quarto", 30: "mezza"}.get(minutes, cardinal(minutes, "it"))
    return capital(said) if opens_sentence(match.string, match.start(), "it") else said


def _ordinal(match: re.Match[str]) -> str:
    said = _rank(int(match.group(1)), match.group(2) == "a")
    return capital(said) if opens_sentence(match.string, match.start(), "it") else said


def _numbered(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(2))
    if value is None:
        return match.group(0)
    return f"{match.group(1)} {_rank(value, match.group(1).lower() in ('parte', 'scena'))}"


def _roman_before(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(1))
    return match.group(0) if value is None else f"{_rank(value, False)} {match.group(2)}"


def _regnal(match: re.Match[str]) -> str:
    """ "Luigi XIV" → "Luigi quattordicesimo", "Elisabetta II" → "Elisabetta seconda"."""
    name, value = match.group(1), roman_to_int(match.group(2))
    if not value or name in _NOT_NAMES:
        return match.group(0)
    return f"{name} {_rank(value, name in _FEMININE_NAMES)}"


def _fraction(match: re.Match[str]) -> str:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator < 2 or numerator == 0:
        return match.group(0)
    if denominator == 2:
        said = "mezzo" if numerator == 1 else f"{cardinal(numerator, 'it')} mezzi"
    else:
        name = ordinal(denominator, "it")
        said = f"un {name}" if numerator == 1 else f"{cardinal(numerator, 'it')} {name[:-1]}i"
    return capital(said) if opens_sentence(match.string, match.start(), "it") else said


def _range(match: re.Match[str]) -> str:
    """ "dal 1805-1875" → "dal 1805 al 1875"; a bare "(1805-1875)" as two figures."""
    after_dal = match.string[max(0, match.start() - 4):match.start()].lower() == "dal "
    return f"{match.group(1)} al {match.group(2)}" if after_dal else \
        f"{match.group(1)}, {match.group(2)}"


def say_italian(paragraph: str) -> str:
    """One paragraph of Italian text as a narrator says it."""
    heading = _HEADING_NUMERAL.match(paragraph)
    if heading and roman_to_int(heading.group(1)):
        return capital(cardinal(roman_to_int(heading.group(1)) or 0, "it")) + "."
    text = substitute(paragraph, _ABBREVIATIONS) if "." in paragraph else paragraph
    if any(c.isdigit() for c in text):
        text = _MONEY_AFTER.sub(lambda m: _money(m, before=False), text)
        text = _MONEY_BEFORE.sub(lambda m: _money(m, before=True), text)
        text = _TIME.sub(_time, text)
        text = _PERCENT.sub(r"\1 per cento", text)
        text = _FIRST_OF.sub("primo", text)
    if any(c in text for c in "IVXLC"):
        text = _NUMBERED.sub(_numbered, text)
        text = _ROMAN_BEFORE.sub(_roman_before, text)
        text = _REGNAL.sub(_regnal, text)
    if any(c.isdigit() for c in text):
        text = _ORDINAL.sub(_ordinal, text)
        text = _FRACTION.sub(_fraction, text)
        text = _RANGE.sub(_range, text)
        text = say_numbers(text, "it", _agree)
    if "un' " in text:
        text = _ELIDED.sub("un'", text)
    return tidy(drop_stops_inside(text, "it"))
