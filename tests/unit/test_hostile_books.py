"""Hostile books end in one line, fast, in bounded memory (issue 21, finding 6).

Each book is made here, in tmp_path: a zip bomb chapter (1 GiB unpacked), a zip bomb
cover, 200,000 nested <div>s, 30,000 zip entries with 3,000 missing spine items, a cover
claiming 65535 x 65535 pixels. The time and memory figures are in
tests/bench/test_bench_hostile_books.py; here, what a user sees: the line, no traceback,
and `e2a info` in a child process that stays far under 500 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.errors import BookError
from tests.helpers import hostile_books as hostile
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub

REFUSED: list[tuple[Callable[[Path], Path], str]] = [
    (hostile.bomb_chapter_epub, r"'OEBPS/bomb\.xhtml' inside the book unpacks to 1,024 MB"),
    (hostile.lying_bomb_epub, r"corrupt EPUB: .*'OEBPS/bomb\.xhtml'"),
    (hostile.big_chapters_epub, r"text files unpack to more than 32 MB together"),
    (hostile.deep_epub, r"'OEBPS/deep\.xhtml' nests elements more than 256 deep"),
    (lambda p: hostile.many_entries_epub(p, entries=60_000, missing=0),
     r"holds 60,000 files, more than the 50,000"),
]


@pytest.mark.parametrize(("make", "problem"), REFUSED,
                         ids=["bomb", "lying-bomb", "big-total", "deep", "60k-entries"])
def test_hostile_book_is_refused_in_one_line(tmp_path: Path, make: Callable[[Path], Path],
                                             problem: str) -> None:
    path = make(tmp_path / "hostile.epub")
    with pytest.raises(BookError, match=problem) as info:
        read_book(path)
    assert info.value.path == path
    assert "\n" not in str(info.value)


def test_thirty_thousand_entries_with_missing_spine_items_read(tmp_path: Path) -> None:
    """Missing spine items are skipped, each looked up once in a name index (the lookup
    rebuilt the whole table per miss: minutes for this book)."""
    book = read_book(hostile.many_entries_epub(tmp_path / "many.epub"))
    assert [c.title for c in book.chapters][:3] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert len(book.chapters) == 20


@pytest.mark.parametrize(("make", "problem"), [
    (hostile.bomb_cover_epub, "the cover image 'OEBPS/cover.png' unpacks to more than 16 MB"),
    (hostile.huge_cover_epub, "the cover image 'OEBPS/cover.png' claims 65,535 x 65,535 pixels"),
], ids=["bomb-cover", "huge-cover"])
def test_bad_cover_is_dropped_with_a_warning(tmp_path: Path, make: Callable[[Path], Path],
                                             problem: str) -> None:
    book = read_book(make(tmp_path / "cover.epub"))
    assert book.cover is None
    assert [n for n in book.notes if problem in n], book.notes
    assert "It was a dark and stormy night" in book.chapters[0].text


def test_cover_that_is_no_image_is_dropped(tmp_path: Path) -> None:
    spec = EpubSpec(docs=[Doc("c1.xhtml", "<p>Some story text to read.</p>", toc_title="One")],
                    cover_png=b"<html>not a picture</html>")
    book = read_book(build_epub(spec, tmp_path / "fake-cover.epub"))
    assert book.cover is None
    assert any("is not a PNG, JPEG, GIF or WebP image" in n for n in book.notes)


def test_good_cover_is_kept_with_its_sniffed_type(tmp_path: Path) -> None:
    from tests.helpers.epub_builder import png

    spec = EpubSpec(docs=[Doc("c1.xhtml", "<p>Some story text to read.</p>", toc_title="One")],
                    cover_png=png(30, 40))
    book = read_book(build_epub(spec, tmp_path / "good.epub"))
    assert book.cover is not None and book.cover.media_type == "image/png"
    assert book.notes == []


def test_deep_html_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body><h1>Deep</h1>" + "<div>" * 5000 + "<p>x</p>" + "</div>" * 5000
                    + "</body></html>")
    with pytest.raises(BookError, match="nests elements more than 256 deep") as info:
        read_book(path)
    assert "\n" not in str(info.value)


def test_huge_text_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:  # sparse: 65 MB on paper, nothing on disk
        out.truncate(65 * 1024 * 1024)
    with pytest.raises(BookError, match=r"the file is 65 MB, more than the 64 MB"):
        read_book(path)


_CHILD = """
import json, sys
from e2a_desktop.cli import main
code = main(sys.argv[1:])
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "peak_kb": peak}), file=sys.stdout)
"""


def _info(path: Path) -> tuple[dict[str, int], str]:
    """`e2a info` in a child process: its exit code, own peak memory, and stderr.
    VmHWM rather than ru_maxrss, which also counts what the parent held when it forked."""
    run = subprocess.run([sys.executable, "-c", _CHILD, "info", str(path)], capture_output=True,
                         text=True, timeout=120, check=False)
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stderr


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_e2a_info_on_a_zip_bomb_is_one_line_in_bounded_memory(tmp_path: Path) -> None:
    path = hostile.bomb_chapter_epub(tmp_path / "bomb.epub")
    result, stderr = _info(path)
    assert result["code"] == 2
    assert stderr.strip().splitlines() == [
        f"e2a: error: {path}: 'OEBPS/bomb.xhtml' inside the book unpacks to 1,024 MB, more "
        "than the 16 MB e2a reads from one file (a zip bomb?); e2a refuses it"]
    assert result["peak_kb"] < 500 * 1024  # it took 6.9 GB before the bound


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_e2a_info_on_a_bomb_cover_warns_and_reads_the_book(tmp_path: Path) -> None:
    path = hostile.bomb_cover_epub(tmp_path / "cover.epub")
    result, stderr = _info(path)
    assert result["code"] == 0
    assert stderr.strip().splitlines() == [
        "e2a: warning: the cover image 'OEBPS/cover.png' unpacks to more than 16 MB; the "
        "audiobook will have no cover"]
    assert result["peak_kb"] < 500 * 1024  # 2.1 GB before the bound


def test_a_large_pdf_is_not_refused_for_its_size(tmp_path: Path) -> None:
    """Pictures make PDFs large, and PDFium reads a page as asked: the 64 MB bound on a
    text file is not a PDF's (it has 1 GB)."""
    path = tmp_path / "big.pdf"
    with path.open("wb") as out:
        out.truncate(65 * 1024 * 1024)
    with pytest.raises(BookError, match="not a readable PDF"):
        read_book(path)
