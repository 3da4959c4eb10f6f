"""Turn raw text from any reader into text a voice can say, keeping its meaning.

Readers hand over text with typographic quotes, dashes, soft hyphens, odd
spaces and symbols. Voices stumble on those (Piper spells some out, skips others),
so every reader's output goes through :func:`normalize_text` once. Symbols that
carry meaning (°, %, §, ⁄, ½) are said in words of the book's language first, so
dropping unspeakable characters never turns "2⁄3" into "23" or "30°" into "30".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from e2a_node.phonemes import MARKS as PHONEME_MARKS

from .symbols import (
    ENGLISH,
    GREEK_NAMES,
    SymbolWords,
    fraction_words,
    roman_to_int,
    symbol_words,
)

_REPLACE: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
    "\u2007": " ", "\u3000": " ",
    "\u2022": " ", "\u00b7": " ", "\u25cf": " ",
    "\u2026": "...",
    "\u2044": "/",
}
"""Typography a voice gets wrong, as plain characters ("" deletes)."""
_SMALL_CAPITALS = dict(zip("\u1d00\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a\u1d0a\u1d0b"
                           "\u029f\u1d0d\u0274\u1d0f\u1d18\u01eb\u0280\ua731\u1d1b\u1d1c\u1d20"
                           "\u1d21\u028f\u1d22", "abcdefghijklmnopqrstuvwyz", strict=True))
_REPLACE.update(_SMALL_CAPITALS)  # "Dᴇs ᴍᴇᴍᴇs" is "Des memes" set in small capitals
# Marks of ownership are not read ("MathSpeak™" is "MathSpeak"); NFKC would make them "TM".
_SILENT_MARKS = ("\u2122", "\u00ae", "\u2120")

# An em or en dash (or a double hyphen) between words is a pause: speak it as a comma.
# Only spaces and tabs around it are eaten, never a paragraph break.
_DASH_PAUSE = re.compile(r"[ \t]*(?:\u2014|\u2013|\u2015|--+)[ \t]*")
# A dash after a word, right before a closing bracket or a stop, says no pause of its own:
# "(1851– )", an open range (born 1851, still living), is read "(1851)", not "(1851, )".
_DASH_BEFORE_CLOSE = re.compile(r"(?<=\w)[ \t]*(?:\u2014|\u2013|\u2015|--+)[ \t]*(?=[)\]}.;:!?])")
# A question broken off ("“Where’s⁠—?” said I"): the dash is the pause of a voice
# trailing off, an ellipsis ("Where's...?"), never ",?" nor no pause at all.
_BROKEN_OFF = re.compile(r"(?<=\S)[ \t]*(?:\u2014|\u2015|--+)[ \t]*(?=\?)")
# A line opening with a dash is a line of dialogue ("— Bonjour, dit-il."): its own paragraph.
_DIALOGUE_LINE = re.compile(r"\n[ \t]*(?=[\u2014\u2015\u2013])")
_ELLIPSIS = re.compile(r"\.(?:\s*\.){2,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_MANY_BREAKS = re.compile(r"\n\s*\n\s*(?:\n\s*)*")
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_SPACE_BEFORE_MARK = re.compile(r"[ \t]+([,.;:!?])")
_REPEATED_COMMAS = re.compile(r",([ \t]*,)+|,(?=[?!])")  # ",?" (a dash's comma) is "?"
# "the x y -plane": markup put a space before the hyphen of a compound; join it back.
_SPACED_HYPHEN = re.compile(r"(?<=\w)[ \t]+-(?=[^\W\d_])")
# Characters that carry no speech: symbols, drawing characters, emoji, control codes.
_UNSPEAKABLE_CATEGORIES = {"So", "Sk", "Co", "Cn", "Cs", "Cc", "Cf"}
# Verse lines (U+2028, from <br/>): no spaces around one, never two in a row.
_VERSE_LINES = re.compile("[ \t]*\u2028[\u2028 \t]*")
_SCENE_BREAK = re.compile(r"^[\s*#~_=.\-]+$")

_VULGAR = re.compile(r"(\d?)([\u00bc-\u00be\u2150-\u215e])")
# "85,179⁵⁄₁₁": a fraction set in superscript over subscript figures, glued to the whole
# number; NFKC alone made it "85,1795/11". Set apart and in plain figures: "85,179 5⁄11".
_SUPERSCRIPTS = "\u2070\u00b9\u00b2\u00b3\u2074-\u2079"
_SUBSCRIPTS = "\u2080-\u2089"
_RAISED_FRACTION = re.compile(
    rf"(\d?)[ \t]*([{_SUPERSCRIPTS}]+)[ \t]*[\u2044/][ \t]*([{_SUBSCRIPTS}\d]+)")
# Invisible joiners (Standard Ebooks' WORD JOINER around every dash: "1674⁠–⁠1751") say
# nothing and would hide a dash or a range from the patterns below: dropped first.
_JOINER_CHARS = "\u2060\ufeff\u200b\u200c\u200d"
_JOINERS = str.maketrans("", "", _JOINER_CHARS)
_FRACTION = re.compile(r"(?:(\d+)[ \t]+)?(\d+)[ \t]*\u2044[ \t]*(\d+)")
_DMS = re.compile(r"(\d+(?:[.,]\d+)?)[ \t]*\u00b0(?:[ \t]*(\d+(?:[.,]\d+)?)[ \t]*[\u2032']"
                  r"(?:[ \t]*(\d+(?:[.,]\d+)?)[ \t]*(?:\u2033|''|\"))?)?(?:[ \t]*([CF])(?!\w)"
                  r"(?:\.(?=[ \t]+[a-z]))?)?")  # "40° F. and below": that stop ends nothing
_PERCENT = re.compile(r"[ \t]*%")
_SECTIONS = re.compile(r"\u00a7\u00a7[ \t]*|\u00a7[ \t]*")
_RANGE = re.compile(r"(\d)[ \t]*\u2013[ \t]*(\d)")
# A range whose end is printed short: "the winter of 1750–1" (a year's last figure) is said
# "1750 to 51" ("seventeen fifty to fifty-one", not "to one"); "pp. 172–3" is "172 to 173"
# (not "to three"); "1865–69" stays, read "eighteen sixty-five to sixty-nine".
_BEFORE_CHRIST = re.compile(r"\b(?:BC|B\.C\.|BCE|B\.C\.E\.)[ \t]*$")
_BEFORE_CHRIST_AFTER = re.compile(r"[ \t]*(?:BC|B\.C\.|BCE|B\.C\.E\.)(?!\w)")
_SHORT_RANGE = re.compile(r"(?<![\d,.])(\d+)([ \t]*\u2013[ \t]*)(\d+)(?![\d]|[,.]\d)")
# "n°" and "nº" are the number sign, not degrees nor "no": kept through NFKC as "n°" (NFKC
# makes "º" an "o"), then given back as "nº", which each language's front end reads.
_NUMERO = re.compile(r"\b([Nn])[ \t]*[\u00b0\u00ba]")
_NUMERO_KEPT = re.compile(r"\b([Nn])\u00b0")
_DEGREE_SIGN = re.compile(r"(?<!\b[Nn])\u00b0")
# "1° la guerre ; 2° la peste": primo, secundo written with the degree sign (French law
# books, Dutch essays' "1°., uit de stokers"). An item opens a line or follows a stop, a
# colon, a comma or "et"; it is followed by a word (or the list's own stop) that is
# neither a compass point nor a scale ("43° OL.", "10° C"), nor "de latitude".
_PRIMO = re.compile(
    r"(?:(?<![^\n(:;,.\u00ab\"\u201c\u2014\u2013])|(?<=\bet )|(?<=\bou )|(?<=\ben )"
    r"|(?<=\bof )|(?<=\by )|(?<=\be ))(?<!\d[.,])([ \t]*)(\d{1,2})\u00b0"
    r"(?=\.?[ \t]*[,;:]|\.?[ \t]+(?!(?:[A-Z]{1,3}|de|du|des|d|of|van|au|sous|dessous"
    r"|dessus|degr\w*|graden|Celsius|Fahrenheit|R\u00e9aumur)\b)[^\W\d_])")
_PRIMO_LANGUAGES = frozenset({"fr", "nl", "es", "it", "pt"})
"""Where "1°" opens a list's item and the front end says "1o" (premièrement, ten eerste)."""
_ANY_GREEK = re.compile(r"[\u0391-\u03c9\u03d1\u03d5\u03f5]")
# "Copyright © 2012" says "copyright" once.
_COPYRIGHT_TWICE = re.compile(r"(?i)(\bcopyright)[ \t]*\u00a9|\u00a9[ \t]*(copyright\b)")
_ARROWS = re.compile("[ \t]*[\u2192\u27f6\u21d2\u27f9\u2794\u279c][ \t]*")
_TIMES = re.compile("[ \t]*\u00d7[ \t]*")
_GREEK_LETTER = re.compile(r"(?<!\w)([\u0391-\u03a9\u03b1-\u03c9\u03d1\u03d5\u03f5])(?!\w)")


