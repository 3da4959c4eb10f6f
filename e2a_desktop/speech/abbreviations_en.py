"""English abbreviations said in full, so the voice never ends a sentence inside one.

Piper's front end (espeak-ng) ends a sentence at "Mr." or "A.D." ("mister. | Sherlock
Holmes"), with a full stop's fall and pause. Each abbreviation is expanded here, and
its full stop kept only where it also ends the sentence: the spoken text then has a
full stop exactly where e2a's sentence splitter cuts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from e2a_node.phonemes import hint

from ..ebook.sentences import OPENERS_EN


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES: dict[str, str] = {
    "Mr": "Mister", "Mrs": "Missus", "Messrs": "Messieurs", "Mme": "Madame",
    "Mlle": "Mademoiselle", "Dr": "Doctor", "Prof": "Professor", "Capt": "Captain",
    "Col": "Colonel", "Gen": "General", "Lt": "Lieutenant", "Sgt": "Sergeant", "Maj": "Major",
    "Adm": "Admiral", "Rev": "Reverend", "Revd": "Reverend", "Hon": "Honourable",
    "Gov": "Governor", "Sen": "Senator", "Supt": "Superintendent", "Insp": "Inspector",
    "Cpl": "Corporal", "Mt": "Mount", "Ft": "Fort", "Wm": "William", "Chas": "Charles",
    "Geo": "George", "Thos": "Thomas", "Jas": "James", "Jno": "John", "Benj": "Benjamin",
    "Robt": "Robert", "Edw": "Edward", "Richd": "Richard", "Ald": "Alderman",
}
"""Words that stand before a name: never the end of a sentence."""

AFTER_NAMES: dict[str, str] = {
    "Jr": "Junior", "Jun": "Junior", "Sr": "Senior", "Sen": "Senior", "Esq": "Esquire",
    "Bart": "Baronet", "Bt": "Baronet",
}
"""Words that follow a name ("John Smith, Esq."): a sentence may end with them."""

GENERAL: dict[str, str] = {
    "etc": "et cetera", "viz": "namely", "i.e": "that is", "e.g": "for example",
    "cf": "compare", "ibid": "ibidem", "vs": "versus", "approx": "approximately",
    "Co": "Company", "co": "company", "Bros": "Brothers", "Ltd": "Limited",
    "Inc": "Incorporated", "Dept": "Department", "Univ": "University", "Ave": "Avenue",
    "ult": "ultimo", "inst": "instant", "MS": "manuscript", "MSS": "manuscripts",
    "Messrs": "Messieurs", "Dr": "Doctor", "do": "ditto", "Anon": "Anonymous",
    "I.e": "That is", "E.g": "For example", "cp": "compare", "Cp": "Compare", "esp": "especially",
}
"""Abbreviations that can end a sentence; "do." is ditto only before a number (see below).
"anon" is not one: "we shall see, anon." is the old word for soon."""

BEFORE_NUMBERS: dict[str, tuple[str, str]] = {
    "No": ("number", "numbers"), "no": ("number", "numbers"), "Nos": ("numbers", "numbers"),
    "nos": ("numbers", "numbers"), "Vol": ("volume", "volumes"), "vol": ("volume", "volumes"),
    "Vols": ("volumes", "volumes"), "vols": ("volumes", "volumes"), "p": ("page", "pages"),
    "pp": ("pages", "pages"), "Pp": ("pages", "pages"), "Ch": ("chapter", "chapters"),
    "ch": ("chapter", "chapters"),
    "Chap": ("chapter", "chapters"), "chap": ("chapter", "chapters"),
    "Fig": ("figure", "figures"), "fig": ("figure", "figures"), "Art": ("article", "articles"),
    "art": ("article", "articles"), "Sec": ("section", "sections"),
    "sec": ("section", "sections"), "Pt": ("part", "parts"), "pt": ("part", "parts"),
    "Bk": ("book", "books"), "bk": ("book", "books"), "l": ("line", "lines"),
    "ll": ("lines", "lines"), "sc": ("scene", "scenes"), "Sc": ("scene", "scenes"),
    "tom": ("volume", "volumes"), "lib": ("book", "books"), "liv": ("book", "books"),
    "cap": ("chapter", "chapters"), "sect": ("section", "sections"), "Lib": ("book", "books"),
    "st": ("statute", "statutes"), "stat": ("statute", "statutes"), "col": ("column", "columns"),
    "sess": ("session", "sessions"), "chaps": ("chapters", "chapters"),
    "dial": ("dialogue", "dialogues"), "Epist": ("epistle", "epistles"),
    "epist": ("epistle", "epistles"),
    "ed": ("edition", "editions"), "Ed": ("edition", "editions"),
    "eds": ("editions", "editions"), "Eds": ("editions", "editions"), "P": ("page", "pages"),
}
"""Abbreviations said only before a number or numeral ("No. 7", "vol. ii.")."""

BOOK_SIZES = {"4to": "quarto", "8vo": "octavo", "12mo": "duodecimo", "16mo": "sextodecimo",
              "fol.": "folio", "Fol.": "folio"}
"""A bibliography's book sizes ("London, 1829, 8vo.")."""
_BOOK_SIZE = re.compile(r"(?<![\w.])(4to|8vo|12mo|16mo|[Ff]ol\.)(?!\w)")

