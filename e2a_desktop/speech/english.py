"""The English front end: a paragraph as read → what a narrator says.

Passes run in an order that matters: addresses first (their dots are no stops),
then money (its "s." and "d." would look like abbreviations), abbreviations and
units (they need the digits next to them), Roman numerals, numbers, and last the
".," left between joined table cells.
"""

from __future__ import annotations

import re

from ..ebook.sentences import ends_with_abbreviation
from ..ebook.symbols import roman_to_int
from .abbreviations_en import (
    BEFORE_NUMBERS,
    MONTHS,
    REIGNS,
    SENTENCE_STARTERS,
    TITLES,
    UNITS,
    ends_sentence,
    expand_abbreviations,
    expand_titles_without_stops,
    expand_units,
    is_pronoun_i,
)
from .money_en import say_money
from .numbers_en import say_numbers
from .passes import drop_italic_marks
from .roman_en import is_heading_number, say_roman_numerals
from .words_en import cardinal

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'\u2019]")
_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")
_PER_CENT = re.compile(r"\bper ?cent\.")
_JUNK_STOP_COMMA = re.compile(r"(?:(?<=[^\W\d_])|(?<=[)\]]))\.([\"'\u2019\u201d]?),\s*")
_CAPITAL_NEXT = re.compile(r"[\"'\u2018\u201c(]*[A-Z]")
_DOUBLED_MARKS = re.compile(r"([;:!?]),(?=\s)|,([.!?;:])|(?<=[^\W\d_])\.([;:])")
"""";," ":," "!," ",." ",!": a dash after (or before) a mark, read as a comma by the reader
("in vain;—then", "thank Heaven—!"), and ".;" (an abbreviation's stop before a semicolon,
"chap. i.;"): the mark alone is said."""
_STOP_IN_BRACKET = re.compile(r"(?<=\w)\.(?=\)(?:\s*[,;:]|\s+[a-z]))")
"""'(by 7 Geo. I, c. 21, § 10.) extended': the aside's last abbreviation keeps no stop when
the sentence goes on after the bracket (the voice would end one there)."""
_AMPERSAND_WORD = re.compile(r"\s*&\s*")
_WORD_BEFORE = re.compile(r"(\w+)$")
_APOSTROPHE_YEAR = re.compile(r"(?<![\w'])'(\d\d)\b")
_NUMBER_SIGN = re.compile(r"\b([Nn])º\s?")
_MARK = "\x01"
"""Marks a sentence that opens with a figure: its words get a capital ("£4 a week." → "Four
pounds a week."), or the splitter would take them for the sentence before going on."""
_OPENS_WITH_FIGURE = re.compile(
    r"((?:^|[.!?][\"')\]\u2019\u201d]*\s+)[\"'(\u2018\u201c]*)(?=[\d£$€])")
_GOES_ON = [[word] for word in (*BEFORE_NUMBERS, *MONTHS, *TITLES, *UNITS, "ca")]
"""Words whose stop a figure goes on after ("No. 3", "947,602 qr. 1 bush.")."""
_STOP_INSIDE = re.compile(r"(?<![\w.])([^\W\d_][\w.]*)\.(?=\s+\S)")
_FIGURE_STOP_GOES_ON = re.compile(r"(?<=\d)\.(?=\s+[a-z])")
"""'1. a promise, 2. a benefit': a numbered item inside a sentence; its stop is a comma
(the voice would end a sentence at "one.")."""
_ENUMERATOR = re.compile(r"(?:(?<=[,;:] )|(?<=\band )|(?<=\bor )|(?<=\bof )|^|(?<=[.!?] )(?=[IVX]))"
                         r"(\d{1,2}|[IVX]{1,5})\."
                         r"(?=\s+[\"'(\u2018\u201c]*[A-Z])")


_ROMAN_ITEM_COMMA = re.compile(r"(?:(?<=[,;:.!?] )|^)([IVX]{1,5}),"
                               r"(?=\s+[\"'(\u2018\u201c]*[A-Za-z])")
"""Melville's "chapters: I, The 'Sperm Whale'; II, the 'Right Whale'"."""