@lru_cache(maxsize=4096)
def _speakable(char: str) -> bool:
    if char in "\n " or char in PHONEME_MARKS or 0xF0000 <= ord(char) < 0xFFFFE:
        return True  # (a book's phoneme hint: e2a_node.phonemes)
    category = unicodedata.category(char)
    # Arrows and other non-ASCII maths symbols are typography; "+" and "=" are speakable.
    return category not in _UNSPEAKABLE_CATEGORIES and not (category == "Sm" and ord(char) > 127)


def _clean_characters(text: str) -> str:
    """Replace typography and drop unspeakable characters, one C-level pass per character kind.

    Deciding per character in Python took most of a large book's reading time; a book uses
    a few hundred distinct characters, so the decisions are made on its character set.
    """
    present = set(text)
    for char in present & _REPLACE.keys():
        text = text.replace(char, _REPLACE[char])
    for char in present - _REPLACE.keys():
        if not _speakable(char):
            text = text.replace(char, "")
    return text


def _degrees(match: re.Match[str], words: SymbolWords) -> str:
    degrees, minutes, seconds, scale = match.groups()
    parts = [words.counted(degrees, words.degree)]
    if minutes:
        parts.append(words.counted(minutes, words.minute))
    if seconds:
        parts.append(words.counted(seconds, words.second))
    if scale:
        parts.append(words.celsius if scale == "C" else words.fahrenheit)
    return " ".join(parts)


