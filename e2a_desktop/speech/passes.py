"""The mechanics under the passes of languages that write a decimal comma.

French, German, Spanish, Italian, Portuguese and Dutch books write "3,5" for three and a
half and group thousands with a point or a space ("1.000", "1 000"); the voice reads
"1.000" as one point zero and cuts a sentence at every abbreviation's full stop. These
functions read such numbers and sums and find where sentences open; engine.py builds
the passes from them, and each language's module describes only its words and rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..ebook.plaintext import drop_typing_marks
from ..ebook.sentences import ends_with_abbreviation
from .words_intl import cardinal, decimal, digits_said

Replacement = str | Callable[[re.Match[str]], str]

NUMBER = re.compile(r"(?<![\w.,/:-])(-(?=\d))?(\d{1,3}(?:[. ]\d{3})+(?![\d])|\d+)"
                    r"(?:,(\d+))?(?![\w]|[.,]\d)")
"""A number as these languages write it: groups of three after a point or a space
("1.000", "12 000"), then a decimal comma ("3,5")."""
_SENTENCE_END_BEFORE = re.compile(r"([.!?])[\"')\]]*\s+[\"'(\[]*$")
_STOP_INSIDE = re.compile(r"(?<![\w.])([^\W\d_][\w.]*)\.(?=\s+[^\W\d_])")
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")
_SPACES = re.compile(r"  +")
_TWO_DOTS = re.compile(r"(?<![.])\.\.(?![.])")
_DIGITS = re.compile(r"(?<![^\W\d_])\d+(?![^\W\d_])")
_POINTED = re.compile(r"(\d+)\.(\d+)")
_POINT = {"fr": "point", "de": "Punkt", "es": "punto", "it": "punto", "pt": "ponto",
          "nl": "punt"}


def opens_sentence(text: str, start: int, language: str) -> bool:
    """Whether ``start`` is where a sentence opens: words said for a figure there get a
    capital, or the splitter takes them for the sentence before going on."""
    before = text[:start]
    if not before.strip(" \"'([\u00ab"):
        return True
    end = _SENTENCE_END_BEFORE.search(before)
    if end is None:
        return False
    if end.group(1) != ".":
        return True
    return not ends_with_abbreviation(before[:end.start()], language)


def word_set(text: str) -> frozenset[str]:
    """A table of words written as one string."""
    return frozenset(text.split())


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\s+$")


def after_a_name(text: str, start: int, language: str) -> bool:
    """A capitalised word that opens no sentence stands just before ``start``: in "Juan
    D. Pérez" or "José Maria S. Silva" the letter is an initial, not "don" or "São"."""
    found = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if found is None:
        return False
    return found.group(1)[0].isupper() and not opens_sentence(text, found.start(1), language)


def capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def next_word(text: str, end: int) -> str:
    """The word after ``end`` ("" if a mark or nothing follows first)."""
    found = _NEXT_WORD.match(text, end)
    return found.group(1) if found else ""


def substitute(text: str, rules: tuple[tuple[re.Pattern[str], Replacement], ...]) -> str:
    """Apply a language's table of (pattern, replacement) in order."""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def number_value(whole: str) -> int:
    """ "1.000" or "12 000" → the integer."""
    return int(re.sub(r"[. ]", "", whole))


def say_number(whole: str, digits: str | None, language: str) -> str:
    """A number as written ("1.000", "3", "5") in words; long serials digit by digit."""
    plain = re.sub(r"[. ]", "", whole)
    if len(plain) > 15 or (len(plain) > 1 and plain.startswith("0")):
        said = digits_said(plain, language)
        return said if digits is None else said + " " + decimal("0", digits, language).split(
            " ", 1)[1]
    if digits is not None:
        return decimal(plain, digits, language)
    return cardinal(int(plain), language)


def say_numbers(text: str, language: str,
                agree: Callable[[str, int, str], str] | None = None) -> str:
    """Every number left in words; ``agree(said, value, next word)`` makes it agree with
    the noun after it (a feminine noun, the German "ein" before a noun)."""
    def one(match: re.Match[str]) -> str:
        whole, digits = match.group(2), match.group(3)
        said = say_number(whole, digits, language)
        if agree is not None and digits is None:
            said = agree(said, number_value(whole), next_word(text, match.end()))
        if match.group(1):
            said = {"fr": "moins", "de": "minus", "es": "menos", "it": "meno", "pt": "menos",
                    "nl": "min"}[language] + " " + said
        return capital(said) if opens_sentence(text, match.start(), language) else said

    text = NUMBER.sub(one, text)
    if _DIGITS.search(text):  # what no rule read ("3.5" in English style, "0/0", "2:1")
        text = _POINTED.sub(lambda m: f"{cardinal(int(m.group(1)), language)} "
                            f"{_POINT[language]} {digits_said(m.group(2), language)}", text)
        text = _DIGITS.sub(lambda m: say_number(m.group(0), None, language), text)
    return text


