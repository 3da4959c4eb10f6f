"""A region that says numbers its own way gets its own front end, chosen by the voice's
(or the book's) language tag: a Brazilian voice says "dezesseis", a Portuguese one
"dezasseis"."""

from __future__ import annotations

import pytest

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.speech import front_end, spoken_paragraph, spoken_text


def _said(line: str, language: str) -> str:
    return spoken_paragraph(normalize_text(line, "pt"), language)


@pytest.mark.parametrize("tag", ["pt_BR", "pt-BR", "pt-br"])
def test_a_brazilian_voice_says_sixteen_seventeen_nineteen_as_brazil_does(tag: str) -> None:
    assert _said("Tinha 16 anos, 17 amigos e 19 primos.", tag) == \
        "Tinha dezesseis anos, dezessete amigos e dezenove primos."
    assert _said("Em 1816 D. João VI foi aclamado.", tag) == \
        "Em mil oitocentos e dezesseis Dom João sexto foi aclamado."
    assert _said("XVI", tag) == "Dezesseis."
    assert _said("16 de março.", tag) == "Dezesseis de março."


@pytest.mark.parametrize("tag", ["pt_PT", "pt-PT", "pt"])
def test_a_portuguese_voice_says_them_as_portugal_does(tag: str) -> None:
    assert _said("Tinha 16 anos, 17 amigos e 19 primos.", tag) == \
        "Tinha dezasseis anos, dezassete amigos e dezanove primos."


def test_a_region_without_forms_of_its_own_shares_the_language_s_front_end() -> None:
    assert front_end("fr_CA") is front_end("fr")
    assert front_end("pt_BR") is not front_end("pt_PT")
    assert spoken_text("Tinha 16 anos.\n\nE 19 primos.", "pt_BR") == \
        "Tinha dezesseis anos.\n\nE dezenove primos."


def test_tags_are_read_as_everywhere_else_in_e2a() -> None:
    """ISO 639-2 codes from older EPUBs and any spelling of a region choose the same."""
    assert front_end("por-BR") is front_end("pt_BR")
    assert front_end("fra") is front_end("fr")
    assert front_end("multi") is None


@pytest.mark.parametrize(("voice", "said"), [("pt_BR", "dezesseis"), ("pt_PT", "dezasseis")])
def test_a_book_planned_for_a_voice_says_numbers_as_the_voice_s_region_does(
        voice: str, said: str) -> None:
    """The plan hands the front end the voice's whole tag: a Brazilian voice reading a book
    tagged plain 'pt' says Brazil's forms (the region was cut off here once)."""
    from e2a_desktop.ebook.model import Book, Chapter, Metadata
    from e2a_desktop.plan import plan_book

    book = Book(Metadata("Livro", language="pt"), [Chapter("Um", "Tinha 16 anos.")])
    units = plan_book(book, language=voice)
    assert said in " ".join(s for u in units for s in u.sentences)
