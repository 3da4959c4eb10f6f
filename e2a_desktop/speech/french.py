"""The French front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "M." ("ˈɛm. | dypˈɔ̃"), reads "XVIe" as "iksvi", "1.000" as
"un point zéro zéro zéro" and "10 h 30" letter by letter. Order matters: abbreviations
first (their stops), then money and times (they own the digits next to them), Roman
numerals, ordinals, fractions and last the plain numbers.
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
from .words_intl import cardinal, feminine, ordinal

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_NAME_NEXT = rf"(?=\s+(?:[{_UPPER}]|(?:le|la|de|du|des) |[ld]'))"
"""A title's abbreviation stands before a name: "M. Dupont", "M. de Villefort", "M. le maire"."""


def _end_stop(word: str) -> Replacement:
    """An abbreviation that may end the sentence ("etc."): its stop stays only there."""
    def one(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip(" \"')»")
        return word + ("." if not rest or rest[0].isupper() else "")
    return one


_ABBREVIATIONS: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"\bav\.\s?J\.-C\.", _end_stop("avant Jésus-Christ")),
        (r"\bapr\.\s?J\.-C\.", _end_stop("après Jésus-Christ")),
        (r"\bJ\.-C\.", _end_stop("Jésus-Christ")),
        (r"\bc\.-à-d\.|\bc-à-d\b\.?", "c'est-à-dire"),
        (r"\bp\.\s?ex\.", "par exemple"),
        (r"\betc\.", _end_stop("et cetera")),
        (rf"\bM\.{_NAME_NEXT}", "Monsieur"),
        (rf"\bMM\.{_NAME_NEXT}", "Messieurs"),
        (r"\bMmes\b\.?", "Mesdames"),
        (r"\bMme\b\.?", "Madame"),
        (r"\bMlles\b\.?", "Mesdemoiselles"),
        (r"\bMlle\b\.?", "Mademoiselle"),
        (r"\bMgr\b\.?", "Monseigneur"),
        (rf"\bMe\b\.?{_NAME_NEXT}", "Maître"),
        (rf"\bDr\b\.?{_NAME_NEXT}", "Docteur"),
        (rf"\bPr\b\.?{_NAME_NEXT}", "Professeur"),
        (rf"\bSte\b\.?(?=[\s-]+[{_UPPER}])", "Sainte"),
        (rf"\bSt\b\.?(?=[\s-]+[{_UPPER}])", "Saint"),
        (r"\b[Nn](?:o|°| degrés)\.?\s?(?=\d)", "numéro "),
        (r"\bpp\.\s?(?=\d)", "pages "),
        (r"\bp\.\s?(?=\d)", "page "),
        (r"\bchap\.\s?(?=\d|[IVXLC])", "chapitre "),
        (r"\bt\.\s?(?=\d|[IVXLC]+\b)", "tome "),
        (r"\bvol\.", "volume"),
        (r"\béd\.", "édition"),
        (r"\benv\.", "environ"),
        (r"\bcf\.", "confer"),
        (r"\bibid\.", "ibidem"),
        (r"\bCie\b\.?", "compagnie"),
        (r"\bboul\.", "boulevard"),
        (r"\bfig\.", "figure"),
        (r"\bS\.\s?M\.", "Sa Majesté"),
    ))

_FEMININE_NOUNS = word_set(
    "heure heures fois page pages année années semaine semaines minute minutes seconde "
    "secondes personne personnes femme femmes fille filles lieue lieues toise toises journée "
    "journées nuit nuits chose choses maison maisons ville villes lettre lettres ligne lignes "
    "partie parties voix vie vies porte portes rue rues table tables chambre chambres place "
    "places pièce pièces bouteille bouteilles tonne tonnes livre livres guinée guinées "
    "piastre piastres roupie roupies couronne couronnes lire lires fois âmes âme armée armées "
    "édition éditions leçon leçons victime victimes mille")
"""Nouns a number agrees with ("vingt et une heures", "une page"); "livre" is the pound."""

