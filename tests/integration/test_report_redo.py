"""`e2a report` lists what the audio check flagged, with where it is heard; `e2a redo`
speaks that one unit again and binds the book again, nothing else re-spoken (issue 25:
"fix what you hear")."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.farm.farm import FLAGGED_KEY
from e2a_desktop.job import STORE_NAME
from e2a_desktop.store import JobStore
from tests.conftest import SAMPLE_TITLES
from tests.integration.cli_runner import e2a

pytestmark = pytest.mark.slow


def _audio(folder: Path) -> dict[int, tuple[str, str]]:
    """Each spoken unit's audio file and a digest of its bytes."""
    store = JobStore(folder / STORE_NAME)
    try:
        return {u.id: (str(u.audio_path), hashlib.sha256(
                    (folder / "units" / str(u.audio_path)).read_bytes()).hexdigest())
                for u in store.units() if u.status == "done"}
    finally:
        store.close()


def test_report_names_a_flagged_unit_and_redo_speaks_only_it(sample_book: Path,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "fables.m4b"
    options = [str(sample_book), "-o", str(target), "--no-farm", "--unit-chars", "200"]
    converted = e2a("convert", *options)
    assert converted.returncode == 0, converted.stderr

    clean = e2a("report", *options)
    assert clean.returncode == 0, clean.stderr
    assert "the audio check flagged nothing" in clean.stdout
    for number, title in enumerate(SAMPLE_TITLES, start=1):
        assert re.search(rf"^\s+{number}\. {re.escape(title)}\s+\d:\d\d:\d\d\s+\d+ units?, "
                         "all spoken$", clean.stdout, re.MULTILINE), clean.stdout
    folder = Path(re.search(r"work files: (\S+)", clean.stdout)[1])  # type: ignore[index]

    # The judge kept a unit of chapter 2 whose every try it refused (as the farm records it).
    store = JobStore(folder / STORE_NAME)
    try:
        second = [u for u in store.units(1) if u.status == "done"]
        flagged = second[1]
        store.set_meta({FLAGGED_KEY: json.dumps({str(flagged.id): "a stretch repeats"})})
    finally:
        store.close()
    before = _audio(folder)
    assert len(before) > 4, "the sample book is cut into several units"

    report = e2a("report", *options)
    line = re.search(rf"chapter 2 at (\d:\d\d:\d\d) \(unit {flagged.id}\): a stretch repeats",
                     report.stdout)
    assert line is not None, report.stdout
    assert " ".join(flagged.text.split())[:60] in report.stdout
    chapter_two_start = MP4(str(target)).chapters[1].start
    at = sum(int(x) * 60 ** i for i, x in enumerate(reversed(line[1].split(":"))))
    assert chapter_two_start < at < chapter_two_start + 60

    redo = e2a("redo", *options, "--at", line[1])
    assert redo.returncode == 0, redo.stderr
    assert "speaking again: chapter 2" in redo.stderr
    assert "1 unit," in redo.stdout, redo.stdout  # the per-node summary: one unit spoken

    after = _audio(folder)
    assert after.keys() == before.keys()
    changed = [unit for unit in before if before[unit] != after[unit]]
    assert changed == [flagged.id]
    assert [c.title for c in MP4(str(target)).chapters] == SAMPLE_TITLES
    assert "the audio check flagged nothing" in e2a("report", *options).stdout


def test_redo_of_a_book_never_converted_says_so(sample_book: Path, tmp_path: Path) -> None:
    out = e2a("redo", str(sample_book), "--at", "0:10", "-o", str(tmp_path / "x.m4b"))
    assert out.returncode == 2
    assert "has not been converted on this computer" in out.stderr
    assert "Traceback" not in out.stderr
