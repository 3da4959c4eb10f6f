"""EPUB structures that lost text (issue 24): CJK pages taken for contents pages."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

JA = ("吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした"
      "所でニャーニャー泣いていた事だけは記憶している。")


def test_japanese_page_with_note_links_is_read(tmp_path: Path) -> None:
    """Six note links among unspaced Japanese prose: by whitespace words the links were most
    of the page, and the chapter was dropped as a contents page."""
    notes = " ".join(f'<a href="notes.xhtml#n{i}">注{i}</a>' for i in range(1, 7))
    body = f"<h1>第一章</h1><p>{JA * 3}</p><p>{JA * 2} {notes}</p><p>{JA}</p>"
    spec = EpubSpec(language="ja", docs=[
        Doc("c1.xhtml", body, toc_title="第一章"),
        Doc("c2.xhtml", f"<h1>第二章</h1><p>{JA * 4}</p>", toc_title="第二章"),
        Doc("notes.xhtml", "".join(f'<p id="n{i}">注{i}。説明。</p>' for i in range(1, 7)),
            toc_title="注")])
    book = read_book(build_epub(spec, tmp_path / "neko.epub"))
    assert [c.title for c in book.chapters][:2] == ["第一章", "第二章"]
    assert book.chapters[0].text.count("吾輩は猫である") == 6


def _rewrite_opf(path: Path, old: str, new: str) -> Path:
    """The built EPUB with its package document edited (a quirk the builder has no flag for)."""
    import zipfile

    out = path.with_name("edited-" + path.name)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "OEBPS/content.opf":
                text = data.decode()
                assert old in text
                data = text.replace(old, new).encode()
            zout.writestr(info, data)
    return out


STORY = ("The two friends wrote the story together, one chapter each, passing the notebook "
         "back and forth across the kitchen table every evening for a whole winter.")


def test_every_author_is_kept_and_an_illustrator_is_not(tmp_path: Path) -> None:
    path = build_epub(EpubSpec(author="Ann First", docs=[
        Doc("c1.xhtml", f"<h1>One</h1><p>{STORY}</p>", toc_title="One")]), tmp_path / "a.epub")
    path = _rewrite_opf(path, "<dc:creator>Ann First</dc:creator>",
                        '<dc:creator>Ann First</dc:creator><dc:creator id="c2">Ben Second'
                        '</dc:creator><dc:creator id="c3">Cy Drawer</dc:creator>'
                        '<meta refines="#c3" property="role" scheme="marc:relators">ill</meta>')
    assert read_book(path).metadata.author == "Ann First, Ben Second"


def test_picture_page_falls_back_to_its_text_page(tmp_path: Path) -> None:
    """A comic's JPEG spine item whose manifest fallback is an XHTML page of dialogue."""
    dialogue = f"<h1>Panel talk</h1><p>{STORY}</p>"
    path = build_epub(EpubSpec(docs=[Doc("c1.xhtml", dialogue, toc_title="Page one")]),
                      tmp_path / "comic.epub")
    path = _rewrite_opf(path, '<itemref idref="d0"/>', '<itemref idref="pic"/>')
    path = _rewrite_opf(path, "</manifest>", '<item id="pic" href="p1.jpg" '
                        'media-type="image/jpeg" fallback="d0"/></manifest>')
    book = read_book(path)
    assert "passing the notebook" in book.chapters[0].text


def test_numbered_parts_carry_their_poem_title(tmp_path: Path) -> None:
    """A poem cut into numbered sections: "Song of Myself, 2", not "2"."""
    poem = "<h2>Song of Myself</h2>" + "".join(
        f'<h3 id="s{i}">{i}</h3><p>{STORY}</p><p>{STORY}</p>' for i in range(1, 4))
    from tests.helpers.epub_builder import xhtml

    parts = "".join(f'<li><a href="poem.xhtml#s{i}">{i}</a></li>' for i in range(1, 4))
    nav = xhtml("Contents", '<nav epub:type="toc"><ol><li><a href="poem.xhtml">Song of Myself'
                f"</a><ol>{parts}</ol></li></ol></nav>")  # the parts nested under the poem
    spec = EpubSpec(docs=[Doc("poem.xhtml", poem, toc_title="Song of Myself")],
                    extra_files={"OEBPS/nav.xhtml": nav.encode()})
    titles = [c.title for c in read_book(build_epub(spec, tmp_path / "leaves.epub")).chapters]
    assert titles[-3:] == ["Song of Myself, 1", "Song of Myself, 2", "Song of Myself, 3"]


