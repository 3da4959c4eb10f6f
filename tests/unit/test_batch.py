"""`e2a batch`'s shelf: which files are books, where each audiobook goes, and that one bad
book never stops the others (issue 26)."""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.batch import ShelfBook, Skipped, books_in, run_batch, summary
from e2a_desktop.errors import BookError


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_folder_gives_its_books_with_their_subfolders(tmp_path: Path) -> None:
    shelf = tmp_path / "shelf"
    for name in ("b.epub", "a.txt", "notes.jpg", "sub/c.pdf", ".hidden/d.epub", "e.EPUB"):
        _touch(shelf / name)
    loose = _touch(tmp_path / "loose.md")
    books, problems = books_in([shelf, loose, shelf / "b.epub", tmp_path / "missing.epub"])
    assert [(b.path.name, str(b.subfolder)) for b in books] == [
        ("a.txt", "."), ("b.epub", "."), ("e.EPUB", "."), ("c.pdf", "sub"), ("loose.md", ".")]
    assert problems == [f"{tmp_path / 'missing.epub'}: no such file or folder"]


def test_an_empty_folder_says_what_e2a_reads(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    books, problems = books_in([tmp_path / "empty"])
    assert books == [] and "no books in this folder" in problems[0] and "epub" in problems[0]


def test_two_books_of_one_name_get_an_audiobook_each(tmp_path: Path) -> None:
    for name in ("Emma.epub", "Emma.txt", "other/Emma.epub"):
        _touch(tmp_path / name)
    books, _ = books_in([tmp_path])
    assert [(b.path.name, str(b.subfolder), b.name) for b in books] == [
        ("Emma.epub", ".", ""), ("Emma.txt", ".", "Emma (txt)"), ("Emma.epub", "other", "")]


def test_one_bad_book_does_not_stop_the_others() -> None:
    books = [ShelfBook(Path(n)) for n in ("good.epub", "bad.epub", "done.epub", "last.epub")]
    said: list[str] = []

    def convert(book: ShelfBook) -> None:
        if book.path.name == "bad.epub":
            raise BookError("is not a valid EPUB (no container.xml)", book.path)
        if book.path.name == "done.epub":
            raise Skipped("done.m4b is there already (--overwrite converts it again)")

    result = run_batch(books, convert, said.append, clock=iter(range(100)).__next__)
    assert [b.name for b, _ in result.converted] == ["good.epub", "last.epub"]
    assert not result.ok
    lines = summary(result, len(books))
    assert lines[0] == "batch: 2 of 4 converted in 0:02, 1 skipped, 1 failed"
    assert "  failed bad.epub: bad.epub: is not a valid EPUB (no container.xml)" in lines
    assert said[0] == "[1/4] good.epub"


def test_ctrl_c_stops_the_batch_and_says_how_to_go_on() -> None:
    books = [ShelfBook(Path(n)) for n in ("a.epub", "b.epub", "c.epub")]

    def convert(book: ShelfBook) -> None:
        if book.path.name == "b.epub":
            raise KeyboardInterrupt

    result = run_batch(books, convert, lambda _line: None)
    assert result.stopped and [b.name for b, _ in result.converted] == ["a.epub"]
    assert "stopped: 1 book not started" in "\n".join(summary(result, 3))
