"""A book read by a voice that does not speak its language fails with the reason, not a
figure (issue 23, finding 6: a Japanese book with the English voice ended with "321.1 s of
audio is implausible for 434 characters" and nothing else)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body
from tests.integration.cli_runner import e2a

JAPANESE = ("年老いた番人は、一段ずつゆっくりと階段を上っていった。"
            "誰も彼に残ってくれとは頼まなかった。")


def test_a_japanese_book_in_the_english_voice_says_the_voice_does_not_speak_it(
        tmp_path: Path) -> None:
    book = build_epub(EpubSpec(title="番人", language="ja", docs=[
        Doc("c1.xhtml", chapter_body("第一章", [JAPANESE * 3] * 3))]), tmp_path / "ja.epub")

    out = e2a("convert", str(book), "--voice", "en_US-joe-medium", "--no-farm",
              "-o", str(tmp_path / "ja.m4b"))

    assert out.returncode != 0, out.stdout
    error = out.stderr.strip().splitlines()[-1]
    assert error.startswith("e2a: error:"), out.stderr
    assert "the book is in 'ja'" in error and "en_US-joe-medium" in error, error
    assert "e2a voices --available --language ja" in error, error
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "ja.m4b").exists()
