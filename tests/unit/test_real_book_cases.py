"""Cases found reading the IDPF epub3-samples books, rebuilt as small EPUBs: each test
asserts what a listener hears. (The real books are not read here: CI has no copy.)"""

from __future__ import annotations

import zipfile
from pathlib import Path

from e2a_desktop.ebook import read_book
from e2a_desktop.ebook.epub_css import hidden_classes
from e2a_desktop.ebook.options import ReadOptions
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

LONG = ("The rain fell on the old town all night, and nobody in the inn could sleep for the "
        "noise it made on the slate roofs above them.")


def _book_text(tmp_path: Path, spec: EpubSpec) -> list[tuple[str, str]]:
    book = read_book(build_epub(spec, tmp_path / "book.epub"))
    return [(c.title, c.text) for c in book.chapters]


def _heard(tmp_path: Path, spec: EpubSpec) -> str:
    return "\n\n".join(text for _title, text in _book_text(tmp_path, spec))


def test_file_names_in_utf8_without_the_zip_flag_are_found(tmp_path: Path) -> None:
    """kusamakura: "xhtml/一.xhtml" stored by a zip tool that does not set the UTF-8 flag."""
    spec = EpubSpec(language="ja", utf8_flag=False, docs=[
        Doc("一.xhtml", f"<h1>一</h1><p>山路を登りながら、こう考えた。{LONG}</p>", toc_title="一")])
    path = build_epub(spec, tmp_path / "book.epub")
    with zipfile.ZipFile(path) as archive:
        assert "OEBPS/一.xhtml" not in archive.namelist()  # the test's premise
    text = "\n\n".join(c.text for c in read_book(path).chapters)
    assert "山路を登りながら、こう考えた。" in text


def test_classes_the_books_css_hides_are_not_read(tmp_path: Path) -> None:
    """Guide Hachette: running heads set as <div class="oeb-header"> hidden by the CSS."""
    css = (b"@charset \"UTF-8\";\n.oeb-header { display:none; display:oeb-page-head; }\n"
           b"@media print { .print-only { display: none } }\n.shown { display: none; "
           b"display: block }\n")
    head = '<link rel="stylesheet" type="text/css" href="style.css"/>'
    body = ('<div class="title">The Alsace</div><div class="oeb-header">The Alsace</div>'
            f'<p>{LONG}</p><p class="print-only">Printed in France.</p>'
            '<p class="shown">A shown line.</p>')
    spec = EpubSpec(extra_files={"OEBPS/style.css": css},
                    docs=[Doc("c1.xhtml", body, toc_title="One", head=head)])
    heard = _heard(tmp_path, spec)
    assert heard.count("The Alsace") == 1
    assert "Printed in France." in heard  # hidden for one medium only
    assert "A shown line." in heard  # a later declaration shows it again


def test_alternate_style_sheets_do_not_hide(tmp_path: Path) -> None:
    """Haruko: an English and a Japanese alternate style sheet each hide the other."""
    css = b"p.ja { display: none; }"
    head = '<link rel="alternate stylesheet" title="English" href="en.css"/>'
    body = f'<p class="ja">日本語の文。</p><p>{LONG}</p>'
    spec = EpubSpec(extra_files={"OEBPS/en.css": css},
                    docs=[Doc("c1.xhtml", body, toc_title="One", head=head)])
    assert "日本語の文。" in _heard(tmp_path, spec)


def test_hidden_classes_parses_only_plain_top_level_rules() -> None:
    css = (".a{display:none} /* .b{display:none} */ .c .d{display:none} "
           "@supports (display:grid) { .e{display:none} } p.f, .g {display:none}")
    assert hidden_classes(css) == {"a", "f", "g"}


def test_an_alt_text_given_to_many_images_is_not_read(tmp_path: Path) -> None:
    """Emakimono, manga: every picture's alt is "代替テキスト" ("alternative text")."""
    pages = "".join(f'<div><img src="p{i}.png" alt="alternative text"/></div>'
                    for i in range(4))
    body = f'{pages}<div><img src="fox.png" alt="The fox jumps over the fence."/></div>'
    heard = _heard(tmp_path, EpubSpec(docs=[Doc("c1.xhtml", f"<p>{LONG}</p>{body}",
                                                toc_title="One")]))
    assert "alternative text" not in heard
    assert "The fox jumps over the fence." in heard


