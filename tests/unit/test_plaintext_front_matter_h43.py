"""A Project Gutenberg text's front pages (title page, the publisher's list, imprint and
copyright, dedication, contents) are one chapter named by the book, not one odd chapter
each: Katrine (PG #14263) came out as "NEW YORK AND LONDON HARPER & BROTHERS PUBLISHERS",
"Copyright, 1909, by HARPER & BROTHERS.", "To Grant B. Schley", "Chapter 4" (its
contents) and lost its chapter "I" (set under the half-title "KATRINE") to the preface."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import read_book

GAP = "\r\n\r\n\r\n\r\n"
PROSE = ("Ravenel Plantation occupies a singular rise of wooded land in North\r\nCarolina, "
         "between Way-Home River, Loon Mountain, and the Silver Fork.\r\n")


def _gutenberg(tmp_path: Path, title: str, author: str, body: str) -> Path:
    path = tmp_path / "book.txt"
    path.write_bytes((f"Title: {title}\r\n\r\nAuthor: {author}\r\n\r\nLanguage: English\r\n\r\n"
                      f"*** START OF THIS PROJECT GUTENBERG EBOOK {title.upper()} ***{GAP}"
                      f"Produced by Rick Niles and the\r\nOnline Distributed Proofreading Team"
                      f"{GAP}{body}{GAP}*** END OF THIS PROJECT GUTENBERG EBOOK ***\r\n")
                     .encode())
    return path


KATRINE_FRONT = (  # the book's own lines
    '[Illustration: "I HAVE WAITED ALL THESE YEARS"]' + GAP
    + "KATRINE\r\n\r\nA Novel\r\n\r\nBY\r\n\r\nELINOR MACARTNEY LANE\r\n\r\n"
    'AUTHOR OF "NANCY STAIR" AND "MILLS OF GOD"' + GAP
    + "NEW YORK AND LONDON HARPER & BROTHERS PUBLISHERS\r\n\r\nMCMIX" + GAP
    + "Copyright, 1909, by HARPER & BROTHERS.\r\n\r\n_All rights reserved._\r\n\r\n"
    "Published March, 1909." + GAP
    + "    _To_ =Grant B. Schley=\r\n\r\n    _Dear and great Friend! In_ =Katrine's= "
    '_fancied_ "Land"\r\n      _You long have held your own much-honored place--_\r\n\r\n'
    "    _E.M.L._\r\n\r\n    PARIS, 1909" + GAP
    + "CONTENTS\r\n\r\nCHAP.                                  PAGE\r\n"
    "         PREFACE                                 vii\r\n"
    "      I. UNDER THE SOUTHERN PINES                  1\r\n"
    "     II. THE MEETING IN THE WOODS                 15\r\n" + GAP
    + "PREFACE\r\n\r\n\r\nIt is difficult to tell the story of Irish folk intimately and\r\n"
    "convincingly.\r\n\r\nE.M.L." + GAP
    + "KATRINE\r\n\r\nI\r\n\r\nUNDER THE SOUTHERN PINES\r\n\r\n\r\n" + PROSE + GAP
    + "II\r\n\r\nTHE MEETING IN THE WOODS\r\n\r\n\r\n" + PROSE + GAP
    + "III\r\n\r\nA KINDNESS WITH MIXED MOTIVES\r\n\r\n\r\n" + PROSE)


def test_katrines_front_pages_are_one_chapter_and_its_first_chapter_is_there(
        tmp_path: Path) -> None:
    book = read_book(_gutenberg(tmp_path, "Katrine", "Elinor Macartney Lane", KATRINE_FRONT))
    assert [c.title for c in book.chapters] == ["Katrine", "PREFACE", "I", "II", "III"]
    front = book.chapters[0].text
    assert "HARPER and BROTHERS PUBLISHERS" in front and "To Grant B. Schley" in front
    assert "CONTENTS" in front and "Ravenel" not in front
    assert "UNDER THE SOUTHERN PINES\n\nRavenel Plantation" in book.chapters[2].text
    assert "Ravenel" not in book.chapters[1].text


PAINT_FRONT = (  # The 'Mind the Paint' Girl (PG #21849)
    "  [Transcriber's Note:\r\n\r\n  Errors are listed at the end of the e-text.]" + GAP
    + '  THE\r\n  "MIND THE PAINT"\r\n  GIRL' + GAP
    + "_The Plays of Arthur W. Pinero_\r\n\r\n  Paper cover, 1s 6d; cloth, 2s 6d each\r\n\r\n"
    "    THE TIMES\r\n    THE PROFLIGATE\r\n    THE CABINET MINISTER\r\n\r\n"
    "  _London: William Heinemann_" + GAP
    + '   THE\r\n\r\n  "MIND THE PAINT"\r\n\r\n             GIRL\r\n\r\n\r\n'
    "  _A COMEDY_\r\n    _In Four Acts_\r\n      _By ARTHUR PINERO_\r\n\r\n\r\n"
    "  London: William Heinemann\r\n  MCMXIII" + GAP
    + "  _Copyright 1912_\r\n  _by Arthur Pinero_" + GAP
    + "_The Persons of the Play_\r\n\r\n  VISCOUNT FARNCOMBE\r\n  LIONEL ROPER" + GAP
    + "THE FIRST ACT\r\n\r\nThe scene is a drawing-room, prettily but somewhat showily "
    "decorated." + GAP
    + "THE SECOND ACT\r\n\r\nThe scene is the foyer of the Pandora Theatre." + GAP
    + "THE THIRD ACT\r\n\r\nThe scene is the drawing-room again.")


def test_a_plays_publisher_list_and_title_lines_are_its_front_chapter(tmp_path: Path) -> None:
    book = read_book(_gutenberg(tmp_path, "The 'Mind the Paint' Girl", "Arthur Pinero",
                                PAINT_FRONT))
    assert [c.title for c in book.chapters] == [
        "The 'Mind the Paint' Girl", "The Persons of the Play", "THE FIRST ACT",
        "THE SECOND ACT", "THE THIRD ACT"]
    assert "THE PROFLIGATE" in book.chapters[0].text
    assert "Copyright 1912" in book.chapters[0].text


def test_a_title_page_and_its_imprint_alone_are_left_out(tmp_path: Path) -> None:
    body = ("KATRINE\r\n\r\nA Novel\r\n\r\nBY\r\n\r\nELINOR MACARTNEY LANE" + GAP
            + "NEW YORK AND LONDON HARPER & BROTHERS PUBLISHERS\r\n\r\nMCMIX" + GAP
            + "".join(f"{n}\r\n\r\nA TITLE\r\n\r\n\r\n{PROSE}{GAP}" for n in ("I", "II", "III")))
    book = read_book(_gutenberg(tmp_path, "Katrine", "Elinor Macartney Lane", body))
    assert [c.title for c in book.chapters] == ["I", "II", "III"]
    assert all("PUBLISHERS" not in c.text for c in book.chapters)


def test_a_poem_after_the_contents_stays_a_chapter(tmp_path: Path) -> None:
    """A dedication is front matter; "To a Skylark" after the contents is the first poem."""
    body = ("POEMS" + GAP + "CONTENTS\r\n\r\nTo a Skylark\r\nTo Night" + GAP
            + "To a Skylark\r\n\r\nHail to thee, blithe Spirit!\r\nBird thou never wert," + GAP
            + "To Night\r\n\r\nSwiftly walk o'er the western wave,\r\nSpirit of Night!" + GAP
            + "Ozymandias\r\n\r\nI met a traveller from an antique land")
    book = read_book(_gutenberg(tmp_path, "Poems", "Percy Bysshe Shelley", body))
    titles = [c.title for c in book.chapters]
    assert titles[-3:] == ["To a Skylark", "To Night", "Ozymandias"]
    assert "Hail to thee" not in book.chapters[0].text


def test_a_numbered_chapter_is_never_front_matter(tmp_path: Path) -> None:
    """"I." under a title with the word "I" in it is the first chapter, not a title line."""
    body = ("WHAT I SAW\r\n\r\nby A. Traveller\r\n\r\nLONDON, 1901" + GAP
            + "".join(f"{n}.\r\n\r\n\r\n{PROSE}{GAP}" for n in ("I", "II", "III")))
    book = read_book(_gutenberg(tmp_path, "What I Saw", "A. Traveller", body))
    assert [c.title for c in book.chapters][-3:] == ["I.", "II.", "III."]
    assert sum("Ravenel" in c.text for c in book.chapters) == 3


def test_a_contents_line_with_its_page_number_is_no_chapter(tmp_path: Path) -> None:
    """Jack Sheppard (PG #16215) lists "CHAPTER I. The Widow and her Child      1" in its
    contents: it was a chapter of its own, one for each of the book's three epochs."""
    contents = ("CONTENTS.\r\n\r\nEPOCH THE FIRST, 1703.\r\nJONATHAN WILD.\r\n\r\n"
                "CHAPTER I. The Widow and her Child             1\r\n"
                "       II. The Old Mint                       13\r\n\r\n"
                "EPOCH THE SECOND, 1715.\r\nJACK SHEPPARD.\r\n\r\n"
                "CHAPTER I. The Idle Apprentice                75\r\n")
    chapters = "".join(f"\r\n\r\nCHAPTER {n}.\r\n\r\n{PROSE}" for n in ("I", "II", "III"))
    book = read_book(_gutenberg(tmp_path, "Jack Sheppard", "William Harrison Ainsworth",
                                "JACK SHEPPARD\r\n\r\nA ROMANCE\r\n\r\n" + contents + chapters))
    titles = [c.title for c in book.chapters]
    assert titles[-3:] == ["CHAPTER I.", "CHAPTER II.", "CHAPTER III."]
    assert not any("Widow" in title or "Apprentice" in title for title in titles)
    assert "The Idle Apprentice" in book.chapters[0].text
