"""Roman numerals by context: regnal titles, numbered parts, headings that are only a numeral.

The voice says "Henry VIII" as "Henry roman eight" and a heading "XIII" as "roman
thirteen". A narrator says "Henry the Eighth", "Chapter Thirteen", "Thirteen". The
pronoun "I" is left alone: it is a numeral only after a monarch's name or a
numbering word ("Charles I", "Book I").
"""

from __future__ import annotations

import re

from ..ebook.symbols import roman_to_int
from .words_en import cardinal, ordinal


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONARCHS = _words(
    "Henry Charles James William Edward George Richard Elizabeth Louis Philip Peter "
    "Catherine Frederick Napoleon Pius Leo Gregory John Mary Alexander Nicholas Victor "
    "Ferdinand Francis Innocent Clement Urban Benedict Boniface Paul Sixtus Alfonso "
    "Gustavus Gustav Christian Frederic Otto Ludwig Wilhelm Joseph Leopold Ivan Umberto "
    "Rudolph Rudolf Sancho Pedro Manuel Carlos Juan Felipe David Robert Harold "
    "Stephen Anne Victoria Constantine Justinian Theodosius Ptolemy Antiochus Rameses "
    "Ramses Amenhotep Thutmose Darius Xerxes Artaxerxes Cyrus Haakon Olaf Eric Magnus "
    "Canute Sigismund Casimir Stanislaus Wenceslaus Baldwin Conrad Lothair Pepin "
    "Childeric Clovis Hugh Raymond Alphonso Martin Julius Marcus Adrian Hadrian")
"""Names after which even "I", "V" or "X" is a regnal number ("Charles I")."""

NUMBERED = ("chapter|chapters|book|books|part|parts|volume|volumes|vol|act|acts|scene|scenes|"
            "canto|cantos|letter|section|sections|stave|appendix|lecture|lesson|number|page|"
            "pages|psalm|article|plate|figure|war|fytte|epistle|ode|sonnet|class|"
            "division|series|article|vol|dialogue|dialogues|epistle|epistles")
"""Words a numeral counts after: said as a cardinal ("Chapter XII" → "Chapter twelve")."""

_NOT_NAMES = _words(
    "The A An I He She It We They You But And Then There This That In On At Of To For "
    "Mister Missus Doctor Saint Mr Mrs Dr St Chapter Book Part Volume Act Scene Mount")

_NUMERAL = r"(?=[IVXLCDM])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_AFTER_NUMBERED = re.compile(
    rf"\b((?i:{NUMBERED}))\.?(\s+)({_NUMERAL}|(?i:{_NUMERAL.lower()}))(?![\w'])(\.(?=\s+[a-z,]))?")
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
                r"fifty|sixty|seventy|eighty|ninety|hundred)")
_LISTED_NUMERAL = re.compile(rf"\b({_NUMBER_WORD})(, | and | to )"
                             rf"([ivxlc]{{2,}}|[IVXLC]{{2,}}|[VX])\b(?!['-])")
"""The next numeral of a list a numbered word began ("chapters vii, viii", "pp. lxxx,
lxxxi"), once the first is said: "chapters seven, eight"."""
_REGNAL_NUMERAL = r"(?=[IVXLC])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_REGNAL = re.compile(rf"\b([A-Z][a-z]+|[A-Z]{{2,}})(\s+)({_REGNAL_NUMERAL})(?![\w])"
                     rf"(?:\.?(\s+(?:and|or|&)\s+)((?!I\b){_REGNAL_NUMERAL})(?![\w'-]))?")
"""A ruler's numeral, and a second one after "and" ("Charles I. and II.": the First and the
Second; a lone "I" there is the pronoun, "Henry V and I went")."""
_COUNTED = frozenset(("years", "months", "weeks", "days", "hours", "lines", "verses", "leaves",
                      "columns", "tables", "plates", "items"))
"""Plural nouns a numeral counts ("Years XII", a table's heading): a number, never a reign."""
_PRONOUN_FOLLOWERS = re.compile(
    r"\s+(?:am|have|will|would|shall|should|could|can|do|did|must|may|might|think|"
    r"know|said|say|saw|see|went|felt|feel|believe|suppose|hope|fear|mean|want|"
    r"wish|thought|told|found|heard|never|also|only|too|myself|'m|'ll|'d|'ve)\b")
_NOT_A_KING_BEFORE = re.compile(r"\b(?:Sir|Mr|Mrs|Mister|Missus|Dr|Doctor|Lord|Lady|Uncle|Aunt|"
                                r"Cousin|Brother|Father|Captain|Colonel)\.?\s+$")
"""A title no king is given: "Sir Charles I" is a knight followed by the pronoun."""
_LOWER_WORD = re.compile(r"\s+[a-z]")
_ROMAN_LETTER = re.compile("[IVXLCivxlc]")
_HEADING = re.compile(rf"^({_NUMERAL}|\d{{1,4}})\.?$")


