"""One loudness for the whole book: chapters start encoding with their first unit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.audio.formats import FORMATS
from e2a_desktop.farm.farm import Farm
from e2a_desktop.mastering import LOUDNESS_KEY, ChapterMastering
from e2a_node.protocol import Capabilities
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm, small_book, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})


def _speak_next(farm: Farm) -> float:
    """Lease the next unit in reading order and upload plausible speech for it."""
    unit = farm.lease("node-a", CAPS).assignment
    assert unit is not None
    seconds = len(" ".join(unit.sentences)) / 15
    n = len(unit.sentences)
    tmp = farm.upload_tmp(unit.unit_id, "node-a")
    tmp.write_bytes(speech_like_wav(seconds))
    accepted, _ = farm.accept_upload("node-a", unit.unit_id, tmp,
                                     [(k * seconds / n, (k + 1) * seconds / n) for k in range(n)])
    assert accepted
    return seconds


def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:  # ffmpeg opens its output
        time.sleep(0.05)
    assert path.exists(), f"{path.name} never appeared"


def test_a_later_chapter_is_encoding_after_its_first_unit_and_resumes_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's loudness comes from its first 20 s here (chapter 1): chapter 2, whose
    first unit is shorter than that, starts encoding as soon as that unit is in, and
    a resumed book keeps the loudness it was measured at."""
    monkeypatch.setattr("e2a_desktop.mastering.STREAM_AFTER_S", 20.0)
    farm = make_farm(tmp_path / "farm", clock=FakeClock(), book=small_book(2, 6))
    store = farm.job.store
    first, second = store.units(0), store.units(1)
    assert len(second) >= 2
    mastering = ChapterMastering(farm.job, FORMATS["m4b"], [0, 1])
    try:
        spoken = [_speak_next(farm) for _ in first]
        assert sum(spoken) >= 20
        opening = _speak_next(farm)
        assert opening < 20  # alone, chapter 2's first unit is too short to measure on
        mastering.submit_ready()
        _wait_for(farm.job.chapters_dir / "001.m4a.tmp")
        assert not (farm.job.chapters_dir / "001.m4a").exists()
        measured = float(store.meta()[LOUDNESS_KEY])
        rest = [_speak_next(farm) for _ in second[1:]]
        mastering.submit_ready()
        mastering.wait()
    finally:
        mastering.close()
    pause = farm.job.settings.pauses.at_speed(1.0)
    for chapter, speech in ((0, sum(spoken)), (1, opening + sum(rest))):
        length = MP4(str(farm.job.chapters_dir / f"{chapter:03d}.m4a")).info.length
        assert speech < length < speech + 2 * pause.paragraph_pause * len(first), chapter
    assert ChapterMastering(farm.job, FORMATS["m4b"], [0, 1]).loudness == measured
    farm.job.close()
