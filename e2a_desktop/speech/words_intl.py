"""Numbers in words for the languages other than English, on top of num2words.

num2words is right about the numbers themselves; what it says is not always what a
narrator says ("eintausend" for "tausend", "décimo sexto" for "decimosexto", Spanish
"punto" for the decimal comma, no feminine forms). The fixes live here, so each
language's front end asks for a cardinal, an ordinal or a decimal and gets speech.
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

_DIGIT_NAMES = {"fr": "zéro", "de": "null", "es": "cero", "it": "zero", "pt": "zero", "nl": "nul"}
_DECIMAL_WORD = {"fr": "virgule", "de": "Komma", "es": "coma", "it": "virgola", "pt": "vírgula",
                 "nl": "komma"}
_LEADING_EIN = re.compile(r"^ein(?=hundert|tausend)")
_ES_ORDINAL_TENS = re.compile(r"\b(décimo|vigésimo|trigésimo|cuadragésimo|quincuagésimo|"
                              r"sexagésimo|septuagésimo|octogésimo|nonagésimo) ?(?=\w)")
_ES_UNACCENTED = {"décimo": "decimo", "vigésimo": "vigesimo", "trigésimo": "trigesimo"}


@lru_cache(maxsize=4096)
def cardinal(value: int, language: str) -> str:
    """ "1881", "de" → "tausendachthunderteinundachtzig" (narrators drop the leading "ein")."""
    said = str(num2words(value, lang=language))
    if language == "de":
        said = _LEADING_EIN.sub("", said)
    elif language == "it" and value > 3 and said.endswith("tre"):
        said = said[:-3] + "tré"  # "settecentocinquantatré"
    return said


def feminine(said: str, language: str) -> str:
    """A cardinal before a feminine noun: "un" → "une", "veintiuno" → "veintiuna",
    "doscientos" → "doscientas" (the hundreds agree in Spanish and Portuguese)."""
    if language == "fr":
        return re.sub(r"\bun$", "une", said)
    if language == "de":
        return re.sub(r"^eins$", "eine", said)
    if language in ("es", "it", "pt"):
        said = re.sub(r"uno$", "una", said) if language != "pt" else \
            re.sub(r"\bum$", "uma", re.sub(r"\bdois$", "duas", said))
        if language in ("es", "pt"):
            said = re.sub(r"ientos\b", "ientas", said)
            said = re.sub(r"\b(quinhentos|trezentos|duzentos|quatrocentos|seiscentos|setecentos|"
                          r"oitocentos|novecentos)\b", lambda m: m.group(1)[:-2] + "as", said)
            said = re.sub(r"\b(quinientos)\b", "quinientas", said)
    return said


def before_noun(said: str, language: str) -> str:
    """A cardinal before a noun: German "eins Jahr" is "ein Jahr", Spanish "veintiuno años"
    is "veintiún años"."""
    if language == "de":
        return re.sub(r"eins$", "ein", said)
    if language == "es":
        said = re.sub(r"\buno$", "un", said)
        return re.sub(r"veintiuno$", "veintiún", said)
    return said


@lru_cache(maxsize=1024)
def ordinal(value: int, language: str) -> str:
    """ "16", "fr" → "seizième"; Spanish compounds written as one word ("decimosexto")."""
    said = str(num2words(value, lang=language, to="ordinal"))
    if language == "es":
        said = _ES_ORDINAL_TENS.sub(lambda m: _ES_UNACCENTED.get(m.group(1), m.group(1)), said)
        said = said.replace("decimoprimero", "undécimo").replace("decimosegundo", "duodécimo")
    if language == "fr" and value == 1:
        said = "premier"
    return said


def decimal(whole: str, digits: str, language: str) -> str:
    """ "3", "14" → "trois virgule quatorze"; German says the decimals digit by digit
    ("drei Komma eins vier"), and every language says a leading zero ("zéro cinq")."""
    said = cardinal(int(whole), language) + " " + _DECIMAL_WORD[language] + " "
    if language == "de" or len(digits) > 3:
        return said + " ".join(cardinal(int(d), language) for d in digits)
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits.lstrip("0")
    words = [_DIGIT_NAMES[language]] * zeros + ([cardinal(int(rest), language)] if rest else [])
    return said + " ".join(words)


def digits_said(digits: str, language: str) -> str:
    """A long run of digits (a serial, a telephone number): said digit by digit."""
    return " ".join(cardinal(int(d), language) for d in digits)
