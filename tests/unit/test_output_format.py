"""The output format follows -o's extension unless --format says otherwise; never a lie."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.convert import ConvertRequest, choose_format
from e2a_desktop.errors import OutputError


@pytest.mark.parametrize(("output", "named", "expected"), [
    ("book.mp3", None, "mp3"),
    ("book.M4B", None, "m4b"),
    ("book.m4a", None, "m4b"),
    ("book.opus", None, "opus"),
    ("book", None, "m4b"),
    (None, None, "m4b"),
    (None, "flac", "flac"),
    ("book.mp3", "mp3", "mp3"),
    ("book", "wav", "wav"),
])
def test_format_is_chosen_by_the_name_or_the_flag(output: str | None, named: str | None,
                                                  expected: str) -> None:
    request = ConvertRequest(Path("b.epub"), Path(output) if output else None, named)
    assert choose_format(request).name == expected


def test_a_conflict_between_name_and_flag_is_refused() -> None:
    with pytest.raises(OutputError, match="the file name says m4b but --format says mp3"):
        choose_format(ConvertRequest(Path("b.epub"), Path("x.m4b"), "mp3"))


def test_an_extension_that_is_no_audio_format_is_refused() -> None:
    with pytest.raises(OutputError, match="'.txt' is not an audio format"):
        choose_format(ConvertRequest(Path("b.epub"), Path("x.txt")))


def test_split_chapters_treats_the_output_as_a_folder() -> None:
    request = ConvertRequest(Path("b.epub"), Path("out.d"), "mp3", split_chapters=True)
    assert choose_format(request).name == "mp3"
