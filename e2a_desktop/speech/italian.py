"""The Italian front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Sig." and "Dott.", reads "1.000" as one point zero and
"Luigi XIV" letter by letter. A ruler's, a chapter's and a century's number is an
ordinal in Italian ("Luigi quattordicesimo", "capitolo primo", "secolo sedicesimo");
"uno" agrees with its noun ("un anno", "una casa", "un'ora", "ventun anni").
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from . import engine
from .engine import Language, Money, end_stop, said
from .passes import Currency, word_set
from .words_intl import cardinal, ordinal

_UPPER = "A-ZÀÈÉÌÒÙ"
_MONTHS = "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre " \
          "novembre dicembre"


_NAME = rf"(?=\s+[{_UPPER}])"
_ABBREVIATIONS = engine.abbreviations(
    (r"\ba\.\s?C\.", end_stop("avanti Cristo")),
    (r"\bd\.\s?C\.", end_stop("dopo Cristo")),
    (r"\bp\.\s?es\.", "per esempio"),
    (r"\bad es\.", "ad esempio"),
    (r"\bS\.\s?M\.", said("Sua Maestà", "it")),
    (r"\becc\.", end_stop("eccetera")),
    (r"\bSig\.ra\b\.?", said("signora", "it")),
    (r"\bSig\.na\b\.?", said("signorina", "it")),
    (r"\bSigg\.", said("signori", "it")),
    (rf"\bSig\.{_NAME}", said("signor", "it")),
    (r"\bSig\.", said("signore", "it")),
    (r"\bDott\.ssa\b\.?", said("dottoressa", "it")),
    (r"\bDott\.", said("dottor", "it")),
    (r"\bProf\.ssa\b\.?", said("professoressa", "it")),
    (r"\bProf\.", said("professor", "it")),
    (r"\bAvv\.", said("avvocato", "it")),
    (r"\bIng\.", said("ingegner", "it")),
    (r"\bOn\.", said("onorevole", "it")),
    (r"\bMons\.", said("monsignor", "it")),
    (r"\bcfr\.", "confronta"),
    (r"\bpagg\.", "pagine"),
    (r"\bpag\.", "pagina"),
    (r"\b[nN][.º]\s?(?=\d)", "numero "),
    (r"\b[nN]º", "numero"),
    (r"\bvol\.", "volume"),
    (r"\bcap\.", "capitolo"),
    (r"\bsec\.", "secolo"),
    (r"\bca\.", "circa"),
)

_MASCULINE_A = word_set("problema problemi tema poeta papa programma sistema giorno clima "
                        "dramma poema pianeta")
_CURRENCIES = {
    "€": Currency("euro", "euro"), "L.": Currency("lira", "lire", feminine=True),
    "$": Currency("dollaro", "dollari"), "£": Currency("sterlina", "sterline", True),
}
_MONEY = Money(_CURRENCIES, after=r"€|\$|£", before=r"€|\$|£|L\.", cents_joiner="e",
               agree=lambda said, fem: _agree(said, 0, "lira" if fem else "euro"))
_TIME = re.compile(r"(?<=\b[Aa]lle )(\d{1,2})[.:](\d\d)\b|(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_FIRST_OF = re.compile(rf"\b1[oº]?(?= (?:{_MONTHS.replace(' ', '|')})\b)")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})([oa])(?![\w'])")
_NUMBERED_NOUNS = "capitolo libro tomo parte atto scena canto volume secolo"
_ROMAN_BEFORE = re.compile(r"\b([IVXLC]+) (secolo|Secolo|canto|libro)\b")
_NOT_NAMES = word_set("Capitolo Libro Tomo Parte Atto Scena Canto Volume Secolo Pagina Numero "
                      "Tavola Figura Appendice")
_FEMININE_NAMES = word_set("Elisabetta Maria Giovanna Margherita Caterina Vittoria Isabella")
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


def _time(hours: int, minutes: int | None) -> str:
    said = "una" if hours == 1 else cardinal(hours, "it")
    if minutes:
        said += " e " + {15: "un quarto", 30: "mezza"}.get(minutes, cardinal(minutes, "it"))
    return said


def _ordinal(match: re.Match[str]) -> str:
    return _rank(int(match.group(1)), match.group(2) == "a")


def _numbered(match: re.Match[str], noun: str, value: int) -> str:
    return f"{noun} {_rank(value, noun.lower() in ('parte', 'scena'))}"


def _roman_before(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(1))
    return match.group(0) if value is None else f"{_rank(value, False)} {match.group(2)}"


def _regnal(match: re.Match[str], name: str, value: int) -> str:
    """ "Luigi XIV" → "Luigi quattordicesimo", "Elisabetta II" → "Elisabetta seconda"."""
    return f"{name} {_rank(value, name in _FEMININE_NAMES)}"


def _fraction(numerator: int, denominator: int) -> str:
    if denominator == 2:
        return "mezzo" if numerator == 1 else f"{cardinal(numerator, 'it')} mezzi"
    name = ordinal(denominator, "it")
    return f"un {name}" if numerator == 1 else f"{cardinal(numerator, 'it')} {name[:-1]}i"


def _range(match: re.Match[str]) -> str:
    """ "dal 1805-1875" → "dal 1805 al 1875"; a bare "(1805-1875)" as two figures."""
    after_dal = match.string[max(0, match.start() - 4):match.start()].lower() == "dal "
    return f"{match.group(1)} al {match.group(2)}" if after_dal else \
        f"{match.group(1)}, {match.group(2)}"


ITALIAN = Language("it", (
    engine.ampersand("e", "ecc."),
    _ABBREVIATIONS,
    engine.money("it", _MONEY),
    engine.clock("it", _TIME, _time),
    engine.percent("per cento"),
    engine.sub(_FIRST_OF, "primo", engine.DIGITS),
    engine.numbered(_NUMBERED_NOUNS, _numbered, digits=False),
    engine.sub(_ROMAN_BEFORE, _roman_before, engine.ROMAN),
    engine.regnal(rf"[{_UPPER}][a-zàèéìòù]+", _regnal, _NOT_NAMES),
    engine.sub(_ORDINAL, _ordinal, engine.DIGITS, sentence="it"),
    engine.fraction("it", _fraction),
    engine.ranges(_range),
    engine.numbers("it", _agree),
    engine.sub(_ELIDED, "un'", engine.any_of("'")),
), whole=lambda value: cardinal(value, "it"))
