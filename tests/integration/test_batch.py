"""`e2a batch`: a shelf of books, each bound as it finishes; one broken book does not stop
the others, and a batch run again skips what is done (issue 26)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.integration.cli_runner import e2a

pytestmark = pytest.mark.slow

TALES = {
    "tale.txt": "A Short Tale\n\nThe fox ran over the hill. The hen did not see him.\n",
    "more/crow.txt": "The Crow\n\nThe crow sat on a branch with a piece of cheese.\n",
}


def test_a_shelf_is_converted_book_by_book_and_a_broken_book_is_only_reported(
        tmp_path: Path) -> None:
    shelf = tmp_path / "shelf"
    for name, text in TALES.items():
        (shelf / name).parent.mkdir(parents=True, exist_ok=True)
        (shelf / name).write_text(text, encoding="utf-8")
    (shelf / "broken.epub").write_bytes(b"not a zip")
    out = tmp_path / "audiobooks"

    first = e2a("batch", str(shelf), "-o", str(out), "--no-farm")
    assert first.returncode == 2, first.stderr  # one book failed
    assert "Traceback" not in first.stderr
    assert "batch: 2 of 3 converted" in first.stdout and "1 failed" in first.stdout
    assert "failed broken.epub:" in first.stdout and "not a valid EPUB" in first.stdout
    tale, crow = out / "tale.m4b", out / "more" / "crow.m4b"
    assert MP4(str(tale)).tags["\xa9nam"] == ["A Short Tale"]
    assert MP4(str(crow)).info.length > 1.0
    made = {path: path.stat().st_mtime_ns for path in (tale, crow)}

    again = e2a("batch", str(shelf), "-o", str(out), "--no-farm")
    assert "batch: 0 of 3 converted, 2 skipped, 1 failed" in again.stdout, again.stdout
    assert "skipped tale.txt: tale.m4b is there already" in again.stdout
    assert {path: path.stat().st_mtime_ns for path in made} == made


def test_a_batch_of_nothing_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = e2a("batch", str(tmp_path / "empty"), str(tmp_path / "nope.epub"))
    assert out.returncode == 2
    assert "no books in this folder" in out.stderr and "no such file or folder" in out.stderr
    assert out.stderr.strip().splitlines()[-1] == "e2a: error: no books to convert"
