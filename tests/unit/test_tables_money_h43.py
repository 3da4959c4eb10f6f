"""An account printed as a table: the price column's "$" on its first amount only.

Walden's "Economy" (Standard Ebooks) prints "Boards $8.03½" and below it "Pork 0.22";
a narrator says "twenty-two cents", not "zero point two two".
"""

from __future__ import annotations

from e2a_desktop.ebook.htmltext import extract
from e2a_desktop.ebook.normalize import normalize_text
from e2a_desktop.speech import spoken_paragraph

WALDEN_FOOD = """<html><body><p>was</p><table><tbody>
<tr><td>Rice</td><td>$1.73½</td><td/></tr>
<tr><td>Molasses</td><td>1.73</td><td>Cheapest form of the saccharine.</td></tr>
<tr><td>Rye meal</td><td>1.04¾</td><td/></tr>
<tr><td>Indian meal</td><td>0.99¾</td><td>Cheaper than rye.</td></tr>
<tr><td>Pork</td><td>0.22</td><td/></tr>
</tbody></table></body></html>"""

WALDEN_FAILED = """<html><body><p>All experiments which failed:</p><table><tbody>
<tr><td>Flour</td><td>0.88</td><td>Costs more than Indian meal, both money and trouble.</td></tr>
<tr><td>Sugar</td><td>0.80</td><td/></tr>
</tbody></table></body></html>"""

WALDEN_FARM = """<html><body><table><tbody>
<tr><td/><td>$23.44</td></tr>
<tr><td>Deducting the outgoes</td><td>14.72½</td></tr>
<tr class="total"><td>There are left</td><td>$8.71½</td></tr>
</tbody></table></body></html>"""


def _said(html: str) -> list[str]:
    text = normalize_text(extract(html).text)
    return [spoken_paragraph(p, "en") for p in text.split("\n\n")]


def test_a_columns_later_bare_amounts_are_said_as_its_money() -> None:
    said = _said(WALDEN_FOOD)
    assert "Pork, twenty-two cents" in said
    assert "Molasses, one dollar and seventy-three cents, Cheapest form of the saccharine." \
        in said
    assert "Indian meal, ninety-nine and three quarters cents, Cheaper than rye." in said


def test_an_amount_under_a_blank_first_cell_is_carried_too() -> None:
    said = _said(WALDEN_FARM)
    assert "Deducting the outgoes, fourteen dollars and seventy-two and a half cents" in said
    assert "There are left, eight dollars and seventy-one and a half cents" in said


def test_a_table_whose_first_amount_has_no_sign_is_left_as_printed() -> None:
    assert "Flour, 0.88, Costs more" in extract(WALDEN_FAILED).text.replace("\n", " ")


def test_only_a_column_with_the_sign_and_only_amounts_with_cents_get_it() -> None:
    html = ("<table><tr><td>Height</td><td>$1.50</td><td>2.25</td></tr>"
            "<tr><td>1.75</td><td>3.10</td><td>4.5</td></tr>"
            "<tr><td>x</td><td>12</td><td>4.50</td></tr></table>")
    rows = [" ".join(r.split()) for r in extract(html).text.split("\n\n") if r.strip()]
    assert rows == ["Height, $1.50, 2.25", "1.75, $3.10, 4.5", "x, 12, 4.50"]


def test_a_table_inside_a_cell_keeps_its_own_columns() -> None:
    html = ("<table><tr><td>$1.00</td><td><table><tr><td>2.00</td></tr></table></td></tr>"
            "<tr><td>3.00</td><td/></tr></table>")
    rows = [" ".join(r.split()) for r in extract(html).text.split("\n\n") if r.strip()]
    assert "$3.00" in rows and "$2.00" not in " ".join(rows)
