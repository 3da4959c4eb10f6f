"""English number words: cardinals, ordinals, years, decimals, as a narrator says them.

num2words does the counting; this module only shapes its output for a voice: no
commas inside a number (each would be a pause: "one thousand, one hundred"), and
"oh" in years read as two words ("eighteen oh five", not "eighteen oh-five").
"""

from __future__ import annotations

from functools import lru_cache

from num2words import num2words


@lru_cache(maxsize=4096)
def cardinal(number: int) -> str:
    """1100 → "one thousand one hundred"; negative numbers get "minus"."""
    return str(num2words(number, lang="en")).replace(",", "")


@lru_cache(maxsize=1024)
def ordinal(number: int) -> str:
    """22 → "twenty-second"."""
    return str(num2words(number, lang="en", to="ordinal")).replace(",", "")


@lru_cache(maxsize=4096)
def year(number: int) -> str:
    """1881 → "eighteen eighty-one", 1905 → "nineteen oh five", 2000 → "two thousand"."""
    if number < 1000 or number >= 10000:
        return cardinal(number)
    return str(num2words(number, lang="en", to="year")).replace("oh-", "oh ").replace(",", "")


def decade(number: int) -> str:
    """1920 → "nineteen twenties", 1600 → "sixteen hundreds", 1900 → "nineteen hundreds"."""
    said = year(number)
    if said.endswith("hundred") or said.endswith("thousand"):
        return said + "s"
    head, _, last = said.rpartition(" ")
    tens, dash, unit = last.rpartition("-")
    last = f"{tens}{dash}{plural_number_word(unit)}"
    return f"{head} {last}".strip()


def plural_number_word(word: str) -> str:
    """ "twenty" → "twenties", "six" → "sixes"."""
    if word.endswith("y"):
        return word[:-1] + "ies"
    if word.endswith(("x", "s")):
        return word + "es"
    return word + "s"


def digits(text: str) -> str:
    """ "007" → "oh oh seven": numbers with a leading zero are read digit by digit."""
    return " ".join("oh" if d == "0" else cardinal(int(d)) for d in text)


def decimal(whole: str, fraction: str) -> str:
    """ "3", "14" → "three point one four"."""
    said_whole = cardinal(int(whole)) if whole else ""
    said_fraction = " ".join(cardinal(int(d)) for d in fraction)
    return f"{said_whole} point {said_fraction}".strip()


def number(text: str) -> str:
    """Digits as written ("1,000", "3.5", "007") in words."""
    text = text.replace(",", "")
    if "." in text:
        whole, _, fraction = text.partition(".")
        return decimal(whole, fraction)
    if len(text) > 1 and text.startswith("0"):
        return digits(text)
    if len(text) > 15:  # an account or serial number, not a quantity
        return digits(text)
    return cardinal(int(text))


_SMALL_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def fraction(numerator: int, denominator: int) -> str:
    """1, 2 → "one half"; 3, 4 → "three quarters"; 5, 8 → "five eighths"."""
    if denominator == 0 or denominator > 1000:
        return f"{cardinal(numerator)} over {cardinal(denominator)}"
    if denominator in _SMALL_DENOMINATORS:
        one, many = _SMALL_DENOMINATORS[denominator]
    elif denominator == 1:
        return f"{cardinal(numerator)} over one"
    else:
        one = ordinal(denominator)
        many = one + "s"
    return f"{cardinal(numerator)} {one if numerator == 1 else many}"
