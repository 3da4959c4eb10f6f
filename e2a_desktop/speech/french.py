"""The French front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "M." ("ˈɛm. | dypˈɔ̃"), reads "XVIe" as "iksvi", "1.000" as
"un point zéro zéro zéro" and "10 h 30" letter by letter. Order matters: abbreviations
first (their stops), then money and times (they own the digits next to them), Roman
numerals, ordinals, fractions and last the plain numbers.
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from . import engine
from .engine import Language, Money, end_stop
from .passes import Currency, word_set
from .words_intl import cardinal, feminine, ordinal

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_NAME_NEXT = rf"(?=\s+(?:[{_UPPER}]|(?:le|la|de|du|des) |[ld]'))"
"""A title's abbreviation stands before a name: "M. Dupont", "M. de Villefort", "M. le maire"."""

_ABBREVIATIONS = engine.abbreviations(
    (r"\bav\.\s?J\.-C\.", end_stop("avant Jésus-Christ")),
    (r"\bapr\.\s?J\.-C\.", end_stop("après Jésus-Christ")),
    (r"\bJ\.-C\.", end_stop("Jésus-Christ")),
    (r"\bc\.-à-d\.|\bc-à-d\b\.?", "c'est-à-dire"),
    (r"\bp\.\s?ex\.", "par exemple"),
    (r"\betc\.", end_stop("et cetera")),
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
    (r"\b[Nn](?:o|º)\.?\s?(?=\d)", "numéro "),
    (r"\b[Nn]º", "numéro"),
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
)

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
_MONEY = Money(_CURRENCIES, after=r"€|\$|£|F\b|fr\.|c\.(?=\s+[a-zà-ü])", before=r"€|\$|£",
               cents_joiner="", agree=lambda said, fem: feminine(said, "fr") if fem else said,
               stop_ends_before=r"\s*(?:[\"')]*\s*$|[A-ZÀ-Ý])")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})\s?h(?:\.(?=\s+[a-zà-ü]))?\s?(\d\d)?(?![\w])"
                   r"|(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_ROMAN_ORDINAL = re.compile(r"\b(?![LC]e\b)([IVXLC]+)(er|re|ère|e|ème|è)(?![\w'])(\s?s\.)?")
_ORDINAL = re.compile(r"(?<![\w.,])(\d+)(er|re|ère|e|ème|è|eme|nd|nde|d|de)(s?)(?![\w'])")
_NUMBERED_NOUNS = "chapitre livre tome acte scène partie volume section article lettre chant leçon"
_FEMININE_NUMBERED = word_set("scène partie section lettre leçon")
_REGNAL_NAME = rf"[{_UPPER}][a-zàâäçéèêëîïôöùûüÿ]+(?:-[{_UPPER}][a-zéèë]+)?"
_NOT_NAMES = word_set("Chapitre Livre Tome Acte Scène Partie Volume Section Article Lettre "
                     "Chant Leçon Page Planche Figure Annexe Numéro Monsieur Madame Mademoiselle "
                     "Maître Docteur Messieurs Mesdames")
_UNITS = {"km": "kilomètre", "m": "mètre", "cm": "centimètre", "mm": "millimètre",
          "kg": "kilogramme", "g": "gramme", "l": "litre", "ha": "hectare", "t": "tonne"}
_UNIT = re.compile(r"(?<![\w.,])(\d+(?:,\d+)?)\s?(km|cm|mm|kg|ha|m|g|l|t)\b(?![\w'-])")
_FRACTION_NAMES = {2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts")}


def _agree(said: str, value: int, word: str) -> str:
    if said.endswith("un") and word.lower() in _FEMININE_NOUNS:
        return feminine(said, "fr")
    return said


def _unit(match: re.Match[str]) -> str:
    """ "3,75 km" → "3,75 kilomètres" (the plural from two on, as French counts)."""
    value = float(match.group(1).replace(",", "."))
    word = _UNITS[match.group(2)]
    return f"{match.group(1)} {word}{'s' if value >= 2 else ''}"


def _time(hours: int, minutes: int | None) -> str:
    said = feminine(cardinal(hours, "fr"), "fr") + (" heure" if hours <= 1 else " heures")
    return said + (" " + cardinal(minutes, "fr") if minutes else "")


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
    return _ordinal_word(int(match.group(1)), match.group(2)) + match.group(3)


def _numbered(match: re.Match[str], noun: str, value: int) -> str:
    if value == 1:
        return f"{noun} {'première' if noun.lower() in _FEMININE_NUMBERED else 'premier'}"
    return f"{noun} {cardinal(value, 'fr')}"


def _regnal(match: re.Match[str], name: str, value: int) -> str:
    """ "Louis XIV" → "Louis quatorze", "Napoléon I" → "Napoléon premier"."""
    return f"{name} {'premier' if value == 1 else cardinal(value, 'fr')}"


def _fraction(numerator: int, denominator: int) -> str:
    one, many = _FRACTION_NAMES.get(denominator, (ordinal(denominator, "fr"),
                                                  ordinal(denominator, "fr") + "s"))
    return f"{cardinal(numerator, 'fr')} {one if numerator == 1 else many}"


def _adverb(value: int) -> str:
    """1o, 2o: "premièrement", "deuxièmement" (espeak says "secundo" "səkœ̃do")."""
    return ("première" if value == 1 else ordinal(value, "fr")) + "ment"


FRENCH = Language("fr", (
    engine.ampersand("et", "etc."),
    _ABBREVIATIONS,
    engine.enumerated("fr", _adverb),
    engine.money("fr", _MONEY),
    engine.clock("fr", _TIME, _time),
    engine.percent("pour cent"),
    engine.sub(_UNIT, _unit, engine.DIGITS),
    engine.sub(_ROMAN_ORDINAL, _roman_ordinal, engine.ROMAN),
    engine.regnal(_REGNAL_NAME, _regnal, _NOT_NAMES),
    engine.numbered(_NUMBERED_NOUNS, _numbered),
    engine.sub(_ORDINAL, _ordinal, engine.DIGITS, sentence="fr"),
    engine.fraction("fr", _fraction),
    engine.ranges(r"\1 à \2"),
    engine.numbers("fr", _agree),
), whole=lambda value: cardinal(value, "fr"))
