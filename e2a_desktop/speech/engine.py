"""One engine of passes for every language with a decimal comma; a language is data.

French, German, Spanish, Italian, Portuguese and Dutch books need the same kinds of
passes (abbreviations, money, clock times, Roman numerals after a name or a chapter
noun, ordinals, fractions, ranges, plain numbers), in an order each language states.
What differs is the words and the few rules for how a number agrees with its noun;
each language module describes those, and :class:`Language` runs them. Adding a pass
kind here gives it to every language; a language's module holds no plumbing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..ebook.symbols import roman_to_int
from .passes import (
    AMOUNT,
    Currency,
    Replacement,
    capital,
    drop_italic_marks,
    drop_junk_marks,
    drop_stops_inside,
    opens_sentence,
    say_addresses,
    say_amount,
    say_numbers,
    substitute,
    tidy,
)

Needs = Callable[[str], bool]
"""A cheap test of a paragraph, without which a pass cannot match: it is skipped for
most paragraphs of a novel."""


def any_of(characters: str) -> Needs:
    """The paragraph holds one of these characters (one C-level scan)."""
    search = re.compile(f"[{re.escape(characters)}]").search
    return lambda text: search(text) is not None


_DIGIT = re.compile(r"\d")


def DIGITS(text: str) -> bool:  # noqa: N802 (a test named as the constant ROMAN is)
    """The paragraph holds a digit, of any script (the patterns' "\\d" reads them all)."""
    return _DIGIT.search(text) is not None


ROMAN = any_of("IVXLC")
Agree = Callable[[str, int, str], str]
"""(number said, its value, the word after it) → the number as it agrees with that word."""

_HEADING_NUMERAL = re.compile(r"^([IVXLC]+)\.?$")
_FRACTION = re.compile(r"(?<![\w/.,])(\d{1,3})/(\d{1,3})(?![\w/])")
_RANGE = re.compile(r"(?<![\w.,-])(\d{1,4})\s?-\s?(\d{1,4})(?![\w.,-]\d|\d)")
_PERCENT = re.compile(r"(\d)\s?%")
_AMPERSAND = re.compile(r"\s*&\s*")
_ETC_AMPERSAND = re.compile(r"&\s?c\b\.?")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*$")
_TITLE_AFTER_V = re.compile(r"\.\s?[^\W\d_]{1,3}\.")


def word_before(text: str, start: int) -> str:
    """The word before ``start`` (what stands between is no word: "für 1 €": "für")."""
    found = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return found.group(1) if found else ""


def sentence_case(said: str, match: re.Match[str], language: str) -> str:
    """What was said for ``match``, with a capital where it opens a sentence: else the
    splitter takes it for the sentence before, going on."""
    return capital(said) if opens_sentence(match.string, match.start(), language) else said


@dataclass(frozen=True)
class Pass:
    """One rewrite of a paragraph, run where ``needs`` says it can match."""

    apply: Callable[[str], str]
    needs: Needs | None = None


def sub(pattern: re.Pattern[str], replacement: Replacement, needs: Needs | None = None,
        sentence: str = "") -> Pass:
    """A pattern and its replacement; with ``sentence`` (a language code) what it says
    gets a capital where a sentence opens."""
    if sentence and callable(replacement):
        say = replacement

        def replacement(match: re.Match[str]) -> str:
            return sentence_case(say(match), match, sentence)
    return Pass(lambda text: pattern.sub(replacement, text), needs)


def abbreviations(*rules: tuple[str, Replacement]) -> Pass:
    """A language's table of abbreviations, (pattern, what is said), tried in order."""
    table = tuple((re.compile(pattern), said) for pattern, said in rules)
    return Pass(lambda text: substitute(text, table))


def said(word: str, language: str) -> Replacement:
    """A title said in full, with a capital where it opens a sentence ("Sr." → "señor")."""
    return lambda match: sentence_case(word, match, language)


def end_stop(word: str, before_capital: bool = True) -> Replacement:
    """An abbreviation that may end the sentence ("etc."): its stop stays at the paragraph's
    end, and before a capital where capitals open sentences (German nouns are capitals,
    so ``before_capital`` is off there)."""
    def one(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip(" \"')»")
        ends = not rest or before_capital and (rest[0].isupper() or rest[0] in "¿¡")
        return word + ("." if ends else "")
    return one


def ampersand(word: str, etc: str, before_i: str = "") -> Pass:
    """ "Dupont & Cie" → "Dupont et Cie", "&c." → the language's "etc." (expanded by its
    table after); ``before_i``: Spanish says "e" for "y" before an "i" sound."""
    def one(match: re.Match[str]) -> str:
        following = match.string[match.end():match.end() + 3].lower()
        sound = following.removeprefix("h") if following.startswith("hi") else following
        if before_i and sound[:1] in ("i", "í") and sound[1:2] not in ("a", "e", "o", "u"):
            return f" {before_i} "  # "Fernando e Isabel", "padre e hijo"; "y hierro" stays
        return f" {word} "

    def apply(text: str) -> str:
        return _AMPERSAND.sub(one, _ETC_AMPERSAND.sub(etc, text))
    return Pass(apply, any_of("&"))


@dataclass(frozen=True)
class Money:
    """How a language writes and says sums: symbols after the amount ("25 fr."), before it
    ("€ 3,50"), the word between units and cents, the agreement of the amount with the
    currency's gender, and where a symbol's own stop also ends the sentence."""

    currencies: dict[str, Currency]
    after: str
    before: str
    cents_joiner: str
    agree: Callable[[str, bool], str]
    stop_ends_before: str = ""
    """What may follow a symbol's stop for it to end the sentence too ("" keeps none)."""
    before_first: bool = False
    case: Callable[[str, str, str], str] | None = None
    """(amount as agreed, the currency's name, the text just before) → the amount in the
    case the words before ask for (German "für einen Euro", "mit einer Mark")."""


def money(language: str, spec: Money) -> Pass:
    """ "109 fr. 15" → "cent neuf francs quinze", "€ 3,50" → "drie euro vijftig"."""
    after = re.compile(rf"(?<![\w.,]){AMOUNT}\s?({spec.after})") if spec.after else None
    before = re.compile(rf"({spec.before})\s?{AMOUNT}(?![\w,]\d)") if spec.before else None
    stop = re.compile(spec.stop_ends_before) if spec.stop_ends_before else None

    def one(match: re.Match[str], symbol_first: bool) -> str:
        symbol, whole, cents = (match.group(1), match.group(2), match.group(3)) \
            if symbol_first else (match.group(3), match.group(1), match.group(2))
        currency = spec.currencies[symbol]
        agree = spec.agree
        if spec.case is not None:
            case, before = spec.case, match.string[max(0, match.start() - 40):match.start()]

            def agree(said: str, feminine: bool) -> str:
                return case(spec.agree(said, feminine), currency.one, before)
        said = say_amount(whole, cents, currency, language, spec.cents_joiner, agree)
        if stop and symbol.endswith(".") and stop.match(match.string, match.end()):
            said += "."  # "25 fr. Il partit": the symbol's stop ends the sentence too
        return sentence_case(said, match, language)

    def at_after(match: re.Match[str]) -> str:
        return one(match, symbol_first=False)

    def at_before(match: re.Match[str]) -> str:
        return one(match, symbol_first=True)

    passes = [(after, at_after), (before, at_before)]
    if spec.before_first:
        passes.reverse()

    def apply(text: str) -> str:
        for pattern, say in passes:
            if pattern is not None:
                text = pattern.sub(say, text)
        return text
    return Pass(apply, DIGITS)


def clock(language: str, pattern: re.Pattern[str],
          say: Callable[[int, int | None], str]) -> Pass:
    """A time of day: the pattern's first group that matched is the hours, the next the
    minutes; ``say(hours, minutes)`` says it. Past 24 h or 59 min it is no time."""
    def one(match: re.Match[str]) -> str:
        found = [g for g in match.groups() if g is not None]
        hours, minutes = int(found[0]), int(found[1]) if len(found) > 1 else None
        if hours > 24 or (minutes is not None and minutes > 59):
            return match.group(0)
        return say(hours, minutes)
    return sub(pattern, one, DIGITS, sentence=language)


_ENUMERATED = re.compile(r"(?<![\w.,])(\d{1,2})o(\.?)(?![\w'])(\s*[,;:])?")
_PARAGRAPH_END = re.compile(r"[\s\"')\]\u00bb]*$")


def enumerated(language: str, say: Callable[[int], str]) -> Pass:
    """ "1o. la guerre; 2o. la peste": the Latin adverbs primo, secundo written short, said
    as a narrator of the language does (``say(1)``: "premièrement", "ten eerste"), with a
    comma where the stop stood (the voice would say "un o" and stop there)."""
    def one(match: re.Match[str]) -> str:
        value = int(match.group(1))
        if not 0 < value <= 20:
            return match.group(0)
        if match.group(3):
            mark = match.group(3).strip()
        elif _PARAGRAPH_END.match(match.string, match.end()):
            mark = match.group(2)
        else:
            mark = ","
        return sentence_case(say(value), match, language) + mark
    return Pass(lambda text: _ENUMERATED.sub(one, text), DIGITS)


def percent(word: str) -> Pass:
    """ "12 %" → "12 pour cent"; the number is said later, as any other."""
    return sub(_PERCENT, rf"\1 {word}", any_of("%"))


def nouns_pattern(nouns: str) -> str:
    """ "chapitre livre" → an alternation of each noun in lower case, capitalised and in
    capitals, as a book's running text, headings and title pages write them."""
    words = nouns.split()
    return "|".join([*words, *(capital(w) for w in words), *(w.upper() for w in words)])


def numbered(nouns: str, say: Callable[[re.Match[str], str, int], str], digits: bool = True,
             tail: str = r"(?![\w'])") -> Pass:
    """A chapter noun and its number ("Chapitre XII", "Kapitel 3"): ``say(match, noun,
    value)`` says both (``match.group(2)``: the Roman numeral, if it was one); with
    ``digits`` off only Roman numerals are read here."""
    number = r"(?:([IVXLC]+)|(\d+))" if digits else r"([IVXLC]+)()"
    pattern = re.compile(rf"\b({nouns_pattern(nouns)})\s+{number}{tail}")

    def one(match: re.Match[str]) -> str:
        noun, roman, figures = match.group(1), match.group(2), match.group(3)
        value = roman_to_int(roman) if roman else int(figures)
        return match.group(0) if value is None else say(match, noun, value)
    return Pass(lambda text: pattern.sub(one, text))


def regnal(name: str, say: Callable[[re.Match[str], str, int], str],
           not_names: frozenset[str], tail: str = r"(?![\w'-]|\.\w)") -> Pass:
    """A ruler's numeral after a name (``name``: the pattern of one) as in "Louis XIV",
    "Felipe II"; ``say(match, name, value)``. Words that number things ("Chapitre",
    "Tomo") are no names, and a "V." before another abbreviation is a title ("Como V. E.
    sabe": "vuestra excelencia")."""
    pattern = re.compile(rf"\b({name}) ([IVX]+){tail}")

    def one(match: re.Match[str]) -> str:
        value = roman_to_int(match.group(2))
        if not value or match.group(1) in not_names or match.group(2) == "V" \
                and _TITLE_AFTER_V.match(match.string, match.end(2)):
            return match.group(0)
        return say(match, match.group(1), value)
    return Pass(lambda text: pattern.sub(one, text), any_of("IVX"))


def fraction(language: str, say: Callable[[int, int], str]) -> Pass:
    """ "3/4" → "trois quarts"; "0/4" and "3/1" are no fractions and are left."""
    def one(match: re.Match[str]) -> str:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if denominator < 2 or numerator == 0:
            return match.group(0)
        return say(numerator, denominator)
    return sub(_FRACTION, one, any_of("/"), sentence=language)


def ranges(replacement: Replacement, opening: str = "") -> Pass:
    """ "1914-1918" (a hyphen, or an en dash the normaliser made one) as a range; in
    brackets, a range with ``opening`` first ("(1914-1918)": "(de 1914 a 1918)")."""
    if opening and isinstance(replacement, str):
        template = replacement

        def replacement(match: re.Match[str]) -> str:
            said = match.expand(template)
            return f"{opening} {said}" if match.string[match.start() - 1:match.start()] == "(" \
                else said
    return sub(_RANGE, replacement, any_of("-"))


def numbers(language: str, agree: Agree | None = None) -> Pass:
    """Every number left, in words (see :func:`passes.say_numbers`)."""
    return Pass(lambda text: say_numbers(text, language, agree), DIGITS)


@dataclass(frozen=True)
class Language:
    """A language's front end: its code, its passes in order, and how it says a
    chapter-heading numeral standing alone ("XIII" → "Treize.")."""

    code: str
    passes: tuple[Pass, ...]
    whole: Callable[[int], str]

    def say(self, paragraph: str) -> str:
        """One paragraph as a narrator says it."""
        heading = _HEADING_NUMERAL.match(paragraph)
        value = roman_to_int(heading.group(1)) if heading else None
        if value:
            return capital(self.whole(value)) + "."
        text = drop_italic_marks(paragraph)
        if "://" in text or "www." in text:
            text = say_addresses(text, self.code)
        for one in self.passes:
            if one.needs is None or one.needs(text):
                text = one.apply(text)
        return tidy(drop_stops_inside(drop_junk_marks(text, self.code), self.code))
