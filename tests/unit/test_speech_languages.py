"""What a narrator says for lines of real books, in every language with a front end
besides English (which has its own, larger table in test_speech_english.py).

Each language's cases live in speech_cases_<code>.txt ('< ' the line as read, '> ' what
is said), one section per book, so a wrong reading is fixed by editing one line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.ebook.sentences import split_sentences
from e2a_desktop.speech import front_end, spoken_paragraph

LANGUAGES = ("fr", "de", "es", "it", "pt", "nl")
VOICES = {"fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "pt", "nl": "nl"}
"""espeak-ng's name for each language (the phonemizer Piper's voices use)."""


def _cases(language: str) -> list[tuple[str, str, str]]:
    cases: list[tuple[str, str, str]] = []
    book, said_for = "", ""
    path = Path(__file__).with_name(f"speech_cases_{language}.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            book = line[3:].split(" (")[0]
        elif line.startswith("< "):
            said_for = line[2:]
        elif line.startswith("> "):
            cases.append((book, said_for, line[2:]))
    return cases


CASES = {language: _cases(language) for language in LANGUAGES}
ALL = [(language, *case) for language in LANGUAGES for case in CASES[language]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_fifty_cases_from_several_books(language: str) -> None:
    assert len(CASES[language]) >= 50
    assert len({book for book, _, _ in CASES[language]}) >= 3


@pytest.mark.parametrize(("language", "book", "line", "said"), ALL,
                         ids=[f"{lang}-{book[:16]}-{i}" for i, (lang, book, _, _) in
                              enumerate(ALL)])
def test_a_line_is_said_as_a_narrator_says_it(language: str, book: str, line: str,
                                              said: str) -> None:
    assert spoken_paragraph(normalize_text(line, language), language) == said


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_is_found_from_a_voice_or_a_tag(language: str) -> None:
    region = {"fr": "FR", "de": "DE", "es": "ES", "it": "IT", "pt": "PT", "nl": "NL"}[language]
    assert front_end(f"{language}_{region}") is front_end(f"{language}-{region}") \
        is front_end(language) is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_voice_ends_a_sentence_only_where_e2a_does(language: str) -> None:
    """Piper's own front end (espeak-ng) reads each spoken sentence as one sentence: no
    full stop is left inside ("Monsieur" for "M.", where the voice said "ɛm. | dypɔ̃")."""
    from piper.phonemize_espeak import EspeakPhonemizer

    voice = EspeakPhonemizer()
    cut = []
    for _, _, said in CASES[language]:
        for sentence in split_sentences(said, language):
            heard = [p for p in voice.phonemize(VOICES[language], sentence)
                     if "".join(p).strip()]
            if len(heard) > 1 and not any(mark in sentence for mark in "?!"):
                cut.append(sentence)
    assert cut == []
