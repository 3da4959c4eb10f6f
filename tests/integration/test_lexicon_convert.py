"""A lexicon written after a book was converted: `e2a text` shows it, and converting
again speaks again only the units holding its words (issue 22: "changing it changes only
the units that contain its words")."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.job import STORE_NAME
from e2a_desktop.store import JobStore
from tests.conftest import SAMPLE_TITLES
from tests.integration.cli_runner import e2a

pytestmark = pytest.mark.slow


def _audio(folder: Path) -> dict[int, tuple[tuple[str, ...], str]]:
    store = JobStore(folder / STORE_NAME)
    try:
        return {u.id: (u.sentences, hashlib.sha256(
                    (folder / "units" / str(u.audio_path)).read_bytes()).hexdigest())
                for u in store.units() if u.status == "done"}
    finally:
        store.close()


def test_a_new_lexicon_entry_respeaks_only_the_units_with_its_word(sample_book: Path,
                                                                  tmp_path: Path) -> None:
    book = tmp_path / "fables.epub"
    shutil.copy(sample_book, book)
    options = [str(book), "-o", str(tmp_path / "fables.m4b"), "--no-farm",
               "--unit-chars", "200", "--subtitles", "srt"]
    first = e2a("convert", *options)
    assert first.returncode == 0, first.stderr
    folder = Path(re.search(r"work files: \S+ MB in (\S+)", first.stdout)[1])  # type: ignore[index]
    before = _audio(folder)
    holding = [unit for unit, (sentences, _) in before.items()
               if any("Sirrah" in s for s in sentences)]
    assert len(holding) == 1 and len(before) > 6

    (tmp_path / "fables.lexicon.txt").write_text("Sirrah = Sir-ah\n", encoding="utf-8")
    shown = e2a("text", str(book), "--chapters", "1").stdout
    assert '"Sir-ah, last year you grossly insulted me."' in shown and "Sirrah" not in shown

    again = e2a("convert", *options, "--overwrite")
    assert again.returncode == 0, again.stderr
    assert "1 unit," in again.stdout  # this PC spoke one unit: the one with the word
    after = _audio(folder)
    changed = [unit for unit in before if before[unit] != after[unit]]
    assert changed == holding
    assert any("Sir-ah" in s for s in after[holding[0]][0])
    subtitles = (tmp_path / "fables.srt").read_text(encoding="utf-8")
    assert "Sirrah, last year you grossly insulted me." in subtitles  # the book's word
    assert "Sir-ah" not in subtitles and "\ue0f6" not in subtitles
    assert [c.title for c in MP4(str(tmp_path / "fables.m4b")).chapters] == SAMPLE_TITLES

    # `e2a redo BOOK` with no place: what the edited lexicon changes, and only that.
    (tmp_path / "fables.lexicon.txt").write_text("Sirrah = Sirrah-ah\n", encoding="utf-8")
    redone = e2a("redo", *options)
    assert redone.returncode == 0, redone.stderr
    assert "speaking again what the lexicon changes: 1 part(s), in 1 chapter(s)" in redone.stderr
    again_after = _audio(folder)
    assert [unit for unit in after if after[unit] != again_after[unit]] == holding
    assert any("Sirrah-ah" in s for s in again_after[holding[0]][0])
    assert [c.title for c in MP4(str(tmp_path / "fables.m4b")).chapters] == SAMPLE_TITLES

    nothing = e2a("redo", *options)
    assert nothing.returncode != 0 and "nothing to speak again" in nothing.stderr
    assert "Traceback" not in nothing.stderr
