"""Which parts of an EPUB become which chapters: fragments, sub-folder TOCs, landmarks."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import ReadOptions, read_book
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body

LONG = ("The rain fell on the old town all night, and nobody in the inn could sleep for the "
        "noise it made on the slate roofs above them.")
OTHER = ("In the morning the roads were rivers, and the carter said he would not go on until "
         "the water went down, whatever the merchants offered him.")


def _story(anchor: str, title: str, words: str) -> str:
    return f'<section id="{anchor}"><h2>{title}</h2><p>{words} {LONG}</p><p>{OTHER}</p></section>'


def _chapter(i: int, **kwargs: object) -> Doc:
    return Doc(f"c{i}.xhtml", chapter_body(f"Chapter {i}", [LONG, OTHER]),
               toc_title=f"Chapter {i}", **kwargs)  # type: ignore[arg-type]


def test_toc_entries_inside_one_file_split_it_into_chapters(tmp_path: Path) -> None:
    body = "".join(_story(f"s{i}", f"Story {i}", f"Story {i} begins.") for i in range(1, 4))
    doc = Doc("stories.xhtml", body, anchors=[("s1", "Story 1"), ("s2", "Story 2"),
                                              ("s3", "Story 3")])
    book = read_book(build_epub(EpubSpec(docs=[doc]), tmp_path / "anthology.epub"))
    assert [c.title for c in book.chapters] == ["Story 1", "Story 2", "Story 3"]
    for i, chapter in enumerate(book.chapters, start=1):
        # Each story is read once, under its own title, and its title is said once.
        assert chapter.text.startswith(f"Story {i}\n\nStory {i} begins.")
        assert chapter.text.count(f"Story {i}") == 2
        assert f"Story {i + 1}" not in chapter.text


def test_text_before_the_first_anchor_stays_with_the_files_own_entry(tmp_path: Path) -> None:
    body = f"<h1>Part One</h1><p>{LONG}</p><p>{OTHER}</p>" + _story("s2", "Second", "Two.")
    doc = Doc("part.xhtml", body, toc_title="Part One", anchors=[("s2", "Second")])
    book = read_book(build_epub(EpubSpec(docs=[doc]), tmp_path / "part.epub"))
    assert [c.title for c in book.chapters] == ["Part One", "Second"]
    assert "Two." not in book.chapters[0].text
    assert book.chapters[1].text.startswith("Second\n\nTwo.")


def test_v2_ncx_fragments_split_too(tmp_path: Path) -> None:
    body = "".join(_story(f"s{i}", f"Story {i}", "Once.") for i in range(1, 3))
    doc = Doc("stories.xhtml", body, anchors=[("s1", "Story 1"), ("s2", "Story 2")])
    book = read_book(build_epub(EpubSpec(version=2, docs=[doc]), tmp_path / "ncx.epub"))
    assert [c.title for c in book.chapters] == ["Story 1", "Story 2"]


def test_toc_in_a_sub_folder_resolves_its_links(tmp_path: Path) -> None:
    docs = [Doc(f"Text/c{i}.xhtml", chapter_body(f"Heading {i}", [LONG, OTHER]),
                toc_title=f"Named {i}") for i in (1, 2)]
    for version in (2, 3):
        spec = EpubSpec(version=version, docs=docs, nav_dir="Nav")
        book = read_book(build_epub(spec, tmp_path / f"sub{version}.epub"))
        assert [c.title for c in book.chapters] == ["Named 1", "Named 2"]


def test_a_label_line_before_the_title_does_not_make_it_twice(tmp_path: Path) -> None:
    body = f"<p>CHAPTER ONE</p><h1>The Boy Who Lived</h1><p>{LONG}</p><p>{OTHER}</p>"
    doc = Doc("c1.xhtml", body, toc_title="The Boy Who Lived")
    book = read_book(build_epub(EpubSpec(docs=[doc, _chapter(2)]), tmp_path / "label.epub"))
    assert book.chapters[0].text.startswith("CHAPTER ONE\n\nThe Boy Who Lived\n\nThe rain")
    assert book.chapters[0].text.count("The Boy Who Lived") == 1


def test_landmarks_and_epub_types_skip_contents_index_and_copyright(tmp_path: Path) -> None:
    printed_toc = Doc("toc.xhtml", "<h1>Contents</h1><p>Chapter 1 ... 3</p>",
                      toc_title="In this book")
    copyright_page = Doc("legal.xhtml", "<section epub:type='copyright-page'><p>All rights "
                         f"reserved by nobody. {LONG}</p></section>")
    index = Doc("back.xhtml", f"<h1>Back</h1><p>Whales, 3, 7. Rain, 1. {LONG}</p>",
                toc_title="Back matter")
    spec = EpubSpec(docs=[printed_toc, copyright_page, _chapter(1), _chapter(2), index],
                    landmarks=[("toc", "toc.xhtml"), ("index", "back.xhtml"),
                               ("bodymatter", "c1.xhtml")])
    path = build_epub(spec, tmp_path / "landmarks.epub")
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    heard = "\n".join(c.text for c in book.chapters)
    assert "rights reserved" not in heard and "Whales" not in heard and "... 3" not in heard
    everything = read_book(path, ReadOptions(include=frozenset({"all"})))
    assert "Whales, 3, 7." in "\n".join(c.text for c in everything.chapters)
    only_index = read_book(path, ReadOptions(include=frozenset({"index"})))
    assert [c.title for c in only_index.chapters] == ["Chapter 1", "Chapter 2", "Back matter"]


def test_an_unmarked_printed_contents_page_is_not_read(tmp_path: Path) -> None:
    links = "".join(f'<p><a href="c{i}.xhtml">Chapter {i}</a></p>' for i in range(1, 7))
    docs = [Doc("contents.xhtml", f"<h1>Contents</h1>{links}"), _chapter(1), _chapter(2)]
    book = read_book(build_epub(EpubSpec(docs=docs), tmp_path / "contents.epub"))
    assert book.chapters[0].text.startswith("Chapter 1\n\nThe rain")
    assert "Contents" not in book.chapters[0].text


def test_gutenberg_licence_is_not_a_chapter(tmp_path: Path) -> None:
    header = Doc("pg-header.xhtml", '<section class="pg-boilerplate" id="pg-header"><p>The '
                 "Project Gutenberg eBook of Tales. This ebook is for the use of anyone anywhere"
                 "</p></section><p>*** START OF THE PROJECT GUTENBERG EBOOK TALES ***</p>")
    footer = Doc("pg-footer.xhtml", "<p>*** END OF THE PROJECT GUTENBERG EBOOK TALES ***</p>"
                 "<h2>THE FULL PROJECT GUTENBERG LICENSE</h2>"
                 f"<p>To protect the Project Gutenberg mission. {LONG}</p>",
                 toc_title="THE FULL PROJECT GUTENBERG LICENSE")
    spec = EpubSpec(docs=[header, _chapter(1), _chapter(2), footer])
    book = read_book(build_epub(spec, tmp_path / "pg.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    heard = "\n".join(c.text for c in book.chapters)
    assert "Gutenberg" not in heard and "anyone anywhere" not in heard


def test_the_default_rendition_is_read_not_an_alternative(tmp_path: Path) -> None:
    braille_opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Braille</dc:title>'
        '</metadata><manifest><item id="b" href="b.xhtml" media-type="application/xhtml+xml"/>'
        '</manifest><spine><itemref idref="b"/></spine></package>')
    spec = EpubSpec(docs=[_chapter(1), _chapter(2)], other_rootfiles=["BRL/content.opf"],
                    extra_files={"BRL/content.opf": braille_opf.encode(),
                                 "BRL/b.xhtml": b"<html><body><p>\xe2\xa0\x81</p></body></html>"})
    book = read_book(build_epub(spec, tmp_path / "renditions.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]


def test_a_short_titled_chapter_keeps_its_title(tmp_path: Path) -> None:
    docs = [Doc("c1.xhtml", "<h1>Chapter 1</h1><p>It was short.</p>", toc_title="Chapter 1"),
            _chapter(2)]
    book = read_book(build_epub(EpubSpec(docs=docs), tmp_path / "short.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]
    assert book.chapters[0].text == "Chapter 1\n\nIt was short."


def test_a_reading_system_label_gives_way_to_the_heading(tmp_path: Path) -> None:
    docs = [Doc("c1.xhtml", chapter_body("What Is Cancer?", [LONG, OTHER]),
                toc_title="Commencer la lecture"), _chapter(2)]
    book = read_book(build_epub(EpubSpec(docs=docs), tmp_path / "label.epub"))
    assert [c.title for c in book.chapters] == ["What Is Cancer?", "Chapter 2"]
    assert "Commencer" not in book.chapters[0].text


def test_an_epigraph_on_a_skipped_title_page_is_still_read(tmp_path: Path) -> None:
    body = ('<section epub:type="titlepage"><h1>The Waste Land</h1><p>T.S. Eliot</p>'
            '<div epub:type="epigraph"><p>Nam Sibyllam quidem Cumis ego ipse oculis meis '
            f"vidi.</p></div></section><section id='one'><h2>I. THE BURIAL</h2><p>{LONG}</p>"
            f"<p>{OTHER}</p></section>")
    doc = Doc("poem.xhtml", body, anchors=[("one", "I. THE BURIAL")])
    book = read_book(build_epub(EpubSpec(docs=[doc]), tmp_path / "poem.epub"))
    heard = "\n\n".join(c.text for c in book.chapters)
    # The page's heading still names what comes first; the author line is not read.
    assert heard.startswith("The Waste Land\n\nNam Sibyllam quidem Cumis ego ipse oculis meis "
                            "vidi.\n\n1. THE BURIAL")
    assert "T.S. Eliot" not in heard


def test_a_landmark_inside_a_file_skips_that_part_only(tmp_path: Path) -> None:
    body = (f'<section id="tp"><h1>Big Book</h1><p>By Ann Author</p></section>'
            f'<section id="one"><h2>One</h2><p>{LONG}</p><p>{OTHER}</p></section>')
    doc = Doc("all.xhtml", body, toc_title="Big Book", anchors=[("one", "One")])
    spec = EpubSpec(docs=[doc], landmarks=[("titlepage", "all.xhtml#tp")])
    book = read_book(build_epub(spec, tmp_path / "onefile.epub"))
    heard = "\n\n".join(c.text for c in book.chapters)
    assert "By Ann Author" not in heard and "The rain fell" in heard


def test_a_copyright_file_without_semantics_is_known_by_its_name(tmp_path: Path) -> None:
    legal = Doc("copyright.xhtml", f"<h1>\u05d6\u05db\u05d5\u05d9\u05d5\u05ea</h1><p>{LONG}</p>",
                toc_title="\u05d6\u05db\u05d5\u05d9\u05d5\u05ea")
    book = read_book(build_epub(EpubSpec(docs=[legal, _chapter(1)]), tmp_path / "he.epub"))
    assert [c.title for c in book.chapters] == ["Chapter 1"]
