"""The German front end: a paragraph as read → what a narrator says.

The voice ends a sentence at "Dr.", "z. B." and the ordinal's stop ("am 3. | Oktober"),
reads "1881" as "eintausendachthundert…" and "Karl V." as "Karl V". Ordinals agree with
the article or preposition before them ("im sechzehnten Jahrhundert", "der dritte
Oktober"); a ruler's number too ("unter Karl dem Fünften"). Order: abbreviations, money
and times, Roman numerals, ordinals, fractions, then plain numbers and years.
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from . import engine
from .engine import Language, Money, end_stop, word_before
from .passes import Currency, capital, opens_sentence, word_set
from .words_intl import cardinal, ordinal

_UPPER = "A-ZÄÖÜ"
_MONTHS = ("Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
           "November|Dezember")


_ABBREVIATIONS = engine.abbreviations(
    (r"\bv\.\s?Chr\.", end_stop("vor Christus", before_capital=False)),
    (r"\bn\.\s?Chr\.", end_stop("nach Christus", before_capital=False)),
    (r"\b[zZ]\.\s?B\.", "zum Beispiel"),
    (r"\b[dD]\.\s?h\.", "das heißt"),
    (r"\b[uU]\.\s?a\.", "unter anderem"),
    (r"\b[vV]\.\s?a\.", "vor allem"),
    (r"\b[zZ]\.\s?T\.", "zum Teil"),
    (r"\b[oO]\.\s?ä\.", "oder Ähnliches"),
    (r"\b[uU]\.\s?ä\.", "und Ähnliches"),
    (r"\ba\.\s?D\.", "außer Dienst"),
    (r"\b(?:usw\.|u\.\s?s\.\s?w\.)", end_stop("und so weiter", before_capital=False)),
    (r"\betc\.", end_stop("et cetera", before_capital=False)),
    (r"\bbzw\.", "beziehungsweise"),
    (r"\bDr\.", "Doktor"),
    (r"\bProf\.", "Professor"),
    (r"\bNr\.", "Nummer"),
    (r"\b[Nn]º", "Nummer"),
    (r"\bStr\.", "Straße"),
    (r"(?<=\w)str\.", "straße"),
    (r"\bca\.", "circa"),
    (r"\bvgl\.", "vergleiche"),
    (r"\bVgl\.", "Vergleiche"),
    (r"\bS\.\s?(?=\d)", "Seite "),
    (r"\bHrn\.", "Herrn"),
    (r"\bHr\.", "Herr"),
    (rf"\bFr\.(?=\s+[{_UPPER}])", "Frau"),
    (rf"\bSt\.(?=\s+[{_UPPER}])", "Sankt"),
    (r"\bBd\.", "Band"),
    (r"\bJh(?:d)?\.", "Jahrhundert"),
    (r"\bMio\.", "Millionen"),
    (r"\bMrd\.", "Milliarden"),
    (r"\bAbs\.", "Absatz"),
    (r"\bAnm\.", "Anmerkung"),
    (r"\bevtl\.", "eventuell"),
    (r"\bggf\.", "gegebenenfalls"),
    (r"\binkl\.", "inklusive"),
    (r"\bgeb\.", "geboren"),
    (r"\bgest\.", "gestorben"),
    (r"\bKap\.", "Kapitel"),
    (r"\bHrsg\.", "Herausgeber"),
    (r"\bAufl\.", "Auflage"),
    (r"\bebd\.", "ebenda"),
)

_CURRENCIES = {
    "€": Currency("Euro", "Euro"), "Euro": Currency("Euro", "Euro"),
    "DM": Currency("Mark", "Mark", feminine=True), "M.": Currency("Mark", "Mark", True),
    "Pf.": Currency("Pfennig", "Pfennig"), "fl.": Currency("Gulden", "Gulden"),
    "Tlr.": Currency("Taler", "Taler"), "Thlr.": Currency("Taler", "Taler"),
    "Sgr.": Currency("Silbergroschen", "Silbergroschen"), "kr.": Currency("Kreuzer", "Kreuzer"),
    "$": Currency("Dollar", "Dollar"), "£": Currency("Pfund", "Pfund"),
}
_MONEY = Money(_CURRENCIES, after=r"€|\$|£|DM\b|Pf\.|fl\.|Thlr\.|Tlr\.|Sgr\.|kr\.",
               before=r"€|\$|£|DM", cents_joiner="",
               agree=lambda said, fem: ("eine" if fem else "ein") if said == "eins" else said,
               case=lambda said, noun, before: _one_in_case(before, noun) or said
               if said in ("ein", "eine") else said,
               stop_ends_before=r"[ \"')]*$")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})(?:[.:](\d\d))?\s?Uhr\b|(?<![\w.,:])(\d{1,2}):(\d\d)"
                   r"(?![\d:])")
_NUMBERED_NOUNS = "Kapitel Teil Buch Band Akt Szene Abschnitt Brief Gesang Aufzug Auftritt"
_ORDINAL = re.compile(r"(?<![\w.,])(\d{1,3})\.(?=\s+[^\W\d_])")
_ORDINAL_BEFORE = re.compile(r"([^\W\d_]+)\s+\d{1,3}\.\s+(?:und|bis|oder)\s+$")
_ROMAN_CENTURY = re.compile(r"\b([IVXLC]+)\.(?=\s+Jahrhundert)")
_GLUED = re.compile(r"(?<![\w.,])(\d+)(jährig|fach|mal|tägig|wöchig|stündig|seitig|teilig)")
_YEAR = re.compile(r"(?<![\w.,])(1[1-9]\d\d)(?![\w]|[.,]\d)")
_NEXT = re.compile(r"\s+([^\W\d_]+)")

_TEN = word_set("am im vom zum zur beim dem den des einem einen eines einer seinem seinen "
                "seines seiner ihrem ihren ihres ihrer jenem jenen diesem diesen dieses dieser "
                "unserem unseren Am Im Vom Zum Zur Beim Dem Den Des")
"""Before an ordinal, these make it end in "-ten" ("am dritten", "im sechzehnten")."""
_TE = word_set("der die das Der Die Das ins jede jeder jedes diese")
_DATIVE = word_set("mit von bei zu nach aus seit unter vor gegenüber neben dem vom zum beim "
                   "an auf in hinter über")
_ACCUSATIVE = word_set("für gegen durch um ohne den")
_GENITIVE = word_set("des während wegen trotz statt")
_TITLES = word_set("Kaiser Kaisers König Königs Papst Papstes Herzog Herzogs Kurfürst "
                   "Kurfürsten Zar Zaren Graf Grafen Fürst Fürsten Landgraf Markgraf Prinz "
                   "Prinzen Sultan Sultans Königin Kaiserin Pharao Pharaos")
_S_NAMES = word_set("Andreas Thomas Johannes Nikolaus Pius Klaus Markus Lukas Matthias Julius "
                    "Marius Augustus Cornelius Tobias Elias Darius Cyrus")
"""Names that end in s in the nominative: "Pius IX." is not a genitive."""
_NOT_NAMES = word_set("Kapitel Teil Buch Band Akt Szene Abschnitt Brief Gesang Aufzug Auftritt "
                      "Herr Frau Fräulein Seite Nummer Tafel Anhang Anlage Abbildung Tabelle "
                      "Artikel Paragraph")
_YEAR_CUES = word_set("im Jahr Jahre Jahres seit bis von um anno Anno vor nach ab gegen Anfang "
                      "Ende Mitte Sommer Winter Frühjahr Herbst Frühling und oder zwischen "
                      f"geboren gestorben {_MONTHS.replace('|', ' ')}")
_FEMININE_ENDINGS = ("e", "ung", "heit", "keit", "schaft", "ion", "tät", "ei", "in")
_FEMININE = word_set("Mark Frau Stadt Nacht Hand Uhr Zeit Welt Kraft Tür Burg Stunde Frage")
_MASCULINE_E = word_set("Junge Knabe Name Gedanke Glaube Käse Affe Löwe Hase Ochse Riese "
                        "Kunde Bote Neffe Erbe Auge Ende Interesse")


def _is_feminine(noun: str) -> bool:
    if noun in _FEMININE:
        return True
    return noun not in _MASCULINE_E and noun.endswith(_FEMININE_ENDINGS)


_DATIVE_ONLY = word_set("mit von bei zu nach aus seit außer gegenüber samt nebst")
_ACCUSATIVE_ONLY = word_set("für gegen durch ohne um")
_MONEY_NAMES = word_set("Euro Dollar Taler Thaler Gulden Pfennig Kreuzer Groschen Heller "
                        "Franken Rubel Schilling Dukaten")
_SPANS = word_set("Tag Monat Abend Morgen Augenblick Moment Sommer Winter Herbst Frühling")
_MASCULINE = _MONEY_NAMES | _SPANS | word_set(
    "Mann Sohn Bruder Freund Vater Onkel Kilometer Meter Zentimeter Millimeter Zentner "
    "Schritt Fuß Zoll Brief Hund Wagen Stuhl Tisch Becher Krug Sack Korb Schluck Bissen "
    "Blick Kuss")
"""Masculine nouns a "1" often counts: after "für" or "ohne" it is "einen" ("für einen
Euro"); a noun not listed keeps "ein", right for the neuter ("für ein Jahr")."""
_PRICE_VERBS = word_set("kostet kostete kosteten kosten zahlt zahlte zahlten bezahlt bezahlte "
                        "bezahlten")
"""A sum after these is what was paid: "Es kostete einen Taler"."""
_SPAN_VERBS = word_set("dauert dauerte dauerten wartet wartete warteten bleibt blieb blieben")
"""A span of time after these is how long: "Er wartete einen Tag"."""
_LABELS = _NOT_NAMES | word_set("Zeile Vers Spalte Zimmer Gleis Straße Haus Platz Punkt")
"""Nouns a number labels ("Seite 1", "Nummer 1"): no article for the noun after it."""
_ONE = re.compile(rf"(?<![\w.,-])1(?=\s+([{_UPPER}]\w*))")
_LAST_WORDS = re.compile(r"((?:[^\W\d_]+\s+){0,2}[^\W\d_]+)\s*$")
"""Up to three words before a number, with no mark between: a verb may stand two words
before its object ("kostete damals einen Taler", "kostet es einen Euro")."""


def _one_in_case(before: str, noun: str) -> str:
    """ "1" before its noun, in the case the words before ask for: "mit einem Euro", "mit
    einer Mark", "für einen Taler", "kostete einen Taler", "wartete einen Tag"; "" where
    the case is not sure ("um ein Uhr" is a time, "in" takes either case)."""
    found = _LAST_WORDS.search(before)
    if found is None or noun == "Uhr":
        return ""
    if found.group(1).split()[-1] in _LABELS:
        return "eins"  # "Seite 1 Zeile 2": the number names the page, not the line
    words = found.group(1).lower().split()
    if words[-1] in _DATIVE_ONLY:
        return "einer" if _is_feminine(noun) else "einem"
    if words[-1] in _ACCUSATIVE_ONLY:
        return "eine" if _is_feminine(noun) else "einen" if noun in _MASCULINE else "ein"
    if noun in _MONEY_NAMES and _PRICE_VERBS.intersection(words) \
            or noun in _SPANS and _SPAN_VERBS.intersection(words):
        return "einen"
    return ""


def _one(match: re.Match[str]) -> str:
    text = match.string
    return _one_in_case(text[max(0, match.start() - 40):match.start()], match.group(1)) or "1"


def _agree(said: str, value: int, word: str) -> str:
    """ "1 Jahr" → "ein Jahr", "1 Stunde" → "eine Stunde"; "eins" alone stays."""
    if said == "eins" and word[:1].isupper():
        return "eine" if _is_feminine(word) else "ein"
    return said


def _ordinal(match: re.Match[str]) -> str:
    """ "am 3. Oktober" → "am dritten Oktober", "das 19. Jahrhundert" → "das neunzehnte"."""
    token = match.group(1)
    value = int(token) if token.isdigit() else roman_to_int(token)
    if not value:
        return match.group(0)
    said = ordinal(value, "de")
    before = word_before(match.string, match.start())
    following = _NEXT.match(match.string, match.end())
    month = bool(following and re.fullmatch(_MONTHS, following.group(1)))
    if before in ("und", "bis", "oder"):  # "am 3. und 4. Mai": the article of the first
        prior = _ORDINAL_BEFORE.search(match.string, 0, match.start())
        before = prior.group(1) if prior else before
    if before not in _TEN | _TE and before.lower() not in _DATIVE | _TE and not month \
            and not (following and following.group(1).startswith("Jahrhundert")):
        return match.group(0)  # "Er war 30. Dann ging er": a number, and the sentence ends
    if before == "der" and word_before(match.string, match.string.rfind("der", 0, match.start())
                                        ).lower() in _DATIVE:
        said += "n"  # "in der 2. Auflage": "in der zweiten"
    elif before in _TEN:
        said += "n"
    elif before not in _TE and month:
        said += "r"  # "Berlin, 3. Oktober": "dritter Oktober"
    return said


def _regnal(match: re.Match[str], name: str, value: int) -> str:
    """ "Karl V." → "Karl der Fünfte", "unter Karl V." → "unter Karl dem Fünften"."""
    start = match.start()
    before = word_before(match.string, start)
    while before in _TITLES:  # "unter Kaiser Karl V.": the title is skipped
        start = match.string.rfind(before, 0, start)
        before = word_before(match.string, start)
    before = before.lower()
    said = capital(ordinal(value, "de"))
    stop = "." if match.group(0).endswith(".") and not match.string[match.end():].strip(
        " \"')") else ""  # "Er diente Karl V." ends the paragraph: so does its stop
    genitive = name.endswith("s") and name not in _S_NAMES
    if before[:1].islower() and not genitive and before not in _DATIVE | _ACCUSATIVE \
            | _GENITIVE and not opens_sentence(match.string, start, "de"):
        # "Er diente Karl V.": dative or accusative, the verb decides; the numeral is left
        # to the voice, without the stop it would end a sentence at.
        return f"{name} {match.group(2)}{stop}"
    return _regnal_case(name, said, before) + stop


def _regnal_case(name: str, said: str, before: str) -> str:
    """The article the case asks for: "der Fünfte", "dem/den/des Fünften"."""
    if name.endswith("s") and name not in _S_NAMES or before in _GENITIVE:
        return f"{name} des {said}n"
    if before in _DATIVE:
        return f"{name} dem {said}n"
    if before in _ACCUSATIVE:
        return f"{name} den {said}n"
    return f"{name} der {said}"


def _numbered(match: re.Match[str], noun: str, value: int) -> str:
    stop = "." if match.group(0).endswith(".") and match.end() == len(match.string) else ""
    return f"{noun} {cardinal(value, 'de')}{stop}"


def _time(hours: int, minutes: int | None) -> str:
    said = f"{'ein' if hours == 1 else cardinal(hours, 'de')} Uhr"
    return said + (" " + cardinal(minutes, "de") if minutes else "")


def _fraction(numerator: int, denominator: int) -> str:
    if denominator == 2:
        return "einhalb" if numerator == 1 else f"{cardinal(numerator, 'de')} halbe"
    name = "Drittel" if denominator == 3 else capital(ordinal(denominator, "de")[:-1] + "el")
    return f"{'ein' if numerator == 1 else cardinal(numerator, 'de')} {name}"


def _year(match: re.Match[str]) -> str:
    """ "1881" → "achtzehnhunderteinundachtzig", unless it counts ("1500 Soldaten")."""
    following = _NEXT.match(match.string, match.end())
    before = word_before(match.string, match.start())
    if following and following.group(1)[:1].isupper() and before not in _YEAR_CUES \
            and not re.fullmatch(_MONTHS, following.group(1)):
        return match.group(0)
    hundreds, rest = divmod(int(match.group(1)), 100)
    return cardinal(hundreds, "de") + "hundert" + (cardinal(rest, "de") if rest else "")


GERMAN = Language("de", (
    engine.ampersand("und", "etc."),
    _ABBREVIATIONS,
    engine.money("de", _MONEY),
    engine.clock("de", _TIME, _time),
    engine.percent("Prozent"),
    engine.sub(_GLUED, lambda m: cardinal(int(m.group(1)), "de") + m.group(2), engine.DIGITS),
    engine.sub(_ONE, _one, engine.DIGITS),
    engine.numbered(_NUMBERED_NOUNS, _numbered, tail=r"(?![\w'])\.?(?!\d)"),
    engine.sub(_ROMAN_CENTURY, _ordinal, engine.any_of("J"), sentence="de"),
    engine.regnal(rf"[{_UPPER}][a-zäöüß]+", _regnal, _NOT_NAMES | _TITLES, tail=r"\.?(?![\w'-])"),
    engine.sub(_ORDINAL, _ordinal, engine.DIGITS, sentence="de"),
    engine.fraction("de", _fraction),
    engine.ranges(r"\1 bis \2"),
    engine.sub(_YEAR, _year, engine.DIGITS, sentence="de"),
    engine.numbers("de", _agree),
), whole=lambda value: cardinal(value, "de"))
