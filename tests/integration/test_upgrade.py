"""Jobs survive upgrades: a job made by e2a 0.1 resumes; new optional settings keep ids."""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.jobid import JobSettings, job_id, legacy_job_id
from e2a_node.settings import EngineSettings, SettingsError, SpeechSettings
from tests.integration.cli_runner import e2a

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEGACY_BOOK = FIXTURES / "legacy-book.txt"
LEGACY_JOB = "7a94de00306d8817"  # the folder e2a 0.1 made for LEGACY_BOOK, chapter 1 spoken


def _units(db: Path) -> dict[int, tuple[str, float | None]]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT id, status, done_at FROM units").fetchall()
    return {unit: (status, done_at) for unit, status, done_at in rows}


@pytest.mark.slow
def test_a_job_written_by_e2a_0_1_resumes_without_respeaking(data_dir: Path,
                                                              tmp_path: Path) -> None:
    jobs = data_dir / "jobs"
    jobs.mkdir(parents=True)
    with zipfile.ZipFile(FIXTURES / "legacy-job-v0.zip") as archive:
        archive.extractall(jobs)
    old_db = jobs / LEGACY_JOB / "job.sqlite"
    before = _units(old_db)
    assert [s for s, _ in before.values()].count("done") == 1
    wav = jobs / LEGACY_JOB / "units" / "000001.wav"
    wav_bytes = wav.read_bytes()

    out = e2a("convert", str(LEGACY_BOOK), "-o", str(tmp_path / "book.m4b"), "--no-farm",
              cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "resuming: 1/3 units already spoken" in out.stderr
    folders = [p.name for p in jobs.iterdir()]
    assert len(folders) == 1 and folders[0] != LEGACY_JOB, "the old folder was taken over"
    after = _units(jobs / folders[0] / "job.sqlite")
    assert after[1] == before[1], "the unit spoken by 0.1 was not spoken again"
    assert all(status == "done" for status, _ in after.values())
    assert (jobs / folders[0] / "units" / "000001.wav").read_bytes() == wav_bytes
    assert [c.title for c in MP4(str(tmp_path / "book.m4b")).chapters] == [
        "Chapter 1: Old Work", "Chapter 2: New Work", "Chapter 3: The End"]


def test_the_legacy_id_is_the_one_e2a_0_1_computed() -> None:
    assert legacy_job_id(LEGACY_BOOK, JobSettings()) == LEGACY_JOB


def test_a_new_optional_engine_field_at_its_default_leaves_the_job_id_unchanged() -> None:
    settings = JobSettings()
    ident = job_id(LEGACY_BOOK, settings)
    # What a later version adds (a model, a reference voice) is left out while unset...
    assert job_id(LEGACY_BOOK, replace(settings, engine=EngineSettings(model=""))) == ident
    # ...and names another job once set, as it changes the audio.
    cloned = replace(settings, engine=EngineSettings(reference_voice="me-sample"))
    assert job_id(LEGACY_BOOK, cloned) != ident
    assert job_id(LEGACY_BOOK, replace(settings, engine=EngineSettings(speed=1.2))) != ident


def test_wire_settings_ignore_unknown_fields_and_default_missing_optional_ones() -> None:
    sent = SpeechSettings().to_json()
    sent["engine"]["future_field"] = "ignored"
    sent["engine"].pop("model")
    sent["pauses"].pop("paragraph_pause")
    got = SpeechSettings.from_json(sent)
    assert got == SpeechSettings()
    for broken in ({}, {"version": 1}, {"version": 1, "engine": {"engine": "piper"}},
                   {"version": 1, "engine": {**SpeechSettings().to_json()["engine"],
                                             "speed": "fast"}},
                   {"version": 1, "engine": {**SpeechSettings().to_json()["engine"],
                                             "speed": 99.0}}):
        with pytest.raises(SettingsError):
            SpeechSettings.from_json(broken)
