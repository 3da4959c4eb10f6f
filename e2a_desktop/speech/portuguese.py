"""The Portuguese front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Sr.", "D." and "Dr.", reads "1.000" as one point zero and
"D. João VI" letter by letter. A ruler's or a century's number is an ordinal up to ten
and a cardinal past it ("D. Pedro segundo", "Bento dezasseis", "século dezanove");
numbers agree with a feminine noun ("duas casas", "duzentas libras"). Numbers are in
European Portuguese words (num2words' "pt"; its "pt_BR" puts commas in "mil, novecentos"),
with Brazil's forms where they differ for a Brazilian voice.
"""

from __future__ import annotations

import re

from . import engine
from .engine import Language, Money, end_stop, said
from .passes import Currency, after_a_name, word_set
from .words_intl import cardinal, feminine, ordinal

_UPPER = "A-ZÁÂÃÀÇÉÊÍÓÔÕÚ"


def _dom(match: re.Match[str]) -> str:
    """ "D. Pedro" → "Dom Pedro", "D. Maria" → "Dona Maria"."""
    name = match.group(1)
    if after_a_name(match.string, match.start(), "pt"):
        return match.group(0)
    return ("Dona " if name.endswith("a") or name in _FEMININE_NAMES else "Dom ") + name


def _sao(match: re.Match[str]) -> str:
    return match.group(0) if after_a_name(match.string, match.start(), "pt") else "São"


_ABBREVIATIONS = engine.abbreviations(
    (r"\ba\.\s?C\.", end_stop("antes de Cristo")),
    (r"\bd\.\s?C\.", end_stop("depois de Cristo")),
    (r"\bp\.\s?ex\.", "por exemplo"),
    (r"\bV\.\s?Ex(?:a\.|\.a\b)", said("Vossa Excelência", "pt")),
    (r"\bV\.\s?S\.a\b", said("Vossa Senhoria", "pt")),
    (r"\bV\.\s?M\.", said("Vossa Majestade", "pt")),
    (r"\bV\.\s?A\.", said("Vossa Alteza", "pt")),
    (r"\betc\.", end_stop("etcétera")),
    (r"\bSrta\.", said("senhorita", "pt")),
    (r"\bSra\.", said("senhora", "pt")),
    (r"\bSr\.", said("senhor", "pt")),
    (r"\bDra\.", said("doutora", "pt")),
    (r"\bDr\.", said("doutor", "pt")),
    (r"\bProfa\.", said("professora", "pt")),
    (r"\bProf\.", said("professor", "pt")),
    (r"\bExma\.", said("excelentíssima", "pt")),
    (r"\bExmo\.", said("excelentíssimo", "pt")),
    (rf"\bD\.\s+([{_UPPER}][a-záâãàçéêíóôõú]+)", _dom),
    (rf"\bS\.(?=\s+[{_UPPER}])", _sao),
    (rf"\bSto\.(?=\s+[{_UPPER}])", "Santo"),
    (rf"\bSta\.(?=\s+[{_UPPER}])", "Santa"),
    (r"\bpágs\.", "páginas"),
    (r"\bpág\.", "página"),
    (r"\b(?:n\.o|[Nn]º|núm\.)\s?(?=\d)", "número "),
    (r"\b[Nn]º", "número"),
    (r"\bcap\.", "capítulo"),
    (r"\bvol\.", "volume"),
    (r"\bAv\.", "Avenida"),
)

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
_MONEY = Money(_CURRENCIES, after=r"€|£", before=r"R\$|€|£|\$", cents_joiner="e",
               agree=lambda said, fem: feminine(said, "pt") if fem else said)
_REIS = re.compile(r"(?<![\w.,$:])(?:(\d{1,3}):)?(\d{1,3})\$(\d{3})(?!\d)(?:\s?réis)?")
"""Old money: "10$000" is ten thousand réis (the cifrão stands for the thousands), and
"30:000$000" thirty contos (millions) of réis."""
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})(?:h(\d\d)?|:(\d\d))(?![\w:])")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})\.?([oa]s?)(?![\w'])")
_NUMBERED_NOUNS = "capítulo livro tomo parte ato acto cena canto volume século"
_NOT_NAMES = word_set("Capítulo Livro Tomo Parte Ato Acto Cena Canto Volume Século Página "
                      "Número Figura Apêndice")