def test_running_heads_that_restate_titles_are_left_out(tmp_path: Path) -> None:
    """Guide Hachette: "Beaujolais (LE BEAUJOLAIS ET LE LYONNAIS)" printed before each wine,
    while a sentence that recurs ("First, form the augmented matrix.") and a refrain stay."""
    wines = "".join(
        f'<div class="TCR">Beaujolais (LE BEAUJOLAIS ET LE LYONNAIS)</div>'
        f'<p>Wine number {i} is a fresh red with notes of cherry and a long finish.</p>'
        f'<p class="step">First, form the augmented matrix.</p>'
        f'<p class="verse">HURRY UP PLEASE ITS TIME</p>' for i in range(4))
    body = (f'<div class="region">LE BEAUJOLAIS ET LE LYONNAIS</div>'
            f'<div class="appellation">Beaujolais</div><p>{LONG}</p>{wines}')
    heard = _heard(tmp_path, EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="Wines")]))
    assert "(LE BEAUJOLAIS" not in heard
    assert heard.count("LE BEAUJOLAIS ET LE LYONNAIS") == 1
    assert heard.count("First, form the augmented matrix.") == 4
    assert heard.count("HURRY UP PLEASE ITS TIME") == 4
    assert "Wine number 3 is a fresh red" in heard


def test_a_running_head_repeating_the_book_title_is_left_out(tmp_path: Path) -> None:
    body = "".join(f'<p>{LONG} Part {i}.</p><p class="rh">The Voyage of the Heron</p>'
                   for i in range(5))
    spec = EpubSpec(title="The Voyage of the Heron",
                    docs=[Doc("c1.xhtml", f"<h1>One</h1>{body}", toc_title="One")])
    heard = _heard(tmp_path, spec)
    assert "Voyage of the Heron" not in heard
    assert "Part 4." in heard


def _svg_page(*lines: str) -> str:
    spans = "".join(f'<tspan x="0" y="{15 * i}">{line}</tspan>' for i, line in enumerate(lines))
    return (f'<div class="page"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 500">'
            f"<text>{spans}</text></svg></div>")


def test_svg_lines_are_joined_and_dehyphenated(tmp_path: Path) -> None:
    """Sous le vent: one <tspan> a line, no space between, words hyphenated at line ends."""
    body = _svg_page("Il en avait souvent rêvé, au moins depuis la ", "communale.",
                     "Dans la petite école, l'histoire res-", "tait toujours l'histoire.")
    heard = _heard(tmp_path, EpubSpec(language="fr", docs=[
        Doc("p1.xhtml", body + f"<p>{LONG}</p>", toc_title="I")]))
    assert ("Il en avait souvent rêvé, au moins depuis la communale. Dans la petite école, "
            "l'histoire restait toujours l'histoire.") in heard


def test_pages_of_a_fixed_layout_book_continue_the_chapter(tmp_path: Path) -> None:
    """Sous le vent, Haruko: each page is a spine file; the TOC names only where the story
    starts. Pages it does not name go on with the chapter, a sentence across a page break
    read as one."""
    spec = EpubSpec(language="fr", pre_paginated=True, docs=[
        Doc("p1.xhtml", _svg_page("I"), toc_title="Commencer"),
        Doc("p2.xhtml", _svg_page("Il rêvait d'un monde où les fruits seraient gros, où")),
        Doc("p3.xhtml", _svg_page("le vent serait chaud. Il accrocherait une carte au mur, "
                                  "une carte de l'Asie du Sud-Est.")),
        Doc("p4.xhtml", _svg_page("Eh bien, ce moment était arrivé, et il partait pour "
                                  "Tahiti sans se retourner vers la Bretagne.")),
    ])
    chapters = _book_text(tmp_path, spec)
    assert len(chapters) == 1
    title, text = chapters[0]
    assert title == "Commencer"
    assert "gros, où le vent serait chaud." in text
    assert "au mur, une carte de l'Asie du Sud-Est.\n\nEh bien" in text