def drop_stops_inside(text: str, language: str) -> str:
    """A full stop the splitter does not end a sentence at ("J. Verne", "Bd. 3") is
    dropped: the voice would end a sentence there."""
    if "." not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if ends_with_abbreviation(match.string[:match.end() - 1], language):
            return match.group(1)
        return match.group(0)

    return _STOP_INSIDE.sub(one, text)


_ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'\u2019\u00bb]")
_JUNK_STOP_COMMA = re.compile(r"(?<=[^\W\d_])\.([\"'\u2019\u201d\u00bb]?),\s*")
_CAPITAL_NEXT = re.compile(r"[\"'\u2018\u201c\u00ab(\s]*[^\W\d_]")
_DOUBLED_MARKS = re.compile(r"([;:!?]),(?=\s)|,([.!?;:])")


def drop_italic_marks(text: str) -> str:
    """Plain-text books' typed marks ("_Alex._", "=gras=", "vleesch."[8]), as the reader
    drops them (``drop_typing_marks``): the voice read "._" as a word ("punt"), "=" as
    "equals" and "[8]" as a sentence. Here too for text that reaches the front end by
    another way (a lexicon's replacement, the tests' cases), a named omission."""
    return drop_typing_marks(text)


def say_addresses(text: str, language: str) -> str:
    """A bare address is said as its site, in the language's word for the dot
    ("http://www.pgdp.net" → "pgdp point net"): the path, slash by slash, says nothing."""
    def one(match: re.Match[str]) -> str:
        host = re.split(r"[/?#:]", re.sub(r"^https?://", "", match.group(0)), maxsplit=1)[0]
        parts = [part for part in host.lower().removeprefix("www.").split(".") if part]
        return f" {_POINT[language[:2]]} ".join(parts)

    return _ADDRESS.sub(one, text)


def drop_junk_marks(text: str, language: str) -> str:
    """ "Jean.—Et je suis Jean" and "papa?—Oui" reach the front end as "Jean., Et" and
    "papa?, Oui" (the reader reads a dash as a comma): the stop or the mark alone is
    said, a stop before a lower-case word or after an abbreviation becoming a comma."""
    def stop(match: re.Match[str]) -> str:
        quote = match.group(1)
        if not quote and ends_with_abbreviation(match.string[:match.start()], language):
            return ", "
        capital = _CAPITAL_NEXT.match(match.string, match.end())
        return f".{quote} " if capital and capital.group(0)[-1].isupper() else f"{quote}, "

    if "," not in text:
        return text
    if ".," in text or '.",' in text or ".'," in text or ".\u00bb," in text:
        text = _JUNK_STOP_COMMA.sub(stop, text)
    return _DOUBLED_MARKS.sub(lambda m: m.group(1) or m.group(2), text)


def tidy(text: str) -> str:
    """Spaces left doubled by an expansion, and the ellipsis an expanded abbreviation's
    stop was part of ("etc..." → "et cetera..", given back its three dots)."""
    if ".." in text:
        text = _TWO_DOTS.sub("...", text)
    return _SPACES.sub(" ", text) if "  " in text else text


@dataclass(frozen=True)
class Currency:
    """How one currency is said: "euro"/"euros", and whether its name is feminine
    ("une livre", "eine Mark", "una peseta")."""

    one: str
    many: str
    feminine: bool = False


AMOUNT = r"(\d{1,3}(?:[. ]\d{3})+|\d+)(?:,(\d\d|-{1,2}))?"
_LARGE = re.compile(r"(?:million|milliard|Million|Milliarde|millón|millones|milione|milioni|"
                    r"miliardo|miliardi|milhão|milhões|miljoen|miljard)(?:s|en)?$")


def say_amount(whole: str, cents: str | None, currency: Currency, language: str,
               cents_joiner: str, agree: Callable[[str, bool], str]) -> str:
    """ "3", "50", euro → "trois euros cinquante"; "1 000 000" € → "un million d'euros"."""
    value = number_value(whole)
    said = agree(say_number(whole, None, language), currency.feminine)
    name = currency.one if value == 1 else currency.many
    if _LARGE.search(said):
        if language == "fr":
            name = ("d'" if name[:1] in "aeiouéAEIOU" else "de ") + name
            return f"{said} {name}"
        if language in ("es", "it", "pt"):
            name = ("di " if language == "it" else "de ") + name
    said = f"{said} {name}"
    if cents and cents.strip("-") and int(cents):
        said += f" {cents_joiner} {cardinal(int(cents), language)}" if cents_joiner else \
            f" {cardinal(int(cents), language)}"
    return said