_FRACTION_NAMES = {2: ("meio", "meios"), 3: ("terço", "terços"), 4: ("quarto", "quartos")}


def _rank(value: int, female: bool) -> str:
    """ "sexto" up to ten, "dezasseis" past it."""
    if value > 10:
        return cardinal(value, "pt")
    said = ordinal(value, "pt")
    return said[:-1] + "a" if female else said


def _reis(match: re.Match[str]) -> str:
    contos, thousands, units = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
    if contos and not thousands and not units:
        said = cardinal(contos, "pt") + (" conto" if contos == 1 else " contos") + " de réis"
    else:
        value = contos * 1_000_000 + thousands * 1000 + units
        said = cardinal(value, "pt") + (" real" if value == 1 else " réis")
    return said


def _time(hours: int, minutes: int | None) -> str:
    said = feminine(cardinal(hours, "pt"), "pt")
    if minutes:
        return said + " e " + ("meia" if minutes == 30 else cardinal(minutes, "pt"))
    return said + ("" if minutes is not None else " hora" if hours == 1 else " horas")


def _ordinal(match: re.Match[str]) -> str:
    value, suffix = int(match.group(1)), match.group(2)
    if value == 0:
        return match.group(0)
    said = ordinal(value, "pt")
    if suffix.startswith("a"):
        said = " ".join(w[:-1] + "a" for w in said.split())
    return said + ("s" if suffix.endswith("s") else "")


def _numbered(match: re.Match[str], noun: str, value: int) -> str:
    if not match.group(2):
        return f"{noun} {cardinal(value, 'pt')}"
    return f"{noun} {_rank(value, noun.lower() in ('parte', 'cena'))}"


def _regnal(match: re.Match[str], name: str, value: int) -> str:
    return f"{name} {_rank(value, name in _FEMININE_NAMES)}"


def _fraction(numerator: int, denominator: int) -> str:
    if (numerator, denominator) == (1, 2):
        return "meio"
    one, many = _FRACTION_NAMES.get(denominator, (ordinal(denominator, "pt"),
                                                  ordinal(denominator, "pt") + "s"))
    return f"um {one}" if numerator == 1 else f"{cardinal(numerator, 'pt')} {many}"


PORTUGUESE = Language("pt", (
    engine.ampersand("e", "etc."),
    _ABBREVIATIONS,
    engine.sub(_REIS, _reis, engine.any_of("$"), sentence="pt"),
    engine.money("pt", _MONEY),
    engine.clock("pt", _TIME, _time),
    engine.percent("por cento"),
    engine.numbered(_NUMBERED_NOUNS, _numbered),
    engine.regnal(rf"[{_UPPER}][a-záâãàçéêíóôõú]+", _regnal, _NOT_NAMES),
    engine.sub(_ORDINAL, _ordinal, engine.DIGITS, sentence="pt"),
    engine.fraction("pt", _fraction),
    engine.ranges(r"\1 a \2", opening="de"),
    engine.numbers("pt", _agree),
), whole=lambda value: cardinal(value, "pt"))

_BRAZILIAN_SIXTEEN = re.compile(r"\b([Dd])eza(?=sseis\b|ssete\b|nove\b)")
"""Brazil says "dezesseis, dezessete, dezenove" where Portugal says "dezasseis, …"."""


def _brazilian(said: str) -> str:
    return _BRAZILIAN_SIXTEEN.sub(r"\1eze", said) if "eza" in said else said


BRAZILIAN_PORTUGUESE = Language("pt", (
    *PORTUGUESE.passes,
    engine.Pass(_brazilian),
), whole=lambda value: _brazilian(cardinal(value, "pt")))
"""Portuguese as a Brazilian voice says it (chosen by a "pt-BR" voice or book)."""