def _fraction(match: re.Match[str], words: SymbolWords | None) -> str:
    whole, numerator, denominator = match.groups()
    if words is None or (words is ENGLISH and int(denominator) not in words.fractions):
        # English's front end says "5/11" as "five elevenths", "1/352" as "one three
        # hundred and fifty-second" (the table's "5 over 11" is no reader's)
        spoken = f"{numerator}/{denominator}"
    else:
        spoken = fraction_words(int(numerator), int(denominator), words)
    if match.string[match.end():match.end() + 1].isalnum():
        spoken += " "  # "8½d." is eight and a half pence: keep "d." a word of its own
    if not whole:
        return spoken
    if words is ENGLISH and numerator == "1" and denominator in ("2", "4"):
        spoken = "a " + spoken.split(" ", 1)[1]  # "1½ cups": "one and a half cups"
    return f"{whole} and {spoken}" if words is ENGLISH else f"{whole} {spoken}"


MAX_HEADING_CHARS = 80
# "MIX." is a word, not 1009; "V. Exa." (Vossa Excelência) is a title, not a numbered heading.
_LEADING_ROMAN = re.compile(r"^(?![IVXLC]\.\s+[^\W\d_]{1,4}\.)([IVXLC]+)(?=\.(?:\s|$))")


def _arabic(match: re.Match[str], group: int) -> str:
    value = roman_to_int(match.group(group))
    if value is None:
        return match.group(0)
    return match.group(0)[: match.start(group) - match.start(0)] + str(value)


