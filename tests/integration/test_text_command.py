"""`e2a text BOOK` as a user runs it: what will be spoken, a sentence a line, per chapter."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body
from tests.integration.cli_runner import e2a

SAMPLE = Path(__file__).parents[2] / "resources" / "sample" / "aesop-fables.epub"


def _holmes_book(folder: Path) -> Path:
    spec = EpubSpec(title="Narrated", docs=[
        Doc("c1.xhtml", chapter_body("Chapter I", [
            "Mr. Holmes came to Baker Street in 1881. He was paid £4 a week.",
            "It was the age of Henry VIII, and Dr. Watson wrote it all down.",
        ]), toc_title="Chapter I"),
        Doc("c2.xhtml", chapter_body("Chapter II", [
            "On Oct. 4th he paid 26s. 4d. for rooms. Then he left.",
        ]), toc_title="Chapter II"),
    ])
    return build_epub(spec, folder / "narrated.epub")


def test_the_sample_book_prints_its_sentences_under_each_title() -> None:
    result = e2a("text", str(SAMPLE), "--chapters", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["== 1. The Wolf and the Lamb ==", "The Wolf and the Lamb", ""]
    assert 'He thus addressed him: "Sirrah, last year you grossly insulted me."' in lines
    assert "The tyrant will always find a pretext for his tyranny." in lines
    assert not any(line.startswith("== 2.") for line in lines)


def test_what_a_narrator_says_is_printed(tmp_path: Path) -> None:
    result = e2a("text", str(_holmes_book(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "== 1. Chapter I ==",
        "Chapter one",
        "",
        "Mister Holmes came to Baker Street in eighteen eighty-one.",
        "He was paid four pounds a week.",
        "",
        "It was the age of Henry the Eighth, and Doctor Watson wrote it all down.",
        "",
        "== 2. Chapter II ==",
        "Chapter two",
        "",
        "On October fourth he paid twenty-six shillings and four pence for rooms.",
        "Then he left.",
        "",
    ]


def test_bad_input_is_one_line_naming_the_file(tmp_path: Path) -> None:
    book = _holmes_book(tmp_path)
    result = e2a("text", str(book), "--chapters", "5")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"e2a: error: {book}: --chapters '5' is out of range: the book has 2 chapters"]
    missing = e2a("text", str(tmp_path / "nothing.epub"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "nothing.epub" in missing.stderr