def _enumerators(text: str) -> str:
    """ "were, 1. The Franks; 2. The Alemanni; 3. The Goths" and "some particular facts;
    I. The disorders of Sicily; II. The tumults of Alexandria": numbered items inside a
    sentence (at least the first two, each after a comma, semicolon or colon). Each is
    said with a comma ("one, The Franks"): the voice would end a sentence at "one." and
    read "II." as letters."""
    found = [(match, _value(match.group(1))) for match in _ENUMERATOR.finditer(text)]
    if "II," in text:
        found = sorted([*found, *((match, _value(match.group(1)))
                                  for match in _ROMAN_ITEM_COMMA.finditer(text))],
                       key=lambda item: item[0].start())
    found = [(match, value) for match, value in found if not _after_abbreviation(match)]
    numbers = {value for _, value in found}
    if not ({1, 2} <= numbers or {2, 3} <= numbers):
        return text
    for match, value in reversed(found):
        if value is None:
            continue
        figure = match.group(1)
        said = figure if figure.isdigit() else cardinal(value)
        if not figure.isdigit() and (match.start() == 0 or text[match.start() - 2] in ".!?"):
            said = said.capitalize()
        text = text[:match.start(1)] + said + "," + text[match.end():]
    return text


def _after_abbreviation(match: re.Match[str]) -> bool:
    """The numeral follows an abbreviation's stop, not a sentence's: "12 Geo. I, c. 34" and
    "8 and 9 W. III, c. 30" name a reign."""
    start = match.start()
    if start < 2 or match.string[start - 2] != ".":
        return False
    before = match.string[:start - 2]
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    return word in REIGNS or ends_with_abbreviation(before, "en")


_SECTION_NUMERAL = re.compile(r"^([IVXL]{2,7}|I|V|X)\.(?=\s+[\"'(\u2018\u201c]*([A-Z]\w*))")
"""A paragraph opening with its section's numeral ("II. Rome gradually became…"); "V."
and "X." only before a word that opens sentences ("V. The bishop", not "V. Hugo")."""


def _section_numeral(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(1))
    if not value or match.group(1) in "VX" and match.group(2) not in SENTENCE_STARTERS:
        return match.group(0)
    return f"{cardinal(value).capitalize()}."


PARTS_OF_SPEECH = {
    "n": "noun", "n.pl": "plural noun", "v": "verb", "v.t": "transitive verb",
    "v.i": "intransitive verb", "adj": "adjective", "adv": "adverb", "pp": "past participle",
    "p.p": "past participle", "pro": "pronoun", "pron": "pronoun", "prep": "preposition",
    "conj": "conjunction", "interj": "interjection",
}
"""A dictionary entry's part of speech after its headword ("ABASEMENT, n. A decent…")."""
_PARTS = "|".join(re.escape(part) for part in sorted(PARTS_OF_SPEECH, key=len, reverse=True))
_ENTRY = re.compile(rf"^([A-Z][A-Z'-]+(?: [A-Z'-]+)*, )({_PARTS})\.")


def _dictionary_entry(paragraph: str) -> str:
    """ "ABASEMENT, n. A decent and customary mental attitude": the voice says "en";
    a reader says "noun", and pauses before the definition."""
    return _ENTRY.sub(lambda m: f"{m.group(1)}{PARTS_OF_SPEECH[m.group(2)]}.", paragraph)


def _numbered_items(paragraph: str) -> str:
    """Numbered items, in a sentence or opening the paragraph, said as a list."""
    text = _enumerators(paragraph) if "1." in paragraph or "I." in paragraph or "II," in paragraph \
        else paragraph
    if text[:1] in "IVXL":
        text = _SECTION_NUMERAL.sub(_section_numeral, text)
    return text


def _value(figure: str) -> int | None:
    return int(figure) if figure.isdigit() else roman_to_int(figure)


_MONEY_BEFORE = re.compile(r"\d\s?[sdl]\.\s+$")
_MARKED = re.compile(f"{_MARK}([^A-Za-z{_MARK}]*)([a-z])?")


def _domain(host: str) -> str:
    """ "www.gutenberg.org" → "gutenberg dot org"."""
    host = host.lower().removeprefix("www.")
    return " dot ".join(part for part in host.split(".") if part)


