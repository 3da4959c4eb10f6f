"""HTML books as Project Gutenberg publishes them (issue 24): named entities kept, the
header and licence (in ``<pre>``) left out, footnotes linked by ``name`` anchors read
after the chapter that cites them."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book

STORY = ("We went into the market-place which I had been in before, a thinnish stream of "
         "people going in along with us, and the river ran bright beside the road.")
LICENCE = ("The Project Gutenberg eBook, News from Nowhere, by William Morris. This eBook is "
           "for the use of anyone anywhere at no cost and with almost no restrictions.")


def _page(body: str) -> str:
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
            f"<html><head><title>News from Nowhere</title></head><body>{body}</body></html>")


def test_named_entities_are_read_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "entities.html"
    path.write_text(_page("<h2>CHAPTER I: THE FEAST&rsquo;S BEGINNING&mdash;THE END</h2>"
                          f"<p>Dick answered with some lover&rsquo;s speech at the caf&eacute;. "
                          f"{STORY}</p>"), encoding="ascii")
    chapter = read_book(path).chapters[0]
    assert chapter.title == "CHAPTER I: THE FEAST\u2019S BEGINNING\u2014THE END"
    assert "some lover's speech at the café." in chapter.text


def test_gutenberg_page_licence_left_out_and_footnotes_after_their_chapter(
        tmp_path: Path) -> None:
    body = (f"<h2><a href='#start'>News from Nowhere, by William Morris</a></h2><pre>{LICENCE}"
            "\n*** START OF THIS PROJECT GUTENBERG EBOOK NEWS FROM NOWHERE ***</pre>"
            f"<h2>CHAPTER I: DISCUSSION</h2><p>{STORY}</p><p>A thinnish stream of elegantly "
            '<a name="citation1"></a><a href="#footnote1" class="citation">[1]</a> dressed '
            f"people.</p><p>{STORY}</p>"
            f"<h2>CHAPTER II: A MORNING BATH</h2><p>{STORY}</p><p>{STORY}</p>"
            "<h2>FOOTNOTES:</h2>"
            '<p><a name="footnote1"></a><a href="#citation1" class="footnote">[1]</a>&nbsp; '
            "&ldquo;Elegant,&rdquo; I mean, as a Persian pattern is elegant.</p>"
            "<p>***END OF THE PROJECT GUTENBERG EBOOK NEWS FROM NOWHERE***</p>"
            f"<pre>{LICENCE}</pre>")
    path = tmp_path / "3261-h.htm"
    path.write_text(_page(body), encoding="ascii")
    book = read_book(path)
    assert [c.title for c in book.chapters][-2:] == ["CHAPTER I: DISCUSSION",
                                                     "CHAPTER II: A MORNING BATH"]
    heard = "\n".join(c.text for c in book.chapters)
    assert "Code listing" not in heard and "Gutenberg" not in heard and "[1]" not in heard
    assert "FOOTNOTES" not in heard
    one = book.chapters[-2].text
    assert "of elegantly dressed people." in one
    assert one.endswith(f"{STORY}\n\nNotes.\n\n\"Elegant,\" I mean, as a Persian pattern is "
                        "elegant.")