MONTHS: dict[str, str] = {
    "Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April", "Jun": "June",
    "Jul": "July", "Aug": "August", "Sep": "September", "Sept": "September",
    "Oct": "October", "Nov": "November", "Dec": "December",
}
"""Months, expanded next to a day or a year ("Oct. 4th", "4 Oct. 1881", "Dec. 1660")."""

UNITS: dict[str, tuple[str, str]] = {
    "ft": ("foot", "feet"), "in": ("inch", "inches"), "lb": ("pound", "pounds"),
    "lbs": ("pounds", "pounds"), "oz": ("ounce", "ounces"), "yd": ("yard", "yards"),
    "yds": ("yards", "yards"), "cwt": ("hundredweight", "hundredweight"),
    "doz": ("dozen", "dozen"), "hr": ("hour", "hours"), "hrs": ("hours", "hours"),
    "min": ("minute", "minutes"), "mins": ("minutes", "minutes"), "gal": ("gallon", "gallons"),
    "qt": ("quart", "quarts"), "qts": ("quarts", "quarts"), "mi": ("mile", "miles"),
    "sq": ("square", "square"), "cu": ("cubic", "cubic"), "gr": ("grain", "grains"),
    "dwt": ("pennyweight", "pennyweight"), "km": ("kilometre", "kilometres"),
    "cm": ("centimetre", "centimetres"), "mm": ("millimetre", "millimetres"),
    "kg": ("kilogram", "kilograms"), "pt": ("pint", "pints"), "pts": ("pints", "pints"),
    "mph": ("miles an hour", "miles an hour"), "yr": ("year", "years"),
    "yrs": ("years", "years"), "mos": ("months", "months"), "wks": ("weeks", "weeks"),
    "pp": ("pages", "pages"), "vols": ("volumes", "volumes"), "ds": ("days", "days"),
    "bush": ("bushel", "bushels"), "qr": ("quarter", "quarters"), "qrs": ("quarters", "quarters"),
}
"""Units after a number ("6 ft.", "3 lbs.")."""
_WORDLIKE_UNITS = frozenset(("in", "min", "mi", "sq", "cu", "hr", "gr", "doz", "gal", "bush"))
"""Units that are also words ("in 1881 in London"): said only with their full stop."""

SENTENCE_STARTERS = OPENERS_EN

_CLOSE = r"[\"')\u2019\u201d\]]"
_NEXT_CAPITAL = re.compile(rf"(?:{_CLOSE}|\s)*?\s+[\"'(\u2018\u201c]*[A-Z\x01]")
"""A capital, or the mark english.py leaves before a figure that opens a sentence."""
_END = re.compile(rf"(?:{_CLOSE}|\s)*$")


