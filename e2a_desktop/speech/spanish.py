"""The Spanish front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Sr." and "Sra." ("seɲˈoɾ. | ɡaɾθˈia"), says "3,5" as three
point five, "200 pesetas" as "doscientos" and "Felipe II" letter by letter. Numbers
agree with the noun after them ("veintiún años", "doscientas pesetas"); a ruler's or a
century's number is an ordinal up to ten and a cardinal past it ("Carlos quinto",
"Alfonso trece", "siglo dieciséis"), as the RAE describes.
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from .passes import (
    AMOUNT,
    Currency,
    Replacement,
    after_a_name,
    capital,
    drop_stops_inside,
    opens_sentence,
    say_amount,
    say_numbers,
    substitute,
    tidy,
    word_set,
)
from .words_intl import before_noun, cardinal, feminine, ordinal

_UPPER = "A-ZÁÉÍÓÚÑÜ"


def _said(word: str) -> Replacement:
    """A title said in full, with a capital where it opens a sentence ("Sr." → "señor")."""
    def one(match: re.Match[str]) -> str:
        return capital(word) if opens_sentence(match.string, match.start(), "es") else word
    return one


def _end_stop(word: str) -> Replacement:
    """An abbreviation that may end the sentence ("etc."): its stop stays only there."""
    def one(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip(" \"')»")
        return word + ("." if not rest or rest[0].isupper() or rest[0] in "¿¡" else "")
    return one


def _don(match: re.Match[str]) -> str:
    """ "D. Quijote" → "don Quijote"; in "Juan D. Pérez" the D. is an initial."""
    if after_a_name(match.string, match.start(), "es"):
        return match.group(0)
    return "Don" if opens_sentence(match.string, match.start(), "es") else "don"


_ABBREVIATIONS: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"\ba\.\s?C\.", _end_stop("antes de Cristo")),
        (r"\bd\.\s?C\.", _end_stop("después de Cristo")),
        (r"\bEE\.\s?UU\.", "Estados Unidos"),
        (r"\bp\.\s?ej\.", "por ejemplo"),
        (r"\bS\.\s?M\.", _said("su majestad")),
        (r"\betc\.", _end_stop("etcétera")),
        (r"\bSres\.", _said("señores")),
        (r"\bSrta\.", _said("señorita")),
        (r"\bSra\.", _said("señora")),
        (r"\bSr\.", _said("señor")),
        (r"\bDra\.", _said("doctora")),
        (r"\bDr\.", _said("doctor")),
        (r"\b(?:Dña\.|D\.a\b)", _said("doña")),
        (rf"\bD\.(?=\s+[{_UPPER}])", _don),
        (r"\b(?:Uds|Vds)\.", _said("ustedes")),
        (r"\b(?:Ud|Vd)\.", _said("usted")),
        (r"\bpágs\.", "páginas"),
        (r"\bpág\.", "página"),
        (r"\b(?:núm\.|n\.o\b|[Nn]o\.)\s?(?=\d)", "número "),
        (r"\bcap\.", "capítulo"),
        (r"\bart\.", "artículo"),
        (r"\baprox\.", "aproximadamente"),
        (r"\b[Aa]vda\.", "avenida"),
        (rf"\bSto\.(?=\s+[{_UPPER}])", "Santo"),
        (rf"\bSta\.(?=\s+[{_UPPER}])", "Santa"),
        (r"\bvol\.", "volumen"),
        (r"\bfig\.", "figura"),
        (r"\bExcmo\.", _said("excelentísimo")),
        (r"\bIlmo\.", _said("ilustrísimo")),
        (r"\bGral\.", _said("general")),
        (r"\bCía\.", "compañía"),
    ))

_FUNCTION_WORDS = word_set("y e o u de del a al en que por con para sin se los las el la lo le "
                           "les un una es era fue son ha había más menos como entre sobre ni")
_MASCULINE_A = word_set("día días mapa mapas problema problemas programa programas sistema "
                        "sistemas tema temas idioma idiomas clima poema poemas planeta planetas "
                        "drama dramas mediodía")
_FEMININE = word_set("mujer mujeres noche noches leche gente flor flores calle calles vez veces "
                     "parte partes torre torres nave naves llave llaves muerte muertes ley leyes "
                     "mano manos legua leguas libra libras tarde tardes")
_FEMININE_NAMES = word_set("Isabel María Juana Catalina Victoria Cristina Margarita Leonor Urraca "
                           "Berenguela Blanca Mariana")


def _is_feminine(noun: str) -> bool:
    noun = noun.lower()
    if noun in _FEMININE:
        return True
    if noun in _MASCULINE_A:
        return False
    return noun.endswith(("a", "as", "ión", "iones", "dad", "dades", "tad", "tud", "umbre"))


def _agree(said: str, value: int, word: str) -> str:
    """ "21 años" → "veintiún años", "200 pesetas" → "doscientas pesetas"."""
    if not word or not word[0].islower() or word in _FUNCTION_WORDS:
        return said
    return feminine(said, "es") if _is_feminine(word) else before_noun(said, "es")


_CURRENCIES = {
    "€": Currency("euro", "euros"), "$": Currency("dólar", "dólares"),
    "£": Currency("libra", "libras", feminine=True),
    "ptas.": Currency("peseta", "pesetas", True), "pts.": Currency("peseta", "pesetas", True),
    "Ptas.": Currency("peseta", "pesetas", True), "pta.": Currency("peseta", "pesetas", True),
    "rs.": Currency("real", "reales"), "cts.": Currency("céntimo", "céntimos"),
}
_MONEY_AFTER = re.compile(rf"(?<![\w.,]){AMOUNT}\s?(€|\$|£|[Pp]tas\.|pts\.|pta\.|rs\.|cts\.)")
_MONEY_BEFORE = re.compile(rf"(€|\$|£)\s?{AMOUNT}(?![\w,]\d)")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})\.?(er|os|as|o|a)(?![\w'])")
_NUMBERED = re.compile(r"\b(capítulo|libro|tomo|parte|acto|escena|canto|volumen|título|"
                       r"artículo|tratado|siglo|Capítulo|Libro|Tomo|Parte|Acto|Escena|Canto|"
                       r"Volumen|Título|Tratado|Siglo|CAPÍTULO|LIBRO|PARTE|ACTO|ESCENA|SIGLO)"
                       r"\s+(?:([IVXLC]+)|(\d+))(?![\w'])")
_REGNAL = re.compile(rf"\b([{_UPPER}][a-záéíóúñü]+) ([IVX]+)(?![\w'-]|\.\w)")
_NOT_NAMES = word_set("Capítulo Libro Tomo Parte Acto Escena Canto Volumen Título Artículo "
                      "Siglo Página Número Tratado Figura Lámina Apéndice")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})(?![\w/])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_PERCENT = re.compile(r"(\d)\s?%")
_HEADING_NUMERAL = re.compile(r"^([IVXLC]+)\.?$")
_FRACTION_NAMES = {2: ("medio", "medios"), 3: ("tercio", "tercios"), 4: ("cuarto", "cuartos")}


def _rank(value: int, female: bool) -> str:
    """A ruler's, chapter's or century's number: "quinto" up to ten, "trece" past it."""
    if value > 10:
        return cardinal(value, "es")
    said = ordinal(value, "es")
    return said[:-1] + "a" if female else said