def say_heading_numbers(paragraph: str, words: SymbolWords | None) -> str:
    """ "CHAPTER XII" → "CHAPTER 12", "IV. DEATH BY WATER" → "4. DEATH BY WATER".

    Only in a heading-length paragraph: voices spell Roman numerals letter by letter
    ("X I I") or read "I." as the pronoun.
    """
    if len(paragraph) > MAX_HEADING_CHARS or not any(c in paragraph for c in "IVXLCDM"):
        return paragraph
    paragraph = _LEADING_ROMAN.sub(lambda m: _arabic(m, 1), paragraph)
    if words is not None and words.numbered:
        # "a book I had read": "I" before a lower-case word is the pronoun.
        pattern = re.compile(rf"\b(?:{'|'.join(words.numbered)})\s+([IVXLCDM]+)\b"
                             r"(?!(?<=\sI)\s+[a-z])", re.I)
        paragraph = pattern.sub(lambda m: _arabic(m, 1), paragraph)
    return paragraph


def _say_signs(text: str, words: SymbolWords) -> str:
    """©, ×, arrows and "&c." in words: dropped as unspeakable, they would say nothing."""
    if "\u00a9" in text:
        text = _COPYRIGHT_TWICE.sub(lambda m: m.group(1) or m.group(2), text)
        text = text.replace("\u00a9", f" {words.copyright} ")
    if "\u00d7" in text and words.times:
        text = _TIMES.sub(f" {words.times} ", text)
    if words.arrow and _ARROWS.search(text):
        arrow = words.yields if "+" in text or "=" in text else words.arrow
        text = _ARROWS.sub(f" {arrow} ", text)
    if words is ENGLISH and "&" in text:  # other languages' front ends say it in their words
        text = text.replace("&c.", "etc.").replace("&c", "etc.").replace("&", " and ")
    return text


def _primo(text: str, language: str) -> str:
    """ "1° la guerre, 2° la peste" is handed on as "1o la guerre, 2o la peste", which the
    front end says "premièrement", not "1 degrés" (Dutch dropped the sign: "1 de wet"). Only
    a list (its 1° and its 2° both there) and only up to 20° is one: a lone "10°, à peine"
    is a temperature."""
    if language.split("-")[0].split("_")[0].lower() not in _PRIMO_LANGUAGES:
        return text
    items = [m for m in _PRIMO.finditer(text) if 0 < int(m.group(2)) <= 20]
    values = {m.group(2) for m in items}
    if "1" not in values or "2" not in values:
        return text
    pieces, start = [], 0
    for item in items:
        pieces.append(f"{text[start:item.start()]}{item.group(1)}{item.group(2)}o")
        start = item.end()
    pieces.append(text[start:])
    return "".join(pieces)


def _number_signs(text: str, words: SymbolWords | None) -> str:
    """ "n° 3" keeps its number sign (not degrees); outside English, "1914–1918" is
    handed on as "1914-1918", the range each language's front end says ("1914 à 1918")."""
    if "\u00b0" in text or "\u00ba" in text:
        text = _NUMERO.sub("\\1\u00b0", text)
    if words is not ENGLISH and "\u2013" in text:
        text = _RANGE.sub(r"\1-\2", text)
    return text


def _raised_fraction(match: re.Match[str]) -> str:
    whole, numerator, denominator = match.groups()
    plain = unicodedata.normalize("NFKC", f"{numerator}\u2044{denominator}")
    return f"{whole} {plain}" if whole else plain


def _short_range(match: re.Match[str]) -> str:
    first, dash, end = match.groups()
    if len(end) >= len(first) or len(first) < 3:  # "won 10–2" is a score, not 10 to 12
        return match.group(0)
    text = match.string
    if _BEFORE_CHRIST.search(text, max(0, match.start() - 8), match.start()) \
            or _BEFORE_CHRIST_AFTER.match(text, match.end()):
        return match.group(0)  # "BC 141–87" counts down: 141 to 87, not to 187
    whole = first[:len(first) - len(end)] + end
    if int(whole) <= int(first):
        return match.group(0)  # "1759–1" is no range
    if len(first) == 4 and first[0] in "12":  # a year: its end in two figures at most
        whole = whole[-2:] if len(end) == 1 else end
    return f"{first}{dash}{whole}"


