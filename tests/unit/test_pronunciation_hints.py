"""A book's own pronunciation hints are honoured: ``ssml:alias`` in the text and the
aliases of a PLS lexicon the package declares (georgia-pls-ssml: "N." is north); its
phonemes ride along for a voice that takes them (the others read the word)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import plan_book
from e2a_node.phonemes import hinted_phonemes, strip_hints
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

SSML = 'xmlns:ssml="http://www.w3.org/2001/10/synthesis"'
LEXICON = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<lexicon version="1.0" alphabet="ipa" xml:lang="en" '
    'xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">'
    "<lexeme><grapheme>N.</grapheme><alias>north</alias></lexeme>"
    "<lexeme><grapheme>S.W.</grapheme><alias>south-west</alias></lexeme>"
    "<lexeme><grapheme>Agnes</grapheme><phoneme>ˈægnɪs</phoneme></lexeme>"
    "</lexicon>"
)
TEXT = ("<p>It is bounded N. by Tennessee, and the water flows S.W. to the Gulf, "
        "as Agnes saw.</p>")


def _book(folder: Path, hints: bool) -> Path:
    body = TEXT
    if hints:
        body += f'<p>It was found by <span {SSML} ssml:alias="Doctor">Dr</span> Smith.</p>'
    else:
        body += "<p>It was found by Dr Smith.</p>"
    path = build_epub(EpubSpec(docs=[Doc("c1.xhtml", "<h1>Georgia</h1>" + body,
                                         toc_title="Georgia")]), folder / "plain.epub")
    if not hints:
        return path
    with_lexicon = folder / "hinted.epub"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(with_lexicon, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".opf"):
                data = data.replace(b"</manifest>", b'<item id="pls" href="lexicon/en.pls" '
                                    b'media-type="application/pls+xml"/></manifest>')
                opf_dir = info.filename.rpartition("/")[0]
            target.writestr(info, data)
        target.writestr(f"{opf_dir}/lexicon/en.pls".lstrip("/"), LEXICON)
    return with_lexicon


def _said(path: Path) -> list[str]:
    return [s for unit in plan_book(read_book(path)) for s in unit.sentences]


def test_the_books_hints_change_what_is_said_where_they_say_so(tmp_path: Path) -> None:
    plain = _said(_book(tmp_path, hints=False))
    hinted = _said(_book(tmp_path, hints=True))
    assert plain != hinted
    assert [h for s in hinted for h in hinted_phonemes(s)] == [("Agnes", "ˈæɡnɪs")]
    hinted = [strip_hints(s) for s in hinted]
    assert "It is bounded north by Tennessee, and the water flows south-west to the Gulf, " \
           "as Agnes saw." in hinted
    assert "It was found by Doctor Smith." in hinted
    assert not any("north" in s for s in plain)
