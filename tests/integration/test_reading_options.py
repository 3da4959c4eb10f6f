"""Parts skipped by default can be asked for: `--include` and `--read-code` on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from e2a_desktop.ebook.options import ReadOptions
from e2a_desktop.jobid import JobSettings, job_id
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body
from tests.integration.cli_runner import e2a

TEXT = "The rain had not stopped for three days, and the river rose against the old wall."


def _book(tmp_path: Path) -> Path:
    chapters = [Doc(f"c{i}.xhtml", chapter_body(f"Chapter {i}", [TEXT] * 4), f"Chapter {i}")
                for i in (1, 2)]
    index = Doc("back.xhtml", f"<h1>Index</h1><p>Rain, 1, 2. River, 2. {TEXT * 3}</p>",
                toc_title="Index")
    spec = EpubSpec(docs=[*chapters, index], landmarks=[("index", "back.xhtml")])
    return build_epub(spec, tmp_path / "book.epub")


def _titles(out: str) -> list[str]:
    return [c["title"] for c in json.loads(out)["chapters"]]


def test_info_leaves_the_index_out_unless_it_is_asked_for(tmp_path: Path) -> None:
    book = _book(tmp_path)
    plain = e2a("info", str(book), "--json")
    assert plain.returncode == 0, plain.stderr
    assert _titles(plain.stdout) == ["Chapter 1", "Chapter 2"]
    asked = e2a("info", str(book), "--json", "--include", "index")
    assert _titles(asked.stdout) == ["Chapter 1", "Chapter 2", "Index"]


def test_an_unknown_part_is_refused_with_the_names_that_exist(tmp_path: Path) -> None:
    out = e2a("info", str(_book(tmp_path)), "--include", "indexes")
    assert out.returncode == 2
    assert "unknown part(s) indexes; choose from all," in out.stderr and "index" in out.stderr
    assert "Traceback" not in out.stderr


def test_what_is_read_is_part_of_the_job_and_the_default_keeps_old_ids(tmp_path: Path) -> None:
    book = _book(tmp_path)
    default = JobSettings()
    assert "reading" not in default.identity()  # jobs made before the option resume as before
    with_index = JobSettings(reading=ReadOptions(include=frozenset({"index"})))
    assert job_id(book, with_index) != job_id(book, default)