def test_pages_of_a_reflowable_book_stay_chapters(tmp_path: Path) -> None:
    spec = EpubSpec(docs=[
        Doc("c1.xhtml", f"<h1>One</h1><p>{LONG}</p>", toc_title="One"),
        Doc("c2.xhtml", f"<h1>Two</h1><p>{LONG}</p>"),
    ])
    assert [title for title, _text in _book_text(tmp_path, spec)] == ["One", "Two"]


def test_an_unmarked_printed_contents_page_is_skipped(tmp_path: Path) -> None:
    """mymedia_lite, jlreq: "目次" and links to the chapters, no epub:type, no TOC entry."""
    links = "".join(f'<p><a href="c{i}.xhtml#s">第{i}章の題</a></p>' for i in (1, 2, 3))
    docs = [Doc("toc.xhtml", f"<h2>目次</h2>{links}"),
            Doc("c1.xhtml", f"<h1 id='s'>一</h1><p>山路を登りながら、こう考えた。{LONG}</p>",
                toc_title="一"),
            Doc("c2.xhtml", f"<h1 id='s'>二</h1><p>智に働けば角が立つ。{LONG}</p>", toc_title="二"),
            Doc("c3.xhtml", f"<h1 id='s'>三</h1><p>情に棹させば流される。{LONG}</p>",
                toc_title="三")]
    path = build_epub(EpubSpec(language="ja", docs=docs), tmp_path / "book.epub")
    heard = "\n\n".join(c.text for c in read_book(path).chapters)
    assert "目次" not in heard and "第1章の題" not in heard
    assert "山路を登りながら" in heard
    included = read_book(path, ReadOptions(include=frozenset({"toc"})))
    assert "第1章の題" in "\n\n".join(c.text for c in included.chapters)


def test_a_chapter_with_a_few_links_is_read(tmp_path: Path) -> None:
    """Footnote references and a cross-reference or two never make a chapter a contents page."""
    body = (f'<h1>One</h1><p>{LONG}<a href="notes.xhtml#n1">1</a> See '
            f'<a href="c2.xhtml">the next chapter</a>, <a href="c2.xhtml#a">its map</a> and '
            f'<a href="notes.xhtml">the notes</a>.</p>')
    spec = EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="One"),
                          Doc("c2.xhtml", f"<h1>Two</h1><p id='a'>{LONG}</p>", toc_title="Two"),
                          Doc("notes.xhtml", f"<p id='n1'>{LONG}</p>", toc_title="Notes")])
    assert "See the next chapter, its map and the notes." in _heard(tmp_path, spec)


def test_a_part_page_listing_its_sections_says_only_its_title(tmp_path: Path) -> None:
    """linear-algebra: "Part III. Applications" and links to its sections, named in the TOC."""
    links = "".join(f'<li><a href="s{i}.xhtml">Section {i} Curve Fitting</a></li>'
                    for i in (1, 2, 3))
    docs = [Doc("part.xhtml", f"<h1>Part III. Applications</h1><ul>{links}</ul>",
                toc_title="Part III. Applications")]
    docs += [Doc(f"s{i}.xhtml", f"<h1>Section {i} Curve Fitting</h1><p>{LONG}</p>",
                 toc_title=f"Section {i} Curve Fitting") for i in (1, 2, 3)]
    heard = _heard(tmp_path, EpubSpec(docs=docs))
    assert "Part 3. Applications" in heard
    assert heard.count("Section 1 Curve Fitting") == 1


def test_a_dash_before_a_closing_bracket_is_not_a_comma(tmp_path: Path) -> None:
    """childrens-literature: "Dr. Abram S. Isaacs (1851– ) is a professor"."""
    body = f"<h1>One</h1><p>Dr. Abram S. Isaacs (1851– ) is a professor. Fie—! {LONG}</p>"
    heard = _heard(tmp_path, EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="One")]))
    assert "Dr. Abram S. Isaacs (1851) is a professor. Fie!" in heard


