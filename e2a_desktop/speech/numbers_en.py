"""English numbers by context: years, decades, dates, times, ranges, ordinals, fractions.

The voice reads "in 1881" as "one thousand eight hundred eighty-one" and "1/2" as
"one slash two". Numbers are said here in words, so what `e2a text` shows is what
is heard, whatever the engine's own rules.
"""

from __future__ import annotations

import re

from .words_en import cardinal, decade, fraction, number, ordinal, plural_number_word, year


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|"
               "November|December")
_YEAR_CUES = _words(
    "in of since until till by from to year years before after about circa c during "
    "between and early late summer winter spring autumn fall christmas easter dated anno "
    "born died the ad bc AD BC copyright published edition ed")
"""Words after which a four-digit number is a year ("in 1881", "summer of 1820")."""

_DIGIT = re.compile(r"\d")
_ORDINAL = re.compile(r"(?<![\w.,])(\d+)(?:st|nd|rd|th|d)(s|ly)?\b")
_SHORT_DECADE = re.compile(r"(?<![\w'])'?([1-9]0)'?s\b")
_DECADE = re.compile(r"(?<![\w.,])(1[0-9]|20)(\d0)'?s\b")
_DAY_MONTH = re.compile(rf"(?<![\w.,])(\d{{1,2}})(?:st|nd|rd|th|d)?(?: of)? ({MONTH_NAMES})\b")
_MONTH_DAY = re.compile(rf"\b({MONTH_NAMES}) (\d{{1,2}})(?:st|nd|rd|th|d)?(?![\w,.]\d|\d)")
_TIME = re.compile(r"(?<![\w.,:])(\d{1,2})[:.](\d\d)(?=\s?(?:AM|PM|A\.M|P\.M|a\.m|p\.m|"
                   r"o'clock)\b)|(?<![\w.,:])(\d{1,2}):(\d\d)(?![\d:])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_SLASH_FRACTION = re.compile(r"(?<![\w/.])(?:(\d+) )?(\d{1,3})/(\d{1,3}(?:,\d{3})+|\d{1,3})"
                             r"(?![\w/]|,\d)")
"""'1/2', '3 1/4', and '1/28,000' (a grouped denominator: "one over twenty-eight thousand")."""
_AND_FRACTION = re.compile(r"(?<![\w.,])(\d+) and (a half|a quarter|three quarters|one half)\b")
_DOTTED = re.compile(r"(?<![\w.,])\d+(?:\.\d+){2,}(?![\w]|\.\d)")
"""'69.2.6' (dollars, cents and mills; a section 3.4.1): no decimal, each part said."""
_NUMBER = re.compile(r"(?<![\w.,])-?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_PLURAL_NOUN = re.compile(r"\s+(?!(?:was|is|has|his|its|as|us|thus|does|yes|always|perhaps|"
                          r"towards|whereas|besides|this|unless|less|across|afterwards)\b)"
                          r"(?:[a-z]+s|men|people|feet|head|sheep|children|women|"
                          r"hundred|thousand|million)\b")
_COUNT_BEFORE = re.compile(r"(?<![\d,])(?!\d{4}\b)\d[\d,]*\s+to\s+$")
"""'from 285 to 1975' counts votes: the second number is no year either."""
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")


def _is_year(text: str, start: int, end: int, value: int) -> bool:
    """A four-digit number is read as a year unless it counts something ("1200 men")."""
    if not 1000 <= value <= 2099:
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 20), start)
    cued = bool(before and before.group(1).lower() in _YEAR_CUES) or \
        text[max(0, start - 2):start] in (", ", "(")
    if before and before.group(1).lower() in ("ad", "anno"):
        return True
    if _PLURAL_NOUN.match(text, end) or _COUNT_BEFORE.search(text, 0, start):
        return False
    return cued or 1100 <= value <= 1999


def _say_number(match: re.Match[str]) -> str:
    whole, fraction_digits = match.group(1), match.group(2)
    text = match.string
    sign = "minus " if match.group(0).startswith("-") and (
        match.start() == 0 or text[match.start() - 1] in " (") else ""
    if fraction_digits is None and "," not in whole and len(whole) == 4 and \
            _is_year(text, match.start(), match.end(), int(whole)):
        return sign + year(int(whole))
    said = number(whole if fraction_digits is None else f"{whole}.{fraction_digits}")
    if match.group(0).startswith("-") and not sign:
        return "-" + said
    return sign + said


def _range(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    text = match.string
    if len(first) == 4 and _is_year(text, match.start(), match.end(), int(first)):
        said_first = year(int(first))
        if len(second) == 2:  # "1664-65": the second year's last two digits
            said_second = cardinal(int(second)) if int(second) >= 10 \
                else f"oh {cardinal(int(second))}"
        else:
            said_second = year(int(second)) if len(second) == 4 else cardinal(int(second))
        return f"{said_first} to {said_second}"
    return f"{first} to {second}"


def _time(match: re.Match[str]) -> str:
    hours = match.group(1) or match.group(3)
    minutes = match.group(2) or match.group(4)
    if int(hours) > 24 or int(minutes) > 59:
        return match.group(0)
    if minutes == "00":
        return cardinal(int(hours)) + ("" if match.group(1) else " o'clock")
    said_minutes = cardinal(int(minutes)) if int(minutes) >= 10 else f"oh {cardinal(int(minutes))}"
    return f"{cardinal(int(hours))} {said_minutes}"


def _slash_fraction(match: re.Match[str]) -> str:
    whole, numerator = match.group(1), int(match.group(2))
    denominator = int(match.group(3).replace(",", ""))
    if denominator in (2, 4) and numerator == 1 and whole:
        return f"{cardinal(int(whole))} and a {fraction(1, denominator).split()[-1]}"
    if (numerator, denominator) == (1, 2) and not whole and \
            match.string[match.end():match.end() + 3] in (" a ", " an"):
        return "half"  # "1/2 a cup": "half a cup"
    said = fraction(numerator, denominator)
    return f"{cardinal(int(whole))} and {said}" if whole else said


def _day_month(match: re.Match[str]) -> str:
    """ "26 August" → "the twenty-sixth of August" ("the" once after "on the 2nd of June")."""
    the = "" if match.string[max(0, match.start() - 4):match.start()].lower() == "the " else "the "
    return f"{the}{ordinal(int(match.group(1)))} of {match.group(2)}"


def say_numbers(text: str) -> str:
    """Every number of a paragraph in words, read by what surrounds it."""
    if not _DIGIT.search(text):
        return text
    text = _TIME.sub(_time, text)
    text = _DAY_MONTH.sub(_day_month, text)
    text = _MONTH_DAY.sub(lambda m: f"{m.group(1)} {ordinal(int(m.group(2)))}", text)
    text = _DECADE.sub(lambda m: decade(int(m.group(1) + m.group(2))), text)
    text = _SHORT_DECADE.sub(lambda m: plural_number_word(cardinal(int(m.group(1)))), text)
    text = _ORDINAL.sub(lambda m: ordinal(int(m.group(1))) + (m.group(2) or ""), text)
    text = _SLASH_FRACTION.sub(_slash_fraction, text)
    text = _AND_FRACTION.sub(lambda m: f"{cardinal(int(m.group(1)))} and {m.group(2)}", text)
    text = _RANGE.sub(_range, text)
    if "." in text:
        text = _DOTTED.sub(lambda m: " point ".join(cardinal(int(part))
                                                    for part in m.group(0).split(".")), text)
    return _NUMBER.sub(_say_number, text)