def _url(match: re.Match[str]) -> str:
    """A bare address is said as its site: the path, spelled slash by slash, says nothing."""
    address = re.sub(r"^(?:https?://)", "", match.group(0))
    host = re.split(r"[/?#:]", address, maxsplit=1)[0]
    return _domain(host)


def _junk(match: re.Match[str]) -> str:
    """ "Note., Summer country life., Several" (joined cells) and "a better man.—Where
    away?" (a dash after a stop, read as a comma): a stop before a capital, else a comma;
    after a short capitalised word ("Cal., U.S.A.") or a known abbreviation an
    abbreviation's comma. "man", "go" or "so" are words: their stop ends the sentence."""
    quote = match.group(1)
    word = _WORD_BEFORE.search(match.string, 0, match.start())
    if word and not quote and (
            len(word.group(1)) <= 3 and word.group(1)[0].isupper() and word.group(1) != "I"
            or ends_with_abbreviation(match.string[:match.start()], "en")):
        return ", "
    capital = _CAPITAL_NEXT.match(match.string, match.end())
    return f".{quote} " if capital else f"{quote}, "


def _stop_inside(match: re.Match[str]) -> str:
    """A full stop the splitter does not end a sentence at ("Ch. Glascock") is dropped:
    the voice would end one there."""
    if is_pronoun_i(match.string, match.start(1)):
        return match.group(0)
    if ends_with_abbreviation(match.string[:match.end() - 1], "en", match.string[match.end():]):
        return match.group(1)
    return match.group(0)


def _mark(match: re.Match[str]) -> str:
    if _MONEY_BEFORE.search(match.string, 0, match.end()):  # "26s. 4d.": one sum
        return match.group(0)
    if match.group(1).startswith(".") and (
            ends_with_abbreviation(match.string[:match.start()], "en", match.string[match.end():])
            or match.string[:match.start()].rsplit(None, 1)[-1:] in _GOES_ON):
        return match.group(0)  # "No. 3", "sc. 2" go on
    return match.group(1) + _MARK


def _tidy_marks(text: str) -> str:
    """Marks left doubled by joined cells and dashes read as commas, and a stop inside a
    bracket the sentence goes on after."""
    if ".," in text or '.",' in text or ".'," in text:
        text = _JUNK_STOP_COMMA.sub(_junk, text)
    text = _DOUBLED_MARKS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)
    if ".)" in text:
        text = _STOP_IN_BRACKET.sub("", text)
    return text


def say_english(paragraph: str) -> str:
    """One paragraph of English text as a narrator says it."""
    if is_heading_number(paragraph):
        return say_roman_numerals(paragraph)
    text = _numbered_items(drop_italic_marks(paragraph))
    if ", " in text[:40] and text[:1].isupper():
        text = _dictionary_entry(text)
    text = _OPENS_WITH_FIGURE.sub(_mark, text)
    if "://" in text or "www." in text:
        text = _URL.sub(_url, text)
    if "@" in text:
        text = _EMAIL.sub(lambda m: f"{m.group(1)} at {_domain(m.group(2))}", text)
    if "º" in text:  # "n° 3", "nº 3": the number sign
        text = _NUMBER_SIGN.sub(lambda m: "Number " if m.group(1) == "N" else "number ", text)
    text = say_money(text)
    text = expand_units(text)
    if "cent." in text:
        text = _PER_CENT.sub(lambda m: "percent" + ("." if ends_sentence(m.string, m.end())
                                                    else ""), text)
    text = expand_abbreviations(text)
    text = expand_titles_without_stops(text)
    text = say_roman_numerals(text)
    if "." in text:
        text = _FIGURE_STOP_GOES_ON.sub(",", text)
    if "'" in text:  # "in June, '89": the year's last two digits
        text = _APOSTROPHE_YEAR.sub(r"\1", text)
    text = say_numbers(text)
    text = _tidy_marks(text)
    if "&" in text:
        text = _AMPERSAND_WORD.sub(" and ", text)
    if "." in text:
        text = _STOP_INSIDE.sub(_stop_inside, text)
    if _MARK in text:
        text = _MARKED.sub(lambda m: m.group(1) + (m.group(2) or "").upper(), text)
    return text
