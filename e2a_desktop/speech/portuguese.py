"""The Portuguese front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Sr.", "D." and "Dr.", reads "1.000" as one point zero and
"D. João VI" letter by letter. A ruler's or a century's number is an ordinal up to ten
and a cardinal past it ("D. Pedro segundo", "Bento dezasseis", "século dezanove");
numbers agree with a feminine noun ("duas casas", "duzentas libras"). Numbers are in
European Portuguese words (num2words' "pt").
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
from .words_intl import cardinal, feminine, ordinal

_UPPER = "A-ZÁÂÃÀÇÉÊÍÓÔÕÚ"


def _said(word: str) -> Replacement:
    def one(match: re.Match[str]) -> str:
        return capital(word) if opens_sentence(match.string, match.start(), "pt") else word
    return one


def _end_stop(word: str) -> Replacement:
    def one(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip(" \"')»")
        return word + ("." if not rest or rest[0].isupper() else "")
    return one


def _dom(match: re.Match[str]) -> str:
    """ "D. Pedro" → "Dom Pedro", "D. Maria" → "Dona Maria"."""
    name = match.group(1)
    if after_a_name(match.string, match.start(), "pt"):
        return match.group(0)
    return ("Dona " if name.endswith("a") or name in _FEMININE_NAMES else "Dom ") + name


def _sao(match: re.Match[str]) -> str:
    return match.group(0) if after_a_name(match.string, match.start(), "pt") else "São"


_ABBREVIATIONS: tuple[tuple[re.Pattern[str], Replacement], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"\ba\.\s?C\.", _end_stop("antes de Cristo")),
        (r"\bd\.\s?C\.", _end_stop("depois de Cristo")),
        (r"\bp\.\s?ex\.", "por exemplo"),
        (r"(?:\bV|^5)\.\s?Exa\.", _said("Vossa Excelência")),  # the reader takes a short
        # line's "V." for a heading's numeral ("5.")
        (r"\betc\.", _end_stop("etcétera")),
        (r"\bSrta\.", _said("senhorita")),
        (r"\bSra\.", _said("senhora")),
        (r"\bSr\.", _said("senhor")),
        (r"\bDra\.", _said("doutora")),
        (r"\bDr\.", _said("doutor")),
        (r"\bProfa\.", _said("professora")),
        (r"\bProf\.", _said("professor")),
        (r"\bExma\.", _said("excelentíssima")),
        (r"\bExmo\.", _said("excelentíssimo")),
        (rf"\bD\.\s+([{_UPPER}][a-záâãàçéêíóôõú]+)", _dom),
        (rf"\bS\.(?=\s+[{_UPPER}])", _sao),
        (rf"\bSto\.(?=\s+[{_UPPER}])", "Santo"),
        (rf"\bSta\.(?=\s+[{_UPPER}])", "Santa"),
        (r"\bpágs\.", "páginas"),
        (r"\bpág\.", "página"),
        (r"\b(?:n\.o|nº|núm\.)\s?(?=\d)", "número "),
        (r"\bcap\.", "capítulo"),
        (r"\bvol\.", "volume"),
        (r"\bAv\.", "Avenida"),
    ))

_MASCULINE_A = word_set("dia dias mapa mapas problema problemas programa programas sistema "
                        "sistemas tema temas idioma clima poema poemas planeta drama")
_FEMININE = word_set("mulher mulheres noite noites gente flor flores vez vezes parte partes "
                     "torre torres nave naves chave chaves morte lei leis mão mãos légua léguas "
                     "libra libras tarde tardes")
_FEMININE_NAMES = word_set("Maria Isabel Leonor Beatriz Teresa Catarina Amélia Joana Felicidade "
                           "Inês Carlota Ester Raquel Luz Graça Conceição")
_FUNCTION_WORDS = word_set("e ou de do da dos das a o os as em no na nos nas que por com para "
                           "sem se um uma é era foi mais menos como entre sobre nem ao aos")


def _is_feminine(noun: str) -> bool:
    noun = noun.lower()
    if noun in _FEMININE:
        return True
    if noun in _MASCULINE_A:
        return False
    return noun.endswith(("a", "as", "ção", "ções", "são", "sões", "dade", "dades", "gem",
                          "gens"))


def _agree(said: str, value: int, word: str) -> str:
    """ "2 casas" → "duas casas", "200 libras" → "duzentas libras"."""
    if not word or not word[0].islower() or word in _FUNCTION_WORDS:
        return said
    return feminine(said, "pt") if _is_feminine(word) else said


_CURRENCIES = {
    "€": Currency("euro", "euros"), "R$": Currency("real", "reais"),
    "$": Currency("dólar", "dólares"), "£": Currency("libra", "libras", feminine=True),
}
_MONEY_AFTER = re.compile(rf"(?<![\w.,]){AMOUNT}\s?(€|£)")
_MONEY_BEFORE = re.compile(rf"(R\$|€|£|\$)\s?{AMOUNT}(?![\w,]\d)")
_REIS = re.compile(r"(?<![\w.,$:])(?:(\d{1,3}):)?(\d{1,3})\$(\d{3})(?!\d)(?:\s?réis)?")
"""Old money: "10$000" is ten thousand réis (the cifrão stands for the thousands), and
"30:000$000" thirty contos (millions) of réis."""
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})(?:h(\d\d)?|:(\d\d))(?![\w:])")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})\.?([oa]s?)(?![\w'])")
_NUMBERED = re.compile(r"\b(capítulo|livro|tomo|parte|ato|acto|cena|canto|volume|século|"
                       r"Capítulo|Livro|Tomo|Parte|Ato|Acto|Cena|Canto|Volume|Século|CAPÍTULO|"
                       r"LIVRO|PARTE|CANTO)\s+(?:([IVXLC]+)|(\d+))(?![\w'])")
_REGNAL = re.compile(rf"\b([{_UPPER}][a-záâãàçéêíóôõú]+) ([IVX]+)(?![\w'-]|\.\w)")
_NOT_NAMES = word_set("Capítulo Livro Tomo Parte Ato Acto Cena Canto Volume Século Página "
                      "Número Figura Apêndice")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})(?![\w/])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_PERCENT = re.compile(r"(\d)\s?%")
_HEADING_NUMERAL = re.compile(r"^([IVXLC]+)\.?$")
_FRACTION_NAMES = {2: ("meio", "meios"), 3: ("terço", "terços"), 4: ("quarto", "quartos")}


def _rank(value: int, female: bool) -> str:
    """ "sexto" up to ten, "dezasseis" past it."""
    if value > 10:
        return cardinal(value, "pt")
    said = ordinal(value, "pt")
    return said[:-1] + "a" if female else said


def _money(match: re.Match[str], before: bool) -> str:
    symbol, whole, cents = (match.group(1), match.group(2), match.group(3)) if before else \
        (match.group(3), match.group(1), match.group(2))
    said = say_amount(whole, cents, _CURRENCIES[symbol], "pt", "e",
                      lambda s, fem: feminine(s, "pt") if fem else s)
    return capital(said) if opens_sentence(match.string, match.start(), "pt") else said


def _reis(match: re.Match[str]) -> str:
    contos, thousands, units = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
    if contos and not thousands and not units:
        said = cardinal(contos, "pt") + (" conto" if contos == 1 else " contos") + " de réis"
    else:
        value = contos * 1_000_000 + thousands * 1000 + units
        said = cardinal(value, "pt") + (" real" if value == 1 else " réis")
    return capital(said) if opens_sentence(match.string, match.start(), "pt") else said


def _time(match: re.Match[str]) -> str:
    hours = int(match.group(1))
    minutes = match.group(2) or match.group(3)
    if hours > 24 or (minutes and int(minutes) > 59):
        return match.group(0)
    said = feminine(cardinal(hours, "pt"), "pt")
    if minutes and int(minutes):
        said += " e " + ("meia" if int(minutes) == 30 else cardinal(int(minutes), "pt"))
    elif not minutes:
        said += " hora" if hours == 1 else " horas"
    return capital(said) if opens_sentence(match.string, match.start(), "pt") else said


def _ordinal(match: re.Match[str]) -> str:
    value, suffix = int(match.group(1)), match.group(2)
    if value == 0:
        return match.group(0)
    said = ordinal(value, "pt")
    if suffix.startswith("a"):
        said = " ".join(w[:-1] + "a" for w in said.split())
    said += "s" if suffix.endswith("s") else ""
    return capital(said) if opens_sentence(match.string, match.start(), "pt") else said


def _numbered(match: re.Match[str]) -> str:
    noun, roman, digits = match.group(1), match.group(2), match.group(3)
    value = roman_to_int(roman) if roman else int(digits)
    if value is None:
        return match.group(0)
    if digits:
        return f"{noun} {cardinal(value, 'pt')}"
    return f"{noun} {_rank(value, noun.lower() in ('parte', 'cena'))}"


def _regnal(match: re.Match[str]) -> str:
    name, value = match.group(1), roman_to_int(match.group(2))
    if not value or name in _NOT_NAMES:
        return match.group(0)
    return f"{name} {_rank(value, name in _FEMININE_NAMES)}"


def _fraction(match: re.Match[str]) -> str:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator < 2 or numerator == 0:
        return match.group(0)
    if (numerator, denominator) == (1, 2):
        return "meio"
    one, many = _FRACTION_NAMES.get(denominator, (ordinal(denominator, "pt"),
                                                  ordinal(denominator, "pt") + "s"))
    said = f"um {one}" if numerator == 1 else f"{cardinal(numerator, 'pt')} {many}"
    return capital(said) if opens_sentence(match.string, match.start(), "pt") else said


def say_portuguese(paragraph: str) -> str:
    """One paragraph of Portuguese text as a narrator says it."""
    heading = _HEADING_NUMERAL.match(paragraph)
    if heading and roman_to_int(heading.group(1)):
        return capital(cardinal(roman_to_int(heading.group(1)) or 0, "pt")) + "."
    text = substitute(paragraph, _ABBREVIATIONS) if "." in paragraph or "º" in paragraph \
        else paragraph
    if any(c.isdigit() for c in text):
        text = _REIS.sub(_reis, text) if "$" in text else text
        text = _MONEY_AFTER.sub(lambda m: _money(m, before=False), text)
        text = _MONEY_BEFORE.sub(lambda m: _money(m, before=True), text)
        text = _TIME.sub(_time, text)
        text = _PERCENT.sub(r"\1 por cento", text)
    text = _NUMBERED.sub(_numbered, text)
    if any(c in text for c in "IVX"):
        text = _REGNAL.sub(_regnal, text)
    if any(c.isdigit() for c in text):
        text = _ORDINAL.sub(_ordinal, text)
        text = _FRACTION.sub(_fraction, text)
        text = _RANGE.sub(r"\1 a \2", text)
        text = say_numbers(text, "pt", _agree)
    return tidy(drop_stops_inside(text, "pt"))