_CURRENCIES = {
    "€": Currency("euro", "euros"), "euros": Currency("euro", "euros"),
    "F": Currency("franc", "francs"), "fr.": Currency("franc", "francs"),
    "francs": Currency("franc", "francs"), "$": Currency("dollar", "dollars"),
    "£": Currency("livre", "livres", feminine=True),
    "centimes": Currency("centime", "centimes"), "c.": Currency("centime", "centimes"),
    "sous": Currency("sou", "sous"),
}
_MONEY_AFTER = re.compile(rf"(?<![\w.,]){AMOUNT}\s?(€|\$|£|F\b|fr\.|c\.(?=\s+[a-zà-ü]))")
_MONEY_BEFORE = re.compile(rf"(€|\$|£)\s?{AMOUNT}(?![\w,]\d)")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})\s?h(?:\.(?=\s+[a-zà-ü]))?\s?(\d\d)?(?![\w])"
                   r"|(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_ROMAN_ORDINAL = re.compile(r"\b(?![LC]e\b)([IVXLC]+)(er|re|ère|e|ème|è)(?![\w'])(\s?s\.)?")
_HEADING_NUMERAL = re.compile(r"^([IVXLC]+)\.?$")
_ORDINAL = re.compile(r"(?<![\w.,])(\d+)(er|re|ère|e|ème|è|eme|nd|nde|d|de)(s?)(?![\w'])")
_NUMBERED = re.compile(r"\b(chapitre|livre|tome|acte|scène|partie|volume|section|article|lettre|"
                       r"chant|leçon|CHAPITRE|LIVRE|TOME|ACTE|SCÈNE|PARTIE|LETTRE|CHANT|Chapitre|"
                       r"Livre|Tome|Acte|Scène|Partie|Volume|Section|Article|Lettre|Chant|Leçon)"
                       r"\s+(?:([IVXLC]+)|(\d+))(?![\w'])")
_FEMININE_NUMBERED = word_set("scène partie section lettre leçon")
_REGNAL = re.compile(rf"\b([{_UPPER}][a-zàâäçéèêëîïôöùûüÿ]+(?:-[{_UPPER}][a-zéèë]+)?)"
                     r" ([IVX]+)(?![\w'-]|\.\w)")
_NOT_NAMES = word_set("Chapitre Livre Tome Acte Scène Partie Volume Section Article Lettre "
                     "Chant Leçon Page Planche Figure Annexe Numéro Monsieur Madame Mademoiselle "
                     "Maître Docteur Messieurs Mesdames")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})(?![\w/])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_PERCENT = re.compile(r"(\d)\s?%")
_UNITS = {"km": "kilomètre", "m": "mètre", "cm": "centimètre", "mm": "millimètre",
          "kg": "kilogramme", "g": "gramme", "l": "litre", "ha": "hectare", "t": "tonne"}
_UNIT = re.compile(r"(?<![\w.,])(\d+(?:,\d+)?)\s?(km|cm|mm|kg|ha|m|g|l|t)\b(?![\w'-])")


def _agree(said: str, value: int, word: str) -> str:
    if said.endswith("un") and word.lower() in _FEMININE_NOUNS:
        return feminine(said, "fr")
    return said


def _unit(match: re.Match[str]) -> str:
    """ "3,75 km" → "3,75 kilomètres" (the plural from two on, as French counts)."""
    value = float(match.group(1).replace(",", "."))
    word = _UNITS[match.group(2)]
    return f"{match.group(1)} {word}{'s' if value >= 2 else ''}"


def _money(match: re.Match[str], before: bool) -> str:
    symbol, whole, cents = (match.group(1), match.group(2), match.group(3)) if before else \
        (match.group(3), match.group(1), match.group(2))
    currency = _CURRENCIES[symbol]
    said = say_amount(whole, cents, currency, "fr", "",
                      lambda s, fem: feminine(s, "fr") if fem else s)
    if symbol.endswith(".") and re.match(r"\s*(?:[\"')]*\s*$|[A-ZÀ-Ý])",
                                         match.string[match.end():]):
        said += "."  # "25 fr. Il partit": the stop also ends the sentence
    return capital(said) if opens_sentence(match.string, match.start(), "fr") else said