def _raised_and_ranges(text: str) -> str:
    """Joiners dropped, raised fractions in plain figures, a range's short end made whole."""
    if any(joiner in text for joiner in _JOINER_CHARS):
        text = text.translate(_JOINERS)
    if "\u2044" in text or "/" in text:
        text = _RAISED_FRACTION.sub(_raised_fraction, text)
    if "\u2013" in text:
        text = _SHORT_RANGE.sub(_short_range, text)
    return text


def say_symbols(text: str, language: str = "en") -> str:
    """Spell out symbols that carry meaning, in the language's words where it has a table."""
    words = symbol_words(language)
    text = _raised_and_ranges(text)
    for mark in _SILENT_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    # Each pass is guarded by a cheap test: most paragraphs of a novel have none of these.
    if _VULGAR.search(text):
        text = _VULGAR.sub(
            lambda m: f"{m.group(1)} {unicodedata.normalize('NFKC', m.group(2))}", text)
    if "\u2044" in text:
        text = _FRACTION.sub(lambda m: _fraction(m, words), text)
    if "\u00b0" in text:
        text = _primo(text, language)
    text = _number_signs(text, words)
    if words is None:
        return text
    if "\u00b0" in text:
        text = _DMS.sub(lambda m: _degrees(m, words), text)
        text = _DEGREE_SIGN.sub(f" {words.degree} ", text)
    if "%" in text:
        text = _PERCENT.sub(f" {words.percent}", text)
    if "\u00a7" in text:
        text = _SECTIONS.sub(
            lambda m: f"{words.sections if len(m.group().strip()) == 2 else words.section} ",
            text)
    text = _say_signs(text, words)
    if words is ENGLISH and "\u2013" in text:
        text = _RANGE.sub(r"\1 to \2", text)
    if words is ENGLISH and _ANY_GREEK.search(text):
        text = _GREEK_LETTER.sub(lambda m: GREEK_NAMES.get(m.group(1), m.group(1)), text)
    return text

def normalize_text(text: str, language: str = "en") -> str:
    """Normalise Unicode, symbols, quotes, dashes, ellipses and whitespace; keep paragraphs.

    Paragraphs come back separated by exactly one blank line; lines inside a
    paragraph are joined. Scene-break lines ("* * *") are dropped.
    """
    text = say_symbols(text.replace("\r\n", "\n"), language)
    text = unicodedata.normalize("NFKC", text)
    if "\u00b0" in text:
        text = _NUMERO_KEPT.sub("\\1\u00ba", text)
    text = _DIALOGUE_LINE.sub("\n\n", text)
    text = _BROKEN_OFF.sub("...", text)
    text = _DASH_PAUSE.sub(", ", _DASH_BEFORE_CLOSE.sub("", text))
    text = _clean_characters(text)
    text = _ELLIPSIS.sub("...", text)
    # Whole-text passes (one C-level scan each) before the per-paragraph trim.
    text = _SPACES.sub(" ", _LINE_BREAK.sub(" ", text))
    text = _REPEATED_COMMAS.sub(lambda m: "," if m.group(1) else "",
                                _SPACE_BEFORE_MARK.sub(r"\1", text))
    text = _SPACED_HYPHEN.sub("-", text)
    if "\u2028" in text:
        text = _VERSE_LINES.sub("\u2028", text)
    words = symbol_words(language)
    paragraphs = []
    for block in _MANY_BREAKS.split(text):
        # A stanza's last line keeps its comma: the poem goes on ("Or, long, long hence,").
        verse = "\u2028" in block
        block = block.strip(" \n\u2028").lstrip(", ") if verse else block.strip(" ,\n")
        if block and not _SCENE_BREAK.match(block):
            paragraphs.append(say_heading_numbers(block, words))
    return "\n\n".join(paragraphs)