def _money(match: re.Match[str], before: bool) -> str:
    symbol, whole, cents = (match.group(1), match.group(2), match.group(3)) if before else \
        (match.group(3), match.group(1), match.group(2))
    said = say_amount(whole, cents, _CURRENCIES[symbol], "es", "con",
                      lambda s, fem: feminine(s, "es") if fem else before_noun(s, "es"))
    if symbol.endswith(".") and re.match(r"\s*(?:[\"')]*\s*$|[¿¡A-ZÁÉÍÓÚÑ])",
                                         match.string[match.end():]):
        said += "."
    return capital(said) if opens_sentence(match.string, match.start(), "es") else said


def _time(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 24 or minutes > 59:
        return match.group(0)
    said = feminine(cardinal(hours, "es"), "es")
    if minutes:
        said += " y " + {15: "cuarto", 30: "media"}.get(minutes, cardinal(minutes, "es"))
    return capital(said) if opens_sentence(match.string, match.start(), "es") else said


def _ordinal(match: re.Match[str]) -> str:
    value, suffix = int(match.group(1)), match.group(2)
    if value == 0:
        return match.group(0)
    said = ordinal(value, "es")
    if suffix.startswith("a"):
        said = said[:-1] + "a"
    elif suffix == "er":
        said = said.removesuffix("o")  # "1.er piso": "primer piso"
    said += "s" if suffix.endswith("s") else ""
    return capital(said) if opens_sentence(match.string, match.start(), "es") else said


def _numbered(match: re.Match[str]) -> str:
    noun, roman, digits = match.group(1), match.group(2), match.group(3)
    value = roman_to_int(roman) if roman else int(digits)
    if value is None:
        return match.group(0)
    if digits:  # "cap. 3": "capítulo tres"
        return f"{noun} {cardinal(value, 'es')}"
    return f"{noun} {_rank(value, noun.lower() in ('parte', 'escena'))}"


def _regnal(match: re.Match[str]) -> str:
    """ "Felipe II" → "Felipe segundo", "Isabel II" → "Isabel segunda", "Alfonso XIII" →
    "Alfonso trece"."""
    name, value = match.group(1), roman_to_int(match.group(2))
    if not value or name in _NOT_NAMES:
        return match.group(0)
    return f"{name} {_rank(value, name in _FEMININE_NAMES)}"


def _fraction(match: re.Match[str]) -> str:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator < 2 or numerator == 0:
        return match.group(0)
    if (numerator, denominator) == (1, 2):
        return "medio"  # "1/2 litro": "medio litro"
    one, many = _FRACTION_NAMES.get(denominator, (ordinal(denominator, "es"),
                                                  ordinal(denominator, "es") + "s"))
    if denominator > 10:
        one = many = cardinal(denominator, "es") + "avos"
    count = "un" if numerator == 1 else cardinal(numerator, "es")
    said = f"{count} {one if numerator == 1 else many}"
    return capital(said) if opens_sentence(match.string, match.start(), "es") else said


def say_spanish(paragraph: str) -> str:
    """One paragraph of Spanish text as a narrator says it."""
    heading = _HEADING_NUMERAL.match(paragraph)
    if heading and roman_to_int(heading.group(1)):
        return capital(cardinal(roman_to_int(heading.group(1)) or 0, "es")) + "."
    text = substitute(paragraph, _ABBREVIATIONS) if "." in paragraph else paragraph
    if any(c.isdigit() for c in text):
        text = _MONEY_AFTER.sub(lambda m: _money(m, before=False), text)
        text = _MONEY_BEFORE.sub(lambda m: _money(m, before=True), text)
        text = _TIME.sub(_time, text)
        text = _PERCENT.sub(r"\1 por ciento", text)
    text = _NUMBERED.sub(_numbered, text)
    if any(c in text for c in "IVX"):
        text = _REGNAL.sub(_regnal, text)
    if any(c.isdigit() for c in text):
        text = _ORDINAL.sub(_ordinal, text)
        text = _FRACTION.sub(_fraction, text)
        text = _RANGE.sub(r"\1 a \2", text)
        text = say_numbers(text, "es", _agree)
    return tidy(drop_stops_inside(text, "es"))
