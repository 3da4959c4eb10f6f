"""Plain-text chapter headings in the other languages e2a speaks (issue 23, finding 6:
"Capítulo 1" and "Chapitre 2" were not recognised, so a French or Spanish .txt came out as
one chapter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book

FR = ("Le vieux gardien montait l'escalier lentement, une marche après l'autre. Personne ne "
      "lui avait demandé de rester, et pourtant il restait, chaque soir, jusqu'à l'aube.")
ES = ("El viejo guardián subía la escalera despacio, un peldaño tras otro. Nadie le había "
      "pedido que se quedara, y sin embargo se quedaba, cada noche, hasta el alba.")
DE = ("Der alte Wächter stieg langsam die Treppe hinauf, Stufe um Stufe. Niemand hatte ihn "
      "gebeten zu bleiben, und doch blieb er, jeden Abend, bis zum Morgengrauen.")
NL = ("De oude wachter klom langzaam de trap op, trede na trede. Niemand had hem gevraagd te "
      "blijven, en toch bleef hij, elke avond, tot de dageraad.")


@pytest.mark.parametrize(("para", "headings"), [
    (FR, ["Chapitre 1", "CHAPITRE II. Où l'on voit le phare", "Chapitre troisième", "Épilogue"]),
    (ES, ["Prólogo", "Capítulo 1", "CAPÍTULO PRIMERO", "Capítulo dos: La huida"]),
    (DE, ["Erstes Kapitel", "Zweites Kapitel", "KAPITEL III", "Teil 2"]),
    (NL, ["Hoofdstuk 1", "Hoofdstuk 2. Thuis", "Deel twee", "Hoofdstuk 3"]),
], ids=["fr", "es", "de", "nl"])
def test_headings_in_other_languages_make_chapters(tmp_path: Path, para: str,
                                                   headings: list[str]) -> None:
    text = "".join(f"{heading}\n\n{para}\n{para}\n\n" for heading in headings)
    path = tmp_path / "livre.txt"
    path.write_text(f"Le Livre\n\n{text}", encoding="utf-8")
    assert [c.title for c in read_book(path).chapters] == headings


def test_sentences_that_open_with_a_heading_word_stay_prose(tmp_path: Path) -> None:
    """'Parte', 'Deel', 'Carta', 'Buch' also open sentences; only a number makes a heading."""
    prose = ["Parte de la noche la pasó en vela.", "Deel van de stad sliep al.",
             "Carta de mi madre, decía el sobre.", "Buch der Lieder lag auf dem Tisch.",
             "Parte di me è rimasta là."]
    text = f"Capítulo 1\n\n{ES}\n\n" + "".join(f"{line}\n\n{ES}\n\n" for line in prose)
    path = tmp_path / "prosa.txt"
    path.write_text(text, encoding="utf-8")
    assert [c.title for c in read_book(path).chapters] == ["Capítulo 1"]
