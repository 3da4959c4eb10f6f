"""The Spanish front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Sr." and "Sra." ("seɲˈoɾ. | ɡaɾθˈia"), says "3,5" as three
point five, "200 pesetas" as "doscientos" and "Felipe II" letter by letter. Numbers
agree with the noun after them ("veintiún años", "doscientas pesetas"); a ruler's or a
century's number is an ordinal up to ten and a cardinal past it ("Carlos quinto",
"Alfonso trece", "siglo dieciséis"), as the RAE describes.
"""

from __future__ import annotations

import re

from . import engine
from .engine import Language, Money, end_stop, said
from .passes import Currency, after_a_name, opens_sentence, word_set
from .words_intl import before_noun, cardinal, feminine, ordinal

_UPPER = "A-ZÁÉÍÓÚÑÜ"


def _don(match: re.Match[str]) -> str:
    """ "D. Quijote" → "don Quijote"; in "Juan D. Pérez" the D. is an initial."""
    if after_a_name(match.string, match.start(), "es"):
        return match.group(0)
    return "Don" if opens_sentence(match.string, match.start(), "es") else "don"


_ABBREVIATIONS = engine.abbreviations(
    (r"\ba\.\s?C\.", end_stop("antes de Cristo")),
    (r"\bd\.\s?C\.", end_stop("después de Cristo")),
    (r"\bEE\.\s?UU\.", "Estados Unidos"),
    (r"\bp\.\s?ej\.", "por ejemplo"),
    (r"\bS\.\s?M\.", said("su majestad", "es")),
    (r"\bV\.\s?M\.", said("vuestra majestad", "es")),
    (r"\bV\.\s?E\.", said("vuestra excelencia", "es")),
    (r"\bV\.\s?A\.", said("vuestra alteza", "es")),
    (r"\betc\.", end_stop("etcétera")),
    (r"\bSres\.", said("señores", "es")),
    (r"\bSrta\.", said("señorita", "es")),
    (r"\bSra\.", said("señora", "es")),
    (r"\bSr\.", said("señor", "es")),
    (r"\bDra\.", said("doctora", "es")),
    (r"\bDr\.", said("doctor", "es")),
    (r"\b(?:Dña\.|D\.a\b)", said("doña", "es")),
    (rf"\bD\.(?=\s+[{_UPPER}])", _don),
    (r"\b(?:Uds|Vds)\.", said("ustedes", "es")),
    (r"\b(?:Ud|Vd)\.", said("usted", "es")),
    (r"\bpágs\.", "páginas"),
    (r"\bpág\.", "página"),
    (r"\b(?:núm\.|n\.o\b|[Nn]o\.|[Nn]º)\s?(?=\d)", "número "),
    (r"\b[Nn]º", "número"),
    (r"\bcap\.", "capítulo"),
    (r"\bart\.", "artículo"),
    (r"\baprox\.", "aproximadamente"),
    (r"\b[Aa]vda\.", "avenida"),
    (rf"\bSto\.(?=\s+[{_UPPER}])", "Santo"),
    (rf"\bSta\.(?=\s+[{_UPPER}])", "Santa"),
    (r"\bvol\.", "volumen"),
    (r"\bfig\.", "figura"),
    (r"\bExcmo\.", said("excelentísimo", "es")),
    (r"\bIlmo\.", said("ilustrísimo", "es")),
    (r"\bGral\.", said("general", "es")),
    (r"\bCía\.", "compañía"),
)

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
_MONEY = Money(_CURRENCIES, after=r"€|\$|£|[Pp]tas\.|pts\.|pta\.|rs\.|cts\.", before=r"€|\$|£",
               cents_joiner="con",
               agree=lambda s, fem: feminine(s, "es") if fem else before_noun(s, "es"),
               stop_ends_before=r"\s*(?:[\"')]*\s*$|[¿¡A-ZÁÉÍÓÚÑ])")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})\.?(er|os|as|o|a)(?![\w'])")
_NUMBERED_NOUNS = ("capítulo libro tomo parte acto escena canto volumen título artículo "
                   "tratado siglo")
_NOT_NAMES = word_set("Capítulo Libro Tomo Parte Acto Escena Canto Volumen Título Artículo "
                      "Siglo Página Número Tratado Figura Lámina Apéndice")
_FRACTION_NAMES = {2: ("medio", "medios"), 3: ("tercio", "tercios"), 4: ("cuarto", "cuartos")}


def _rank(value: int, female: bool) -> str:
    """A ruler's, chapter's or century's number: "quinto" up to ten, "trece" past it."""
    if value > 10:
        return cardinal(value, "es")
    said = ordinal(value, "es")
    return said[:-1] + "a" if female else said


def _time(hours: int, minutes: int | None) -> str:
    said = feminine(cardinal(hours, "es"), "es")
    if minutes:
        said += " y " + {15: "cuarto", 30: "media"}.get(minutes, cardinal(minutes, "es"))
    return said


def _ordinal(match: re.Match[str]) -> str:
    value, suffix = int(match.group(1)), match.group(2)
    if value == 0:
        return match.group(0)
    said = ordinal(value, "es")
    if suffix.startswith("a"):
        said = said[:-1] + "a"
    elif suffix == "er":
        said = said.removesuffix("o")  # "1.er piso": "primer piso"
    return said + ("s" if suffix.endswith("s") else "")


def _numbered(match: re.Match[str], noun: str, value: int) -> str:
    if not match.group(2):  # "cap. 3": "capítulo tres"
        return f"{noun} {cardinal(value, 'es')}"
    return f"{noun} {_rank(value, noun.lower() in ('parte', 'escena'))}"


def _regnal(match: re.Match[str], name: str, value: int) -> str:
    """ "Felipe II" → "Felipe segundo", "Isabel II" → "Isabel segunda", "Alfonso XIII" →
    "Alfonso trece"."""
    return f"{name} {_rank(value, name in _FEMININE_NAMES)}"


def _fraction(numerator: int, denominator: int) -> str:
    if (numerator, denominator) == (1, 2):
        return "medio"  # "1/2 litro": "medio litro"
    one, many = _FRACTION_NAMES.get(denominator, (ordinal(denominator, "es"),
                                                  ordinal(denominator, "es") + "s"))
    if denominator > 10:
        one = many = cardinal(denominator, "es") + "avos"
    count = "un" if numerator == 1 else cardinal(numerator, "es")
    return f"{count} {one if numerator == 1 else many}"


SPANISH = Language("es", (
    engine.ampersand("y", "etc.", before_i="e"),
    _ABBREVIATIONS,
    engine.money("es", _MONEY),
    engine.clock("es", _TIME, _time),
    engine.percent("por ciento"),
    engine.numbered(_NUMBERED_NOUNS, _numbered),
    engine.regnal(rf"[{_UPPER}][a-záéíóúñü]+", _regnal, _NOT_NAMES),
    engine.sub(_ORDINAL, _ordinal, engine.DIGITS, sentence="es"),
    engine.fraction("es", _fraction),
    engine.ranges(r"\1 a \2", opening="de"),
    engine.numbers("es", _agree),
), whole=lambda value: cardinal(value, "es"))