def test_a_heading_that_is_the_titles_number_is_not_said_again(tmp_path: Path) -> None:
    """childrens-literature: TOC "190 A FOUR-LEAVED CLOVER", heading "<h3>190</h3>"."""
    spec = EpubSpec(docs=[
        Doc("c1.xhtml", f"<h3>190</h3><p>{LONG}</p>", toc_title="190 A FOUR-LEAVED CLOVER"),
        Doc("c2.xhtml", f"<p>[Virata]</p><p>{LONG}</p>", toc_title="Virata Parva 3")])
    (_t1, first), (_t2, second) = _book_text(tmp_path, spec)
    assert first.startswith(f"190 A FOUR-LEAVED CLOVER\n\n{LONG[:20]}")
    assert second.startswith("Virata Parva 3\n\n[Virata]")  # a speaker, not a number


def test_letters_set_one_per_span_are_read_as_words(tmp_path: Path) -> None:
    """linear-algebra (tex4ht small capitals): "T<span>h</span><span>i</span>…"."""
    def caps(word: str) -> str:
        return word[0] + "".join(f'\n  <span class="sc">{c}</span>' for c in word[1:])
    notice = f'<span class="big">{caps("This")} {caps("Draft")}, {caps("Subject")}</span>'
    body = f"<h1>One</h1><p>{notice}</p><p>Let <i>x</i> <i>y</i> be two numbers. {LONG}</p>"
    heard = _heard(tmp_path, EpubSpec(docs=[Doc("c1.xhtml", body, toc_title="One")]))
    assert "This Draft, Subject" in heard
    assert "Let x y be two numbers." in heard


def test_a_title_set_in_a_styled_div_names_the_chapter(tmp_path: Path) -> None:
    """Guide Hachette: <div class="TITREGSE">La Lorraine</div>, large and centred by the CSS;
    the TOC names only where reading starts."""
    css = b".TITREGSE { font-size: x-large; text-align: center } .p { font-size: 1em }"
    head = '<link rel="stylesheet" type="text/css" href="style.css"/>'
    text = f'<div class="p">{LONG}</div><div class="p">{LONG}</div>'
    spec = EpubSpec(language="fr", extra_files={"OEBPS/style.css": css}, docs=[
        Doc("a.xhtml", f'<div class="TITREGSE">L\'Alsace</div>{text}',
            toc_title="Commencer la lecture", head=head),
        Doc("b.xhtml", f'<div class="TITREGSE">La Lorraine</div>{text}', head=head),
        Doc("c.xhtml", text, head=head)])
    assert [title for title, _text in _book_text(tmp_path, spec)] == [
        "L'Alsace", "La Lorraine", "Chapitre 3"]  # in the book's language


def test_a_toc_entry_pointing_at_the_body_names_the_file(tmp_path: Path) -> None:
    """cole-voyage-of-life-tol: TOC "Childhood" → "1-childhood.xhtml#b1", b1 the <body>'s id."""
    spec = EpubSpec(docs=[Doc("c1.xhtml", f"<p>{LONG}</p>", anchors=[("b1", "Childhood")])])
    path = tmp_path / "book.epub"
    build_epub(spec, path)
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["OEBPS/c1.xhtml"] = files["OEBPS/c1.xhtml"].replace(b"<body>", b'<body id="b1">')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert [c.title for c in read_book(path).chapters] == ["Childhood"]


def test_a_running_head_of_a_chapters_number_and_title_is_left_out(tmp_path: Path) -> None:
    """An OpenStax textbook prints "1 • Essential Ideas" over each page of chapter 1."""
    pages = "".join(f'<p class="rh">1 • Essential Ideas</p><p>{LONG} Page {i}.</p>'
                    for i in range(5))
    spec = EpubSpec(docs=[Doc("c1.xhtml", f"<h1>Essential Ideas</h1>{pages}",
                              toc_title="Essential Ideas"),
                          Doc("c2.xhtml", f"<h1>Atoms</h1><p>{LONG} There are 1 or 2 left.</p>",
                              toc_title="Atoms")])
    heard = _heard(tmp_path, spec)
    assert "1 • Essential Ideas" not in heard and "1 Essential Ideas" not in heard
    assert "Page 4." in heard and "There are 1 or 2 left." in heard
