"""What inside a page is heard: figures, tables, images, maths, SVG, switches; and what not."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import ReadOptions, read_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

LONG = ("The rain fell on the old town all night, and nobody in the inn could sleep for the "
        "noise it made on the slate roofs above them.")
MATHML = 'xmlns="http://www.w3.org/1998/Math/MathML"'


def _heard(tmp_path: Path, body: str, options: ReadOptions | None = None) -> str:
    spec = EpubSpec(docs=[Doc("c1.xhtml", f"<h1>One</h1>{body}<p>{LONG}</p>", toc_title="One")])
    book = read_book(build_epub(spec, tmp_path / "book.epub"), options)
    return "\n\n".join(c.text for c in book.chapters)


def test_figures_keep_their_captions(tmp_path: Path) -> None:
    body = ('<figure><img src="map.png" alt="A map"/><figcaption>The state of Georgia in '
            "1900.</figcaption></figure>")
    heard = _heard(tmp_path, body)
    assert "The state of Georgia in 1900." in heard
    assert "A map" not in heard  # the caption says it; the alt would say it twice


def test_tables_are_read_row_by_row(tmp_path: Path) -> None:
    body = ("<table><caption>Governors</caption><tr><th>Name</th><th>Term</th></tr>"
            "<tr><td>James Oglethorpe</td><td>1733</td></tr></table>")
    heard = _heard(tmp_path, body)
    assert "Governors\n\nName, Term\n\nJames Oglethorpe, 1733" in heard


def test_alt_text_is_read_when_the_image_is_all_there_is(tmp_path: Path) -> None:
    body = ('<div><img src="p1.png" alt="The fox jumps over the fence."/></div>'
            '<p>Look <img src="star.png" alt="a star"/> here.</p>'
            '<div><img src="deco.png" alt="image1.png"/></div>')
    heard = _heard(tmp_path, body)
    assert "The fox jumps over the fence." in heard
    assert "a star" not in heard and "image1" not in heard
    assert "Look here." in heard


def test_mathml_is_read_from_alttext_or_spoken_without_holes(tmp_path: Path) -> None:
    body = (f'<p>For example in the <math {MATHML} alttext="x y"><mi>x</mi><mi>y</mi></math>'
            "-plane you might draw a line.</p>"
            f"<p>We have <math {MATHML}><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo>"
            "<mfrac><mn>1</mn><mn>2</mn></mfrac></math> in total.</p>")
    heard = _heard(tmp_path, body)
    assert "For example in the x y-plane you might draw a line." in heard
    assert "We have x squared plus 1 over 2 in total." in heard


def test_svg_text_is_read(tmp_path: Path) -> None:
    body = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>panel</title>'
            '<text x="1" y="1">Bonjour, Tintin !</text><text x="1" y="5">Où vas-tu ?</text></svg>')
    spec = EpubSpec(language="fr", docs=[Doc("p1.xhtml", body, toc_title="Planche 1")])
    book = read_book(build_epub(spec, tmp_path / "comic.epub"))
    assert book.chapters[0].text == "Planche 1\n\nBonjour, Tintin!\n\nOù vas-tu?"


def test_epub_switch_reads_only_the_default_and_object_its_fallback(tmp_path: Path) -> None:
    body = ('<epub:switch><epub:case required-namespace="http://www.xml-cml.org/schema">'
            "<p>CHEMICAL MARKUP</p></epub:case><epub:default><p>Water is H2O.</p>"
            '</epub:default></epub:switch><object data="film.mp4" type="video/mp4">'
            '<param name="autoplay" value="false"/><p>A film of the harbour.</p></object>')
    heard = _heard(tmp_path, body)
    assert "Water is H2O." in heard and "A film of the harbour." in heard
    assert "CHEMICAL" not in heard and "autoplay" not in heard


def test_code_listings_are_announced_or_read(tmp_path: Path) -> None:
    body = ('<pre><code>&lt;html xmlns:epub="http://www.idpf.org/2007/ops"&gt;</code></pre>'
            "<p>Use the <code>&lt;img&gt;</code> element.</p>")
    heard = _heard(tmp_path, body)
    assert "Code listing omitted." in heard and "xmlns" not in heard
    assert "Use the img element." in heard
    read = _heard(tmp_path, body, ReadOptions(code="read"))
    assert "xmlns" in read


def test_poem_line_numbers_are_not_read(tmp_path: Path) -> None:
    body = ('<div class="poem"><p>And went on in sunlight, into the Hofgarten,'
            '<span class="linenum">10</span><br/>And drank coffee, and talked for an hour.<br/>'
            'Bin gar keine Russin <span class="lineno">12</span></p></div>')
    heard = _heard(tmp_path, body)
    # Each <br/> ends a line of the stanza, which keeps its own comma (see test_verse).
    assert "into the Hofgarten,\u2028And drank coffee" in heard
    assert "10" not in heard and "12" not in heard


def test_boilerplate_repeated_on_every_page_is_read_once_never(tmp_path: Path) -> None:
    docs = []
    for i in range(1, 7):
        nav = (f'<div class="familylinks"><div class="parentlink"><strong>Parent topic:</strong>'
               f' <a href="c{i - 1}.xhtml">Topic {i - 1}</a></div></div>'
               '<p class="running">A Guide to Georgia, the Empire State of the South</p>')
        docs.append(Doc(f"c{i}.xhtml", f"<h1>Topic {i}</h1><p>Day {i}. {LONG}</p>{nav}",
                        toc_title=f"Topic {i}"))
    path = build_epub(EpubSpec(docs=docs), tmp_path / "guide.epub")
    heard = "\n".join(c.text for c in read_book(path).chapters)
    assert "Parent topic" not in heard and "Empire State" not in heard
    assert all(f"Day {i}. {LONG}" in heard for i in range(1, 7))
    kept = read_book(path, ReadOptions(include=frozenset({"boilerplate"})))
    assert "Parent topic" in kept.chapters[0].text


def test_endnotes_collection_listed_in_the_toc_is_read(tmp_path: Path) -> None:
    notes = ('<section epub:type="endnotes"><h1>Notes</h1><ol><li epub:type="endnote" id="n1">'
             f"<p>Line 20. Cf. Webster. {LONG}</p></li></ol></section>")
    spec = EpubSpec(docs=[Doc("c1.xhtml", f"<h1>Poem</h1><p>{LONG}</p><p>{LONG}</p>",
                              toc_title="Poem"), Doc("notes.xhtml", notes, toc_title="Notes")])
    book = read_book(build_epub(spec, tmp_path / "notes.epub"))
    assert [c.title for c in book.chapters] == ["Poem", "Notes"]
    assert "Cf. Webster." in book.chapters[1].text


def test_placeholder_alttext_gives_way_to_the_spoken_mathml(tmp_path: Path) -> None:
    body = (f'<p>In the <span class="eqn"><math {MATHML} alttext="Alternative text not '
            'available"><mi>x</mi><mi>y</mi></math>\n</span>-plane a line is '
            f'<math {MATHML}><mi>y</mi><mo>=</mo><mi>m</mi><mi>x</mi><mo>+</mo><mi>b</mi>'
            "</math>.</p>")
    heard = _heard(tmp_path, body)
    assert "In the x y-plane a line is y equals m x plus b." in heard
    assert "Alternative" not in heard


def test_small_capitals_are_read_as_letters(tmp_path: Path) -> None:
    small = "D\u1d07s \u1d0d\u1d07\u1d0d\u1d07s \u1d00\u1d1c\u1d1b\u1d07\u1d1c\u0280s"
    heard = _heard(tmp_path, f"<p>{small}</p>")
    assert "Des memes auteurs" in heard


def test_a_paragraph_of_raw_markup_is_a_listing(tmp_path: Path) -> None:
    heard = _heard(tmp_path, '<p>&lt;div role="alert" id="results"/&gt;</p><p>Roles follow.</p>')
    assert "Code listing omitted.\n\nRoles follow." in heard and "alert" not in heard
