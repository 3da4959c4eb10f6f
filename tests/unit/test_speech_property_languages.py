"""The French, German, Spanish, Italian, Portuguese and Dutch front ends never lose a token
silently, never raise and never leave a figure the voice would read digit by digit.

As in test_speech_property.py (English): each tricky token stands between two plain
words the front end leaves alone; what stands between them in the output is what was
said for the token.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.speech import spoken_paragraph

ANCHORS = ("lanterne", "prairie", "verger", "caillou", "chardon", "violette", "bruyère",
           "noisette", "genièvre", "fougère", "sureau", "myrtille", "tilleul", "bouleau")
"""Plain words no front end changes (lower case: never taken for a name or a noun)."""

TRICKY = {
    "fr": ("M.", "MM.", "Mme", "Mlle", "Dr", "St-", "etc.", "c.-à-d.", "p. ex.", "av. J.-C.",
           "XVIe", "XIXe s.", "Louis XIV", "François Ier", "1er", "1re", "2e", "3,5", "1 000",
           "1.500", "100 fr.", "3,50 €", "£ 20", "10 h 30", "21 h", "12 %", "1/2", "3/4",
           "1805-1875", "n° 3", "p. 45", "t. II", "chap. 4", "21 pages", "3,75 km", "XIII"),
    "de": ("z. B.", "d. h.", "u. a.", "usw.", "Dr.", "Prof.", "Nr. 5", "S. 45", "St.", "ca.",
           "v. Chr.", "Karl V.", "Friedrich II.", "im 16. Jahrhundert", "am 3. Oktober",
           "XVIII. Jahrhundert", "1881", "1500", "3,5", "1.200", "10 000", "3,50 €",
           "20 DM", "50 Pf.", "10 fl.", "um 10.30 Uhr", "1 Uhr", "14:45", "12 %", "1/2",
           "3/4", "1740-1786", "38jährigen", "1 Stunde", "Kapitel IV", "XII"),
    "es": ("Sr.", "Sra.", "Srta.", "Dr.", "D.", "Dña.", "Ud.", "Vds.", "p. ej.", "etc.",
           "a. C.", "EE. UU.", "pág. 45", "núm. 12", "Felipe II", "Alfonso XIII", "siglo XVI",
           "1.º", "1.ª", "3.er", "3,5", "1.000.000", "3,50 €", "25 ptas.", "21 €", "10:30",
           "12 %", "1/2", "3/4", "1833-1868", "21 años", "200 pesetas", "Capítulo XII",
           "XIII"),
    "it": ("Sig.", "Sig.ra", "Sig.na", "Dott.", "Prof.", "Avv.", "ecc.", "p. es.", "a. C.",
           "pag. 45", "n. 12", "cfr.", "Luigi XIV", "Elisabetta II", "XVI secolo",
           "secolo XIX", "1° maggio", "1a", "2o", "3,5", "1.000.000", "3,50 €", "L. 500",
           "10:30", "all'1:15", "12 %", "1/2", "3/4", "1265-1321", "21 anni", "1 ora",
           "101 anni", "Capitolo XII", "XIII"),
    "pt": ("Sr.", "Sra.", "Dr.", "Dra.", "D. João VI", "D. Maria I", "V. Exa.", "S. Paulo",
           "etc.", "p. ex.", "a. C.", "pág. 45", "n.º 12", "Bento XVI", "século XVI", "1.º",
           "1.ª", "3,5", "1.000.000", "3,50 €", "R$ 25,00", "10$000", "30:000$000", "6h",
           "2h30", "10:30", "12 %", "1/2", "3/4", "1777-1816", "2 casas", "200 laranjas",
           "Capítulo XII", "XIII"),
    "nl": ("dhr.", "mevr.", "Mr.", "Dr.", "Ir.", "Prof.", "St.", "bijv.", "enz.", "d.w.z.",
           "o.a.", "i.p.v.", "blz. 45", "nr. 12", "No. 37", "v. Chr.", "Willem III", "Karel V",
           "16e eeuw", "XVIIe eeuw", "1e", "2de", "1881", "1500 soldaten", "3,5", "1.200",
           "€ 3,50", "ƒ 1.200", "f 10", "10.30 uur", "14:45", "12 %", "1/2", "3/4",
           "1643-1715", "Hoofdstuk XII", "XIII"),
}

NUMBERS = st.from_regex(r"\A(?:\d{1,7}|\d{1,3}(?:[. ]\d{3}){1,2}|\d{1,3},\d{1,3}|"
                        r"[IVXLC]{1,6}|\d{1,2}/\d{1,2}|\d{1,4}-\d{1,4}|\d{1,3}\s?%|"
                        r"\d{1,2}[.:]\d\d|\d{1,2}\.)\Z", fullmatch=True)


def _carries_content(token: str) -> bool:
    return any(c.isalnum() for c in token)


@pytest.mark.parametrize("language", sorted(TRICKY))
def test_every_token_with_letters_or_digits_is_said(language: str) -> None:
    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(st.lists(st.one_of(st.sampled_from(TRICKY[language]), NUMBERS), min_size=1,
                    max_size=len(ANCHORS) - 1),
           st.sampled_from((" ", ", ", "; ")))
    def check(picked: list[str], joiner: str) -> None:
        words = [ANCHORS[0]]
        for anchor, token in zip(ANCHORS[1:], picked, strict=False):
            words += [token, anchor]
        text = joiner.join(words) + "."
        said = spoken_paragraph(normalize_text(text, language), language)
        positions: list[int] = []
        for anchor in words[::2]:
            start = positions[-1] if positions else 0
            found = re.search(rf"\b{anchor}\b", said[start:], re.I)
            assert found, f"{anchor!r} lost from {said!r}"
            positions.append(start + found.end())
        for token, start, end in zip(picked, positions, positions[1:], strict=False):
            between = said[start:end].rsplit(" ", 1)[0]  # up to the next anchor
            if _carries_content(token):
                assert re.search(r"[^\W\d_]", between), f"{token!r} said as nothing: {said!r}"
            left = re.findall(r"(?<![\w.,])\d+(?![\w])", between)
            assert not left, f"{token!r} left as digits {left} in {said!r}"

    check()


@pytest.mark.parametrize("language", sorted(TRICKY))
def test_any_text_is_said_without_an_error_and_keeps_its_words(language: str) -> None:
    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(st.text(max_size=300))
    def check(text: str) -> None:
        read = normalize_text(text, language)
        said = spoken_paragraph(read, language)
        assert isinstance(said, str)
        assert said.strip() or not read.strip()
        for word in re.findall(r"[^\W\d_]{4,}", read):  # plain words are never dropped
            assert word.lower() in said.lower()

    check()
