"""Where `e2a convert` writes: a folder given to -o, an audiobook already there, and the
lines that say why it writes nothing (one line, naming the path and the problem)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.convert import ConvertRequest, prepare
from tests.conftest import SAMPLE_TITLES
from tests.integration.cli_runner import e2a

MINE = b"an audiobook the user made last week"


def _refused(out_stderr: str) -> str:
    lines = out_stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("e2a: error: "), out_stderr
    assert "Traceback" not in out_stderr
    return lines[0]


def test_a_folder_given_to_o_gets_the_book_named_after_the_book(sample_book: Path,
                                                                tmp_path: Path) -> None:
    books = tmp_path / "Audiobooks"
    books.mkdir()
    prepared = prepare(ConvertRequest(sample_book, output=books))
    assert prepared.outputs == (books / "aesop-fables.m4b",)
    named = tmp_path / "Audio.books"  # a folder whose name looks like a file's
    named.mkdir()
    assert prepare(ConvertRequest(sample_book, output=named, format="mp3")).outputs == (
        named / "aesop-fables.mp3",)


def test_converting_again_does_not_replace_the_audiobook_there(sample_book: Path,
                                                               tmp_path: Path) -> None:
    books = tmp_path / "Audiobooks"
    books.mkdir()
    existing = books / "aesop-fables.m4b"
    existing.write_bytes(MINE)
    out = e2a("convert", str(sample_book), "-o", str(books), "--no-farm", cwd=tmp_path)
    assert out.returncode == 2
    line = _refused(out.stderr)
    assert str(existing) in line and "already exists" in line and "--overwrite" in line
    assert existing.read_bytes() == MINE and not (tmp_path / "Audiobooks.m4b").exists()


def test_chapter_files_there_are_not_replaced_either(sample_book: Path, tmp_path: Path) -> None:
    folder = tmp_path / "fables"
    folder.mkdir()
    (folder / f"1 - {SAMPLE_TITLES[0]}.mp3").write_bytes(MINE)
    out = e2a("convert", str(sample_book), "-o", str(folder), "--format", "mp3",
              "--split-chapters", "--no-farm", cwd=tmp_path)
    assert out.returncode == 2
    line = _refused(out.stderr)
    assert str(folder) in line and "1 of the 3 chapter files already exist" in line
    assert "--overwrite" in line and (folder / f"1 - {SAMPLE_TITLES[0]}.mp3").read_bytes() == MINE


def test_reversed_chapters_are_called_reversed(sample_book: Path, tmp_path: Path) -> None:
    out = e2a("convert", str(sample_book), "--chapters", "2-1", "--no-farm", cwd=tmp_path)
    assert out.returncode == 2
    line = _refused(out.stderr)
    assert "aesop-fables.epub" in line and "'2-1' is reversed: write it 1-2" in line
    assert "out of range" not in line


@pytest.mark.parametrize("target", ["/proc/x.m4b", "/proc/e2a-test/x.m4b"])
def test_a_system_folder_is_named_with_what_is_wrong(sample_book: Path, tmp_path: Path,
                                                     target: str) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc here")
    out = e2a("convert", str(sample_book), "-o", target, "--no-farm", cwd=tmp_path)
    assert out.returncode == 2
    line = _refused(out.stderr)
    assert line.startswith(f"e2a: error: {target}: cannot write it: /proc takes no new files")
    assert "No such file" not in line


@pytest.mark.slow
def test_overwrite_replaces_it_in_the_folder(sample_book: Path, tmp_path: Path) -> None:
    books = tmp_path / "Audiobooks"
    books.mkdir()
    existing = books / "aesop-fables.m4b"
    existing.write_bytes(MINE)
    out = e2a("convert", str(sample_book), "-o", str(books), "--chapters", "1", "--overwrite",
              "--no-farm", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"wrote {existing}" in out.stdout
    assert [c.title for c in MP4(str(existing)).chapters] == SAMPLE_TITLES[:1]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".m4b") == []