def test_untitled_chapters_are_named_in_the_books_language(tmp_path: Path) -> None:
    texte = ("Le vent soufflait sur la lande depuis le matin, et personne au village ne "
             "se souvenait d'une tempête pareille. ") * 4
    spec = EpubSpec(language="fr", toc=False, docs=[
        Doc("a.xhtml", f"<p>{texte}</p>"), Doc("b.xhtml", f"<p>{texte}</p>")])
    titles = [c.title for c in read_book(build_epub(spec, tmp_path / "lande.epub")).chapters]
    assert titles == ["Chapitre 1", "Chapitre 2"]


def test_a_figures_description_is_read_when_its_caption_does_not_say_it(tmp_path: Path) -> None:
    described = ('<figure><img src="a.png" alt="A bar chart: sales doubled between spring '
                 'and autumn, then fell back in winter."/><figcaption>Figure 1. Sales by '
                 "season.</figcaption></figure>")
    said = ('<figure><img src="b.png" alt="Sales by season"/><figcaption>Figure 2. Sales by '
            "season.</figcaption></figure>")
    spec = EpubSpec(docs=[Doc("c1.xhtml", f"<h1>Charts</h1><p>{STORY}</p>{described}{said}",
                              toc_title="Charts")])
    text = read_book(build_epub(spec, tmp_path / "charts.epub")).chapters[0].text
    assert "sales doubled between spring and autumn" in text
    assert text.count("Sales by season") == 2  # the two captions; the second alt not again


def test_a_navigation_label_is_no_chapter_title(tmp_path: Path) -> None:
    """The TOC's "Start reading" points at a page without a heading: it is no title."""
    spec = EpubSpec(docs=[Doc("c1.xhtml", f"<p>{STORY}</p><p>{STORY}</p>",
                              toc_title="Start reading"),
                          Doc("c2.xhtml", f"<h1>Two</h1><p>{STORY}</p>", toc_title="Two")])
    titles = [c.title for c in read_book(build_epub(spec, tmp_path / "start.epub")).chapters]
    assert titles == ["Chapter 1", "Two"]


def test_letter_titles_under_a_titled_entry_stay_letters() -> None:
    """A dictionary's TOC "The Devil's Dictionary" > A, B, C, D, I: "C" is a letter, not
    "The Devil's Dictionary, C" as a Roman numeral would be; "II" under a story still
    carries the story's title."""
    from lxml import etree

    from e2a_desktop.ebook.epub_toc import nav_toc

    def nav(parent: str, children: list[str]) -> etree._Element:
        items = "".join(f'<li><a href="t.xhtml#{c}">{c}</a></li>' for c in children)
        return etree.fromstring(
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
            f'<body><nav epub:type="toc"><ol><li><a href="t.xhtml">{parent}</a><ol>{items}'
            "</ol></li></ol></nav></body></html>")

    letters = nav_toc(nav("The Devil's Dictionary", ["A", "B", "C", "D", "I"]), "t.xhtml")
    assert [e.title for e in letters][1:] == ["A", "B", "C", "D", "I"]
    numerals = nav_toc(nav("A Scandal in Bohemia", ["I", "II", "III"]), "t.xhtml")
    assert [e.title for e in numerals][1:] == ["A Scandal in Bohemia, I",
                                               "A Scandal in Bohemia, II",
                                               "A Scandal in Bohemia, III"]
