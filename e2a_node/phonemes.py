"""A book's phoneme hints inside the text a unit speaks, and what each engine makes of one.

A publisher can say how a word sounds (``<span ssml:ph="ˈdʒɔːdʒə">Georgia</span>``, or a
PLS lexicon's ``<phoneme>``). The hint travels inside the sentence, so it is stored and
sent as the sentence is, with no new field: the word as any voice may read it (the alias,
else the printed word), then the IPA phonemes, each character moved into Unicode's
private use plane 15, between three private-use marks::

    HINT_OPEN word HINT_PHONEMES ⟨phonemes, shifted⟩ HINT_CLOSE

No text pass reads a private-use character as a letter, a digit or punctuation, so the
front end, the sentence splitter and the user's lexicon leave the phonemes alone, and a
voice that reads text drops them (espeak, and so a Piper node of before hints, says only
the word). ``plain`` gives the word for display and for engines that take text only;
``for_piper`` gives Piper's inline ``[[ phonemes ]]``, keeping only symbols the voice
knows, and never lets the book's own text open such a block.
"""

from __future__ import annotations

import re
from collections.abc import Container

HINT_OPEN = "\ue0f3"
HINT_PHONEMES = "\ue0f4"
HINT_CLOSE = "\ue0f5"
PRINTED_OPEN = "\ue0f6"
PRINTED_SAID = "\ue0f7"
PRINTED_CLOSE = "\ue0f8"
MARKS = HINT_OPEN + HINT_PHONEMES + HINT_CLOSE + PRINTED_OPEN + PRINTED_SAID + PRINTED_CLOSE
_SHIFT = 0xF0000
"""Where a phoneme character goes: plane 15 (private use) at its own code point."""
_SHIFTED = "\U000f0000-\U000ffffd"
_HINT = re.compile(f"{HINT_OPEN}([^{MARKS}{_SHIFTED}]*){HINT_PHONEMES}([{_SHIFTED}]*){HINT_CLOSE}")
_LEFTOVER = re.compile(f"[{MARKS}{_SHIFTED}]")
_PRINTED = re.compile(f"{PRINTED_OPEN}([^{MARKS}{_SHIFTED}]*){PRINTED_SAID}([{_SHIFTED}]*)"
                      f"{PRINTED_CLOSE}")
_SHELVABLE = re.compile(f"{_HINT.pattern}|{_PRINTED.pattern}")
_NOT_PHONEMES = set("_^$[]!(),.:;?\"-") | set(MARKS)
"""Kept out of a hint's phonemes: Piper's pad/begin/end symbols, the brackets of its
phoneme blocks, punctuation (an IPA syllable dot would be read as a full stop). A space
between words stays: it is a word boundary to the voice."""


def hint(word: str, phonemes: str) -> str:
    """``word`` said as the IPA ``phonemes`` where the voice takes phonemes; just ``word``
    where it has none that can be carried."""
    word = " ".join(strip_hints(word).split())
    sounds = " ".join("".join(c for c in phonemes if c not in _NOT_PHONEMES
                              and ord(c) < 0xFFFE).split())
    kept = "".join(chr(_SHIFT + ord(c)) for c in sounds)
    if not kept or not word:
        return word
    return f"{HINT_OPEN}{word}{HINT_PHONEMES}{kept}{HINT_CLOSE}"


def said_as(said: str, printed: str) -> str:
    """``said`` for every voice, ``printed`` for the eye: the user's lexicon respells a
    word for the voice ("Hermione" → "Her-my-oh-nee"), and the subtitles and the
    read-along book must still show the book's word. The printed word rides along as a
    hint's phonemes do (shifted into plane 15), so every text pass leaves it alone and a
    voice never sees it."""
    printed = "".join(c for c in printed if c not in MARKS and ord(c) < 0xFFFE)
    if not printed or printed == said or not said:
        return said
    return f"{PRINTED_OPEN}{said}{PRINTED_SAID}{''.join(chr(_SHIFT + ord(c)) for c in printed)}" \
           f"{PRINTED_CLOSE}"


def as_printed(text: str) -> str:
    """The text as the book prints it (subtitles, read-along): the lexicon's respellings
    back to the book's words, and each phoneme hint's word."""
    if PRINTED_OPEN in text:
        text = _PRINTED.sub(lambda m: _unshift(m.group(2)), text)
    return strip_hints(text)


def strip_hints(text: str) -> str:
    """The text as read aloud by a voice without phonemes: each hint's word."""
    if HINT_OPEN not in text and not _LEFTOVER.search(text):
        return text
    return _LEFTOVER.sub("", _HINT.sub(lambda m: m.group(1), text))


plain = strip_hints


def hinted_phonemes(text: str) -> list[tuple[str, str]]:
    """Each whole hint's (word, IPA phonemes), in order: for tests and diagnostics."""
    return [(m.group(1), _unshift(m.group(2))) for m in _HINT.finditer(text)]


_SHELF = 0xE100
_SHELF_SIZE = 0x1000
_SHELVED = re.compile(f"[{chr(_SHELF)}-{chr(_SHELF + _SHELF_SIZE - 1)}]")


def shelve(text: str) -> tuple[str, list[str]]:
    """Each whole hint as one private-use character (and the hints, to put back with
    :func:`unshelve`): what cuts text into sentences sees no full stop in a hint's word
    ("St. Louis") and never cuts one in two."""
    hints: list[str] = []

    def one(match: re.Match[str]) -> str:
        if len(hints) >= _SHELF_SIZE:
            return match.group(0)
        hints.append(match.group(0))
        return chr(_SHELF + len(hints) - 1)

    if HINT_OPEN not in text and PRINTED_OPEN not in text:
        return text, hints
    return _SHELVABLE.sub(one, text), hints


def unshelve(text: str, hints: list[str]) -> str:
    if not hints:
        return text
    return _SHELVED.sub(lambda m: hints[ord(m.group(0)) - _SHELF], text)


def _unshift(shifted: str) -> str:
    return "".join(chr(ord(c) - _SHIFT) for c in shifted)


def for_piper(text: str, known: Container[str]) -> str:
    """The text as Piper takes it: each hint as ``[[ phonemes ]]`` (symbols the voice does
    not know dropped; none known: the word). Brackets already in the book's text are
    parted, so only a hint ever makes a phoneme block."""
    text = text.replace("[[", "[ [").replace("]]", "] ]")

    def block(match: re.Match[str]) -> str:
        phonemes = "".join(c for c in _unshift(match.group(2)) if c in known)
        return f"[[ {phonemes} ]]" if phonemes else match.group(1)

    return _LEFTOVER.sub("", _HINT.sub(block, text))
