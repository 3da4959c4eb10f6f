"""End to end: the sample book becomes a real, chaptered, tagged audiobook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp4 import MP4, MP4Cover

from tests.conftest import SAMPLE_TITLES
from tests.helpers.audio_checks import decode, loudness_lufs, voiced_fraction
from tests.integration.cli_runner import e2a

pytestmark = pytest.mark.slow


def test_info_lists_chapters_with_character_counts(sample_book: Path) -> None:
    out = e2a("info", str(sample_book), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["title"] == "Three Fables of Aesop" and data["author"] == "Aesop"
    assert data["cover"] is True and data["language"] == "en"
    assert [c["title"] for c in data["chapters"]] == SAMPLE_TITLES
    assert all(c["characters"] > 500 for c in data["chapters"])


def test_voices_lists_the_bundled_piper_voice() -> None:
    out = e2a("voices")
    assert out.returncode == 0
    assert "piper:en_US-joe-medium" in out.stdout


def test_sample_book_becomes_a_chaptered_m4b_with_real_speech(sample_book: Path,
                                                               tmp_path: Path) -> None:
    target = tmp_path / "fables.m4b"
    out = e2a("convert", str(sample_book), "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert f"wrote {target}" in out.stdout and "3 chapters" in out.stdout
    # Its first line says which voice reads, and on what; the device used once it loads.
    assert out.stderr.startswith("voice piper:en_US-joe-medium (en_US), device auto"), out.stderr
    assert "this PC (built-in) speaks on cpu (piper)" in out.stderr

    m4b = MP4(str(target))
    assert [c.title for c in m4b.chapters] == SAMPLE_TITLES
    starts = [c.start for c in m4b.chapters]
    assert starts[0] == 0 and starts == sorted(starts)
    assert m4b.tags["\xa9nam"] == ["Three Fables of Aesop"]
    assert m4b.tags["\xa9ART"] == ["Aesop"]
    assert m4b.tags["\xa9day"] == ["1867"]
    assert "Townsend" in m4b.tags["desc"][0]
    assert m4b.tags["covr"][0].imageformat == MP4Cover.FORMAT_PNG

    chars = 2455
    duration = m4b.info.length
    assert 8 < chars / duration < 30, f"{duration:.0f} s is implausible for {chars} characters"
    samples = decode(target)
    assert voiced_fraction(samples) > 0.5
    assert -20.5 < loudness_lufs(target) < -15.5


def test_mp3_split_chapters_one_file_each(sample_book: Path, tmp_path: Path) -> None:
    out = e2a("convert", str(sample_book), "-o", str(tmp_path / "fables"), "--format", "mp3",
              "--split-chapters", "--chapters", "1,3")
    assert out.returncode == 0, out.stderr
    files = sorted((tmp_path / "fables").iterdir())
    assert [f.name for f in files] == ["1 - The Wolf and the Lamb.mp3",
                                       "2 - The Hare and the Tortoise.mp3"]
    from mutagen.easyid3 import EasyID3

    tags = EasyID3(str(files[1]))
    assert tags["title"] == ["The Hare and the Tortoise"] and tags["album"] == [
        "Three Fables of Aesop"]
    assert voiced_fraction(decode(files[0])) > 0.5