def ends_sentence(text: str, after: int) -> bool:
    """The full stop before ``after`` ends the sentence: the paragraph ends or a capital
    follows (a lower-case word or a number goes on with it)."""
    return bool(_END.match(text, after) or _NEXT_CAPITAL.match(text, after))


def _word_pattern(words: Mapping[str, object]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_TITLE = re.compile(rf"(?<![\w.])({_word_pattern(TITLES)})\.(?=\s+[\"'(]?[A-Z]|\s+and\s+"
                    rf"(?:{_word_pattern(TITLES)})\.)")
"""A title before a name, or before "and" and another title ("Col. and Mrs. Forster")."""
_ALWAYS_TITLE = re.compile(r"(?<![\w.])(Mr|Mrs|Messrs|Mme|Mlle)\.")
_TITLE_NO_STOP = re.compile(r"(?<![\w.])(Mr|Mrs|Dr|St)(?=\s+[A-Z])")
_SAINT = re.compile(r"(?<![\w.])St\.(?=\s+[A-Z])|(?<![\w.])St\.(?=-)")
_STREET = re.compile(r"(?<=[a-z] )St\.")
_GENERAL = re.compile(rf"(?<![\w.])({_word_pattern(GENERAL)}|{_word_pattern(AFTER_NAMES)})\.")
_BEFORE_NUMBER = re.compile(
    rf"(?<![\w.])({_word_pattern(BEFORE_NUMBERS)})\.\s*(?=\d|[ivxlcIVXLC]+\b)")
_SPAN = re.compile(r"\d+\s*(?:-|to|and|&)\s*\d|[ivxlc]+\s*(?:-|to|and)\s*[ivxlc]+\b")
"""'pp. 10-20', 'vols. ii and iii': a span, so the plural ('No. 193, 1692' is one number)."""
_NUMBER_ONLY = frozenset(("No", "no", "Nos", "nos", "l", "ll", "art", "Art", "ed", "Ed", "eds",
                          "Eds", "P", "st", "col"))
"""Before these, a numeral is likely a word ("I said no. I won't")."""
_MONTH = re.compile(rf"(?<![\w.])({_word_pattern(MONTHS)})\.(?=\s*\d)|(?<=\d )"
                    rf"({_word_pattern(MONTHS)})\.")
_UNIT = re.compile(rf"(?:(?<=\d)|(?<=half )|(?<=quarter )|(?<=quarters )|(?<=per ))(\s?)"
                   rf"({_word_pattern(UNITS)})(\.?)(?![\w'])")
_DIGIT = re.compile(r"\d")
_INITIALISM = re.compile(r"(?<![\w.])((?:[A-Za-z]{1,2}\.){2,}[A-Za-z]?)(?!\w)")
_INITIAL = re.compile(r"(?<![\w.])([A-Z])\.(?!\w)")
_EDITED_BY = re.compile(r"(?<![\w.])ed\.(?=\s+[A-Z])")
_EDITION_OF = re.compile(r"(?<![\w.])ed\.(?=\s+of\b|\s*[,;)])")
"""'the ed. of 1696', '2nd ed., 1723', 'Amsterdam ed.;': an edition."""
_CIRCA = re.compile(r"(?<![\w.])(?:c|ca)\.\s?(?=\d{3,4}\b|\d{1,4}\s*(?:BC|AD|B\.C|A\.D))")
_OP_CIT = re.compile(r"(?<![\w.])op\.\s?cit\.")
"""'c. 1750', 'ca. 300 BC': about."""
_STATUTE_CHAPTER = re.compile(r"(?<![\w.])c\.\s?(?=\d{1,2}\b(?!\s*(?:BC|AD|B\.C|A\.D)))")
"""'12 Geo. I, c. 34': an act's chapter, said "chapter thirty-four"."""
REIGNS: dict[str, str] = {
    "Geo": "George", "Eliz": "Elizabeth", "Hen": "Henry", "Ann": "Anne", "Jac": "James",
    "Car": "Charles", "Will": "William", "W": "William", "Vict": "Victoria", "Edw": "Edward",
    "Ed": "Edward",
}
"""A statute's reign after its regnal year ("8 Eliz. c. 14", "21 Jac. I")."""
_JOINT_REIGN = re.compile(r"(?<=\d )(W|P)\. (?:and|&) M\.")
"""'1 W. and M.', '1 and 2 P. and M.': William and Mary, Philip and Mary."""
_REIGN = re.compile(rf"(?<=\d )({_word_pattern(REIGNS)})\.")
_VERSUS = re.compile(r"(?<![\w.])v\.(?=\s+[A-Z])")
_SENTENCE_OPEN = re.compile(r"(?:^|[.!?][\"')\u2019\u201d\]]*\s+)[\"'(\u2018\u201c]*$")
_FIRST_NAME_BEFORE = re.compile(r"[A-Z][a-z]+\s+$")
_PRONOUN_I_AFTER = re.compile(r"(?:\b[a-z][a-z']*|\b(?:Not|Nor|And|But|So|Than))\s+$")
"""A lower-case word before "I." ("said I.", "so shall I."): the pronoun ends a sentence."""
_INITIAL_NEXT = re.compile(r"\s+[A-Z]\.")
"""Another initial after "I." ("by I. A. Richards"): a name's initial, not the pronoun."""
LETTER_A = hint("A", "ˈeɪ")
"""An initial "A" ("A. Conan Doyle", "by A. de Candolle") as the letter's name: the voice
reads a bare "A" as the article ("uh"), and "A." before a capital as a sentence's end.
Piper says the hint's phonemes; a voice without phonemes reads "A" as before."""
_SIGNATURE = re.compile(r"[\"'\u201c]?M\. [A-Z][a-z]+\.?[\"'\u201d]?$")
"""A letter's signature alone ("M. Gardiner."): an initial, not "Monsieur"."""
_FRENCH_NAME_AFTER = re.compile(r"\s+(?:[A-Z][a-z]|de |le |du )")
_SENTENCE_END_WORDS = frozenset(("etc", "viz", "ibid", "&c"))
"""Abbreviations that often end a sentence: a capital after them opens the next one."""
_AMPM = re.compile(r"(?<![\w.])([ap])\.\s?m\.|(?<=\d)([AP])\.M\.", re.I)
"""'6 a.m.', '10 P.M.', '9A.M.' ("nine AM"). Capital initials "A. M." become "AM" too, which
the voice says as letters mid-sentence; "A M" it would say "uh em"."""


LANGUAGES: dict[str, str] = {
    "Dut": "Dutch", "Ger": "German", "Sw": "Swedish", "Swed": "Swedish", "Dan": "Danish",
    "Fr": "French", "Lat": "Latin", "Gr": "Greek", "Icel": "Icelandic", "Ital": "Italian",
    "Heb": "Hebrew",
}
"""A dictionary's or a note's languages in an etymology ("Dut. kaas; Ger. Käse")."""
_LANGUAGE = re.compile(rf"(?<![\w.])({_word_pattern(LANGUAGES)})\.(?=\s+[\"'(\u2018\u201c]*(\S))")
_NAMES_TOO = frozenset(("Fr", "Dan"))
"""Also a name's abbreviation ("Fr. Brown", "Dan. Defoe", "Dan. ix. 24"): a language only
among other languages, or opening a bracket ("(Fr. fromage)")."""
_NOT_AFTER_GREEK = re.compile(r"\s+Britain\b")
_SUB_VERBO = re.compile(r"(?<![\w.])s\.\s?v\.(?=\s)")
"""'s.v. Épingle': sub verbo, "under the word"."""
_QUOD_VIDE = re.compile(r"(?<![\w.])q\.\s?v\.")
_ALPHONSE = re.compile(r"(?<![\w.])Alph\.(?=\s+(?:[A-Z]|de |d'))")
"""'Alph. de Candolle': Alphonse."""


def _language(match: re.Match[str]) -> str:
    """ "Ger. Käse" → "German Käse": said where the paragraph is an etymology (another
    language named, a bracket opening on it) or a foreign word follows in lower case."""
    word, following = match.group(1), match.group(2)
    among = len({m.group(1) for m in _LANGUAGE.finditer(match.string)}) > 1
    bracket = match.string[max(0, match.start() - 1):match.start()] in ("(", "[")
    lower = following.islower() or following.isalpha() and not following.isascii() \
        and not following.isupper()
    if word in _NAMES_TOO and not (among or bracket):
        return match.group(0)
    if not (among or bracket or lower) or word == "Gr" \
            and _NOT_AFTER_GREEK.match(match.string, match.end()):
        return match.group(0)
    return LANGUAGES[word] + ("." if _END.match(match.string, match.end()) else "")


def _references(text: str) -> str:
    """A dictionary's and a note's references: languages, "s.v.", "q.v.", "Alph."."""
    if "s.v" in text or "s. v" in text:
        text = _SUB_VERBO.sub("under the word", text)
    if "q." in text:
        text = _QUOD_VIDE.sub(lambda m: "which see" + ("." if ends_sentence(m.string, m.end())
                                                      else ""), text)
    if "Alph." in text:
        text = _ALPHONSE.sub("Alphonse", text)
    return _LANGUAGE.sub(_language, text)


def _general(match: re.Match[str]) -> str:
    word = match.group(1)
    said = GENERAL.get(word) or AFTER_NAMES[word]
    if word == "do":  # "do." is ditto only in a column of figures; elsewhere a verb
        return match.group(0)
    ends = ends_sentence if word in _SENTENCE_END_WORDS else _starts_sentence
    return said + ("." if ends(match.string, match.end()) else "")


def _before_number(match: re.Match[str]) -> str:
    word = match.group(1)
    one, many = BEFORE_NUMBERS[word]
    rest = match.string[match.end():match.end() + 12]
    if word in _NUMBER_ONLY and not rest[:1].isdigit():
        return match.group(0)
    plural = bool(_SPAN.match(rest))
    said = many if plural else one
    opens = _SENTENCE_OPEN.search(match.string, 0, match.start())
    return f"{said.capitalize() if opens and word[0].isupper() else said} "


def _month(match: re.Match[str]) -> str:
    word = match.group(1) or match.group(2)
    said = MONTHS[word]
    if match.group(2) and ends_sentence(match.string, match.end()):
        return said + "."
    return said


def _glued(match: re.Match[str]) -> bool:
    """The digits before the unit end a word ("w2 sq."), not a quantity."""
    start = match.start()
    if match.string[max(0, start - 8):start].endswith(("half ", "quarter ", "quarters ")):
        return False
    while start and (match.string[start - 1].isdigit() or match.string[start - 1] in ",."):
        start -= 1
    return start > 0 and match.string[start - 1].isalpha()


def _unit(match: re.Match[str]) -> str:
    if match.group(2) in _WORDLIKE_UNITS and not match.group(3) or _glued(match):
        return match.group(0)
    one, many = UNITS[match.group(2)]
    before = match.string[max(0, match.start() - 12):match.start()]
    single = bool(re.search(r"(?<![\d.,])1$|\bper $", before))
    said = one if single else many
    stop = match.group(0).endswith(".") and ends_sentence(match.string, match.end())
    space = "" if match.string[match.start() - 1:match.start()] == " " else " "
    return f"{space}{said}{'.' if stop else ''}"


def _initialism(match: re.Match[str]) -> str:
    """ "U.S.A." → "USA", "A.D." → "AD", "M.P." → "MP": the voice spells a short
    capitalised word letter by letter, and no full stop is left to end a sentence."""
    letters = match.group(1).replace(".", "")
    if match.group(1).lower() in ("i.e.", "e.g.", "i.e", "e.g"):
        return match.group(0)
    said = letters.upper() if len(letters) <= 5 else letters
    if match.group(1).endswith(".") and _starts_sentence(match.string, match.end()):
        return said + "."
    return said


def _starts_sentence(text: str, after: int) -> bool:
    """After a capital's stop, a new sentence: the paragraph ends, or a word that opens
    sentences follows ("the U.S.A. Then"), not a name ("J.R.R. Tolkien")."""
    if _END.match(text, after):
        return True
    following = re.match(r"[\"')\u2019\u201d\]]*\s+[\"'(\u2018\u201c]*([A-Za-z]+)", text[after:])
    return bool(following and following.group(1) in SENTENCE_STARTERS
                and following.group(1) != "A")


def is_pronoun_i(text: str, start: int) -> bool:
    """The "I" at ``start`` is the pronoun closing a sentence ("said I. 'Under the
    circumstances, no.'"), not an initial: its full stop stays for the voice to stop at."""
    return text.startswith("I.", start) and bool(
        _PRONOUN_I_AFTER.search(text, max(0, start - 30), start)) \
        and not _INITIAL_NEXT.match(text, start + 2)


def _initial(match: re.Match[str]) -> str:
    """ "T. S. Eliot" → "T S Eliot", "M. Lesseps" → "Monsieur Lesseps"; "vitamin C. Then"
    keeps its stop."""
    if _starts_sentence(match.string, match.end()) or is_pronoun_i(match.string, match.start()):
        return match.group(0)
    if match.group(1) == "M" and _FRENCH_NAME_AFTER.match(match.string, match.end()) \
            and not _FIRST_NAME_BEFORE.search(match.string, 0, match.start()) \
            and not _SIGNATURE.match(match.string):
        return "Monsieur"
    return LETTER_A if match.group(1) == "A" else match.group(1)


def _am_pm(match: re.Match[str]) -> str:
    letter = match.group(1) or match.group(2)
    said = f"{' ' if match.group(2) else ''}{letter.upper()}M"  # "9A.M.": "9 AM"
    return said + ("." if ends_sentence(match.string, match.end()) else "")


def expand_abbreviations(text: str) -> str:
    """Every abbreviation of one paragraph said in full (see the module's docstring)."""
    if "." not in text:
        return text
    text = _BEFORE_NUMBER.sub(_before_number, text)
    text = _references(text)
    text = _JOINT_REIGN.sub(lambda m: ("William" if m.group(1) == "W" else "Philip")
                            + " and Mary", text)
    text = _REIGN.sub(lambda m: REIGNS[m.group(1)], text)
    text = _MONTH.sub(_month, text)
    text = _SAINT.sub("Saint", text)
    text = _STREET.sub(lambda m: "Street" + ("." if ends_sentence(m.string, m.end()) else ""),
                       text)
    text = _TITLE.sub(lambda m: TITLES[m.group(1)], text)
    text = _ALWAYS_TITLE.sub(lambda m: TITLES[m.group(1)], text)  # "Mr. (now Sir) Alfred"
    text = _AMPM.sub(_am_pm, text)
    text = _GENERAL.sub(_general, text)
    text = _INITIALISM.sub(_initialism, text)
    text = _INITIAL.sub(_initial, text)
    text = _VERSUS.sub("versus", text)
    text = _EDITED_BY.sub("edited by", text)
    text = _EDITION_OF.sub("edition", text)
    text = _CIRCA.sub("circa ", text)
    text = _STATUTE_CHAPTER.sub("chapter ", text)
    text = _OP_CIT.sub(lambda m: "op cit" + ("." if ends_sentence(m.string, m.end()) else ""),
                       text)
    return _BOOK_SIZE.sub(lambda m: BOOK_SIZES[m.group(1)], text)


def expand_units(text: str) -> str:
    """ "6 ft." → "6 feet", "1 lb." → "1 pound" (numbers are said after this pass)."""
    return _UNIT.sub(_unit, text) if _DIGIT.search(text) else text


def expand_titles_without_stops(text: str) -> str:
    """ "Mr Holmes" (British style, no stop) → "Mister Holmes"; espeak says "mr" as letters."""
    return _TITLE_NO_STOP.sub(lambda m: TITLES.get(m.group(1), "Saint"), text)
