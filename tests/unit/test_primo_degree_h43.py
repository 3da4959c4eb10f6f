"""Primo, secundo printed "1°, 2°" are said as a narrator does, not as degrees.

French law books (the Code pénal of 1810, art. 7) and Dutch essays (Multatuli's
"Ontboezemingen", Project Gutenberg) number a list's items with the degree sign; e2a said
"un degrés La mort" and, in Dutch, dropped the sign ("één, uit de stokers").
"""

from __future__ import annotations

import pytest

from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.speech import spoken_paragraph

CODE_PENAL = ("Les peines afflictives et infamantes sont : 1° La mort ; 2° Les travaux "
              "forcés à perpétuité ; 3° La déportation.")
ONTBOEZEMINGEN = ("De Britten meendet ge te kennen: 1°., uit de stokers en zeeluî op de straat "
                  "en in kroegen; 2°., uit de karikaturen, die in sommige geestige boeken en "
                  "tijdschriften te vinden zijn; 3°., uit de verschillende categoriën van "
                  "Sternesche reizigers")


def _said(line: str, language: str) -> str:
    return spoken_paragraph(normalize_text(line, language), language)


def test_a_french_list_numbered_with_degrees_is_said_premierement() -> None:
    assert _said(CODE_PENAL, "fr") == (
        "Les peines afflictives et infamantes sont: premièrement, La mort; deuxièmement, "
        "Les travaux forcés à perpétuité; troisièmement, La déportation.")


def test_an_item_after_et_is_one_of_the_list_too() -> None:
    assert _said("1° la guerre, 2° la peste et 3° la famine.", "fr") == \
        "Premièrement, la guerre, deuxièmement, la peste et troisièmement, la famine."


def test_a_dutch_list_is_said_ten_eerste() -> None:
    said = _said(ONTBOEZEMINGEN, "nl")
    assert said.startswith("De Britten meendet ge te kennen: ten eerste, uit de stokers")
    assert "; ten tweede, uit de karikaturen" in said and "; ten derde, uit de" in said


@pytest.mark.parametrize(("line", "language", "said"), [
    ("Il fait 40° F. à midi, par 45° de latitude, 10° C.", "fr",
     "Il fait quarante degrés Fahrenheit. à midi, par quarante-cinq degrés de latitude, "
     "dix degrés Celsius."),
    ("Il fait 10° à l'ombre.", "fr", "Il fait dix degrés à l'ombre."),
    ("Entre 0,1° le matin et 0,2° le soir.", "fr",
     "Entre zéro virgule un degré le matin et zéro virgule deux degré le soir."),
    ("Le thermomètre marquait, 1° au-dessous, puis 2° au-dessous.", "fr",
     "Le thermomètre marquait, un degré au-dessous, puis deux degrés au-dessous."),
    ("43° OL. 46° ZB. Februarij, 1866.", "nl",
     "Drieënveertig OL. Zesenveertig ZB. Februarij, achttienhonderdzesenzestig."),
    ("La festa si tiene il 1° maggio.", "it", "La festa si tiene il primo maggio."),
    ("It keeps at 40° F. and below.", "en", "It keeps at forty degrees Fahrenheit and below."),
])
def test_temperatures_angles_and_dates_are_said_as_before(line: str, language: str,
                                                           said: str) -> None:
    assert _said(line, language) == said


def test_a_lone_first_is_no_list() -> None:
    """Without its 2° a "1°" is left as printed: a temperature, most likely."""
    assert "1o" not in normalize_text("Le soir, 1° seulement.", "fr")
