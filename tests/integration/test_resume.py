"""A conversion killed mid-book resumes: nothing already spoken is spoken again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from tests.conftest import SAMPLE_TITLES

pytestmark = pytest.mark.slow


def _done_units(db: Path) -> dict[int, float]:
    if not db.exists():
        return {}
    with closing(sqlite3.connect(db)) as conn:
        try:
            rows = conn.execute("SELECT id, done_at FROM units WHERE status='done'").fetchall()
        except sqlite3.OperationalError:
            return {}
    return dict(rows)


def test_killed_conversion_resumes_without_respeaking(sample_book: Path, tmp_path: Path,
                                                      data_dir: Path) -> None:
    target = tmp_path / "book.m4b"
    args = [sys.executable, "-m", "e2a_desktop", "convert", str(sample_book), "-o", str(target),
            "--unit-chars", "150"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ.copy())
    db = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = list(data_dir.glob("jobs/*/job.sqlite"))
        db = found[0] if found else None
        if db and len(_done_units(db)) >= 4:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # a crash: no clean-up code runs
    proc.wait()
    assert db is not None
    before = _done_units(db)
    assert len(before) >= 4
    wav_times = {f"{unit:06d}.wav": (db.parent / "units" / f"{unit:06d}.wav").stat().st_mtime_ns
                 for unit in before}
    assert not target.exists()

    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"resuming: {len(before)}/" in again.stderr
    after = _done_units(db)
    with closing(sqlite3.connect(db)) as conn:
        total = conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    assert len(after) == total > len(before)
    # Units spoken before the kill were not spoken again: same completion time, same file.
    assert all(after[unit] == done_at for unit, done_at in before.items())
    for name, mtime in wav_times.items():
        assert (db.parent / "units" / name).stat().st_mtime_ns == mtime
    assert [c.title for c in MP4(str(target)).chapters] == SAMPLE_TITLES


def test_terminated_conversion_stops_cleanly_and_keeps_its_work(sample_book: Path,
                                                                 tmp_path: Path,
                                                                 data_dir: Path) -> None:
    """SIGTERM (logout, shutdown, `kill`) stops like Ctrl-C: a clear line, no partial book."""
    target = tmp_path / "book.m4b"
    proc = subprocess.Popen([sys.executable, "-m", "e2a_desktop", "convert", str(sample_book),
                             "-o", str(target), "--unit-chars", "150"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = list(data_dir.glob("jobs/*/job.sqlite"))
        if found and len(_done_units(found[0])) >= 2:
            break
        time.sleep(0.05)
    proc.terminate()
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == ("interrupted: everything spoken so far is kept; "
                                            "run the same command again to resume")
    assert "Traceback" not in err
    assert not target.exists() and not target.with_name(target.name + ".part").exists()
    assert len(_done_units(found[0])) >= 2


def test_lost_unit_audio_is_spoken_again_not_a_crash(sample_book: Path, tmp_path: Path,
                                                     data_dir: Path) -> None:
    args = [sys.executable, "-m", "e2a_desktop", "convert", str(sample_book), "--no-farm",
            "--unit-chars", "400"]
    first = subprocess.run([*args, "-o", str(tmp_path / "book.m4b")], capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    (db,) = data_dir.glob("jobs/*/job.sqlite")
    before = _done_units(db)
    lost = sorted(before)[1]
    (db.parent / "units" / f"{lost:06d}.wav").unlink()  # a user tidying up, a disk error

    again = subprocess.run([*args, "-o", str(tmp_path / "book.mp3"), "--format", "mp3"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    after = _done_units(db)
    assert after.keys() == before.keys()
    assert [u for u in after if after[u] != before[u]] == [lost]  # only the lost one redone
    assert (db.parent / "units" / f"{lost:06d}.wav").is_file()
