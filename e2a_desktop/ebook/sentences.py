"""Split paragraphs into sentences, per language, without losing a character.

The splitter is deliberately rule-based: it must be fast on a whole book, never
drop text, and be predictable enough to property-test. Abbreviations that end
in a full stop ("Mr.", "z.B.") are the usual trap and are listed per language.
"""

from __future__ import annotations

import re

_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset((
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "vol", "ch", "fig",
        "mt", "ft", "e.g", "i.e", "a.m", "p.m", "gen", "col", "capt", "lt", "sgt", "rev", "hon",
        "esq", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec", "sw", "dan", "lat", "gr", "heb", "ger", "ital", "icel",
        "fr", "du", "sp", "cf", "viz", "ibid", "pp", "ed", "eds", "trans", "approx", "est",
        "dept", "univ", "assn", "bros", "corp", "ave", "blvd", "rd", "hwy",
    )),
    "de": frozenset((
        "z.b", "d.h", "u.a", "usw", "bzw", "dr", "prof", "nr", "str", "ca", "vgl", "s", "evtl",
        "ggf",
    )),
    "fr": frozenset((
        "m", "mme", "mlle", "dr", "p", "ex", "etc", "cf", "av", "j.-c",
    )),
    "es": frozenset((
        "sr", "sra", "srta", "dr", "dra", "ud", "uds", "etc", "p", "ej",
    )),
}

# A sentence ends at . ! ? (possibly repeated, e.g. "?!" or "..."), optionally
# followed by closing quotes/brackets, then whitespace.
# Chinese and Japanese end sentences with full-width marks and no space after them.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s+)|[\u3002\uff01\uff1f]+[\u300d\u300f\uff09\"')]*")


_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")


def _abbreviations(language: str) -> frozenset[str]:
    return _ABBREVIATIONS.get(language.split("-")[0].lower(), _ABBREVIATIONS["en"])


def _ends_with_abbreviation(before: str, abbreviations: frozenset[str]) -> bool:
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip("\"'([").rstrip(".").lower()
    if not word:
        return False
    # Single letters ("J. R. R. Tolkien") and dotted initials ("T.S. Eliot") are not ends.
    return word in abbreviations or (len(word) == 1 and word.isalpha()) \
        or bool(_INITIALS.match(word))


def split_sentences(paragraph: str, language: str = "en") -> list[str]:
    """Split one paragraph into sentences; joining them with spaces gives it back."""
    abbreviations = _abbreviations(language)
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        single_stop = match.group().startswith(".") and len(match.group().rstrip("\"')]")) == 1
        if single_stop and _ends_with_abbreviation(paragraph[start : match.start()],
                                                   abbreviations):
            continue
        rest = paragraph[end:].lstrip()
        # "he said. and then" — a lower-case continuation is not a new sentence.
        if rest[:1].islower():
            continue
        sentence = paragraph[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_long(sentence: str, limit: int) -> list[str]:
    """Cut a sentence longer than ``limit`` at clause marks, else at spaces, else hard."""
    if len(sentence) <= limit:
        return [sentence]
    for pattern, joiner in _CUTS:
        pieces = re.split(pattern, sentence)
        if len(pieces) > 1:
            return _pack(pieces, limit, joiner)
    return [sentence[i : i + limit] for i in range(0, len(sentence), limit)]


_CUTS = ((r"(?<=[;:])\s+", " "), (r"(?<=,)\s+", " "), (r"\s+", " "),
         (r"(?<=[\u3001\uff0c\uff1b])", ""))  # after a CJK comma: no space to put back


def _pack(pieces: list[str], limit: int, joiner: str = " ") -> list[str]:
    out: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        if len(piece) > limit:
            out.extend(split_long(piece, limit))
            current = ""
        else:
            current = piece
    if current:
        out.append(current)
    return out