def _hours(value: int) -> str:
    said = feminine(cardinal(value, "fr"), "fr")
    return said + (" heure" if value <= 1 else " heures")


def _time(match: re.Match[str]) -> str:
    hours = int(match.group(1) or match.group(3))
    minutes = match.group(2) or match.group(4)
    if hours > 24 or (minutes and int(minutes) > 59):
        return match.group(0)
    said = _hours(hours)
    if minutes and int(minutes):
        said += " " + cardinal(int(minutes), "fr")
    return capital(said) if opens_sentence(match.string, match.start(), "fr") else said


def _roman_ordinal(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(1))
    if value is None:
        return match.group(0)
    said = _ordinal_word(value, match.group(2))
    return said + (" siècle" if match.group(3) else "")  # "au XVIe s."


def _ordinal_word(value: int, suffix: str) -> str:
    if value == 1:
        return "première" if suffix.startswith("r") else "premier"
    if value == 2 and suffix.startswith("nd"):
        return "seconde" if suffix.endswith("e") else "second"
    return ordinal(value, "fr")


def _ordinal(match: re.Match[str]) -> str:
    said = _ordinal_word(int(match.group(1)), match.group(2)) + match.group(3)
    return capital(said) if opens_sentence(match.string, match.start(), "fr") else said


def _numbered(match: re.Match[str]) -> str:
    noun, roman, digits = match.group(1), match.group(2), match.group(3)
    value = roman_to_int(roman) if roman else int(digits)
    if value is None:
        return match.group(0)
    if value == 1:
        said = "première" if noun.lower() in _FEMININE_NUMBERED else "premier"
    else:
        said = cardinal(value, "fr")
    return f"{noun} {said}"


def _regnal(match: re.Match[str]) -> str:
    """ "Louis XIV" → "Louis quatorze", "Napoléon I" → "Napoléon premier"."""
    name, numeral = match.group(1), match.group(2)
    value = roman_to_int(numeral)
    if value is None or name in _NOT_NAMES:
        return match.group(0)
    return f"{name} {'premier' if value == 1 else cardinal(value, 'fr')}"


def _fraction(match: re.Match[str]) -> str:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator < 2 or numerator == 0:
        return match.group(0)
    names = {2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts")}
    one, many = names.get(denominator, (ordinal(denominator, "fr"),
                                        ordinal(denominator, "fr") + "s"))
    return f"{cardinal(numerator, 'fr')} {one if numerator == 1 else many}"


def say_french(paragraph: str) -> str:
    """One paragraph of French text as a narrator says it."""
    heading = _HEADING_NUMERAL.match(paragraph)
    if heading and roman_to_int(heading.group(1)):
        return capital(cardinal(roman_to_int(heading.group(1)) or 0, "fr")) + "."
    text = substitute(paragraph, _ABBREVIATIONS) if "." in paragraph or "M" in paragraph \
        else paragraph
    if any(c.isdigit() for c in text):
        text = _MONEY_AFTER.sub(lambda m: _money(m, before=False), text)
        text = _MONEY_BEFORE.sub(lambda m: _money(m, before=True), text)
        text = _TIME.sub(_time, text)
        text = _PERCENT.sub(r"\1 pour cent", text)
        text = _UNIT.sub(_unit, text)
    if any(c in text for c in "IVXLC"):
        text = _ROMAN_ORDINAL.sub(_roman_ordinal, text)
        text = _REGNAL.sub(_regnal, text)
    text = _NUMBERED.sub(_numbered, text)
    if any(c.isdigit() for c in text):
        text = _ORDINAL.sub(_ordinal, text)
        text = _FRACTION.sub(_fraction, text)
        text = _RANGE.sub(r"\1 à \2", text)
        text = say_numbers(text, "fr", _agree)
    return tidy(drop_stops_inside(text, "fr"))
