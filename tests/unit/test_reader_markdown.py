"""Markdown read by a CommonMark parser (markdown-it-py) through the HTML reader (issue 24)."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.ebook import ReadOptions, read_book
from tests.helpers.word_match import recall_precision

STORY_1 = ("The lighthouse keeper climbed the stairs at dusk. He trimmed the wick, wiped "
           "the glass, and watched the boats come home one by one.")
STORY_2 = ("By morning the storm had passed. The keeper wrote in his log that nothing had "
           "happened, which was the best thing a keeper could write.")
CODE = "# this comment is not a chapter\nprint('hello')\n"


def _book(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "book.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_fenced_code_is_not_a_chapter_and_its_tag_is_not_read(tmp_path: Path) -> None:
    text = (f"# The Keeper\n\n## Dusk\n\n{STORY_1}\n\n```python\n{CODE}```\n\n"
            f"## Dawn\n\n{STORY_2}\n")
    book = read_book(_book(tmp_path, text))
    assert [c.title for c in book.chapters] == ["Dusk", "Dawn"]
    assert book.metadata.title == "The Keeper"
    dusk = book.chapters[0].text
    assert "comment" not in dusk and "python" not in dusk and "print" not in dusk
    assert "Code listing omitted." in dusk  # announced, as in an EPUB
    with_code = read_book(_book(tmp_path, text), ReadOptions(code="read"))
    assert "this comment is not a chapter" in with_code.chapters[0].text
    assert "python" not in with_code.chapters[0].text  # the fence's tag is not code


def test_chapters_match_the_text_they_were_made_from(tmp_path: Path) -> None:
    text = (f"---\ntitle: \"Two Nights\"\nauthor: A. Keeper\nlang: en\n---\n\n"
            f"# Dusk\n\n{STORY_1}\n\n> {STORY_2}\n\n"
            f"# Dawn\n\n1. {STORY_2}\n2. {STORY_1}\n\n"
            "| Boat | Hour |\n|------|------|\n| Mary | six |\n")
    book = read_book(_book(tmp_path, text))
    assert (book.metadata.title, book.metadata.author, book.metadata.language) == \
        ("Two Nights", "A. Keeper", "en")
    assert [c.title for c in book.chapters] == ["Dusk", "Dawn"]
    expected = [f"Dusk {STORY_1} {STORY_2}", f"Dawn {STORY_2} {STORY_1} Boat Hour Mary six"]
    for chapter, want in zip(book.chapters, expected, strict=True):
        recall, precision = recall_precision(want, chapter.text)
        assert recall >= 0.98 and precision >= 0.98, (chapter.title, recall, precision)


def test_hash_inside_a_paragraph_or_indented_code_is_no_heading(tmp_path: Path) -> None:
    text = (f"# One\n\n{STORY_1}\n#hashtag is text\n\n    # indented code\n\n"
            f"# Two\n\n{STORY_2}\n")
    book = read_book(_book(tmp_path, text))
    assert [c.title for c in book.chapters] == ["One", "Two"]
    assert "#hashtag is text" in book.chapters[0].text or "hashtag is text" in \
        book.chapters[0].text


def test_a_footnote_is_read_after_its_chapter_and_its_marker_never(tmp_path: Path) -> None:
    text = (f"# One\n\n{STORY_1}[^n] Then.\n\n# Two\n\n{STORY_2}[^m]\n\n"
            "[^n]: A keeper's note.\n[^m]: Another note.\n")
    book = read_book(_book(tmp_path, text))
    one, two = (c.text for c in book.chapters)
    assert "[1]" not in one + two and "↩" not in one + two
    assert "one by one. Then.\n\nNotes.\n\nA keeper's note." in one
    assert "note" not in one.split("Notes.")[0]
    assert two.endswith("could write.\n\nNotes.\n\nAnother note.")