def _numbered(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(3).upper())
    if value is None:
        return match.group(0)
    word = match.group(1)
    if match.group(3) == "I" and word.islower() and _LOWER_WORD.match(match.string, match.end()):
        return match.group(0)  # "a certain book I had read": the pronoun
    if word.lower() == "war" and match.string[max(0, match.start() - 6):match.start()] != "World ":
        return match.group(0)
    return f"{word}{match.group(2)}{cardinal(value)}"


def _regnal(match: re.Match[str]) -> str:
    name, numeral = match.group(1), match.group(3)
    value = roman_to_int(numeral)
    if value is None or name.title() in _NOT_NAMES:
        return match.group(0)
    second = roman_to_int(match.group(5)) if match.group(5) else None
    if name.lower() in _COUNTED and numeral != "I":
        said = f"{name}{match.group(2)}{cardinal(value)}"
        return said + (f"{match.group(4)}{cardinal(second)}" if second
                       else match.string[match.end(3):match.end()])
    monarch = name.title() in MONARCHS
    if len(numeral) == 1 and (not monarch or numeral not in "IVX"):
        return match.group(0)  # "Malcolm X", "Plan B", "Mr. V"
    if numeral == "I" and _PRONOUN_FOLLOWERS.match(match.string, match.end()):
        return match.group(0)  # "said Henry I think" keeps its pronoun
    if numeral == "I" and _NOT_A_KING_BEFORE.search(match.string, 0, match.start()):
        return match.group(0)  # "this letter to Sir Charles I had learned": a knight, the pronoun
    said = f"{name}{match.group(2)}the {_ordinal(value, name)}"
    if second is None:
        return said + match.string[match.end(3):match.end()]
    return f"{said}{match.group(4)}the {_ordinal(second, name)}"


def _ordinal(value: int, name: str) -> str:
    said = ordinal(value)
    return said.title() if name[0].isupper() else said


_TITLE_NUMERAL = re.compile(rf",\s+({_NUMERAL})$")
"""A title's number after a comma, closing the paragraph ("The History of the Decline and
Fall of the Roman Empire, XIX"): the voice reads "roman nineteen", or "eye" for "I"."""


def _title_numeral(text: str) -> str:
    found = _TITLE_NUMERAL.search(text)
    value = roman_to_int(found.group(1)) if found else None
    if found is None or value is None or len(text) > 150:
        return text
    words = text[:found.start()].split()
    capitals = sum(word[:1].isupper() for word in words)
    if found.group(1) == "I" and capitals * 2 < len(words):
        return text  # "…, and so do I": a sentence, not a title
    return f"{text[:found.start(1)]}{cardinal(value)}"


def is_heading_number(text: str) -> bool:
    """A paragraph that is only a number ("XIII", "4.", "I"): a section's heading."""
    return bool(_HEADING.match(text.strip()))


def say_roman_numerals(text: str) -> str:
    """Roman numerals of a paragraph said by context; a numeral alone is a heading."""
    heading = _HEADING.match(text.strip())
    if heading:
        numeral = heading.group(1)
        value = int(numeral) if numeral.isdigit() else roman_to_int(numeral)
        return f"{cardinal(value).capitalize()}." if value is not None else text
    if not _ROMAN_LETTER.search(text):
        return text
    if text[-1:] in "IVXLC":
        text = _title_numeral(text)
    text = _AFTER_NUMBERED.sub(_numbered, text)
    if ", " in text or " and " in text or " to " in text:
        text = _said_in_list(text)
    text = _REGNAL.sub(_regnal, text)
    if " and " in text or " or " in text or " & " in text:
        text = _AFTER_ORDINAL.sub(_after_ordinal, text)
    return text


_AFTER_ORDINAL = re.compile(r"\b(the (?:[A-Z][a-z]+-)?[A-Z][a-z]+(?:st|nd|rd|th)"
                            rf"\s+(?:and|or|&)\s+)((?!I\b){_REGNAL_NUMERAL})(?![\w'-])")
"""'Charles the First and II.' (the book's own words, or a numeral said before): the second
numeral is the next ruler's ("the Second"), never "roman two"."""


def _after_ordinal(match: re.Match[str]) -> str:
    value = roman_to_int(match.group(2))
    return match.group(0) if value is None else f"{match.group(1)}the {ordinal(value).title()}"


def _said_in_list(text: str) -> str:
    """Each numeral after one a numbered word began, in turn ("seven, viii, ix")."""
    def one(match: re.Match[str]) -> str:
        value = roman_to_int(match.group(3).upper())
        if value is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{cardinal(value)}"

    while True:
        said = _LISTED_NUMERAL.sub(one, text)
        if said == text:
            return text
        text = said
