"""Benchmark: the Piper engine alone vs the whole `e2a convert` pipeline, same text.

Run on demand: `python -m pytest tests/bench -m bench -s -k pipeline`. Both figures
come from one run on one machine, so their ratio is meaningful even on a noisy host.
Speed is compared as characters of text spoken per second (the same text for both);
"× real time" is also printed for each.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.plan import plan_book
from e2a_node.engines import create_engine
from e2a_node.settings import EngineSettings
from tests.bench.bench_helpers import long_book

pytestmark = pytest.mark.bench


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run a command; return wall seconds, its peak RSS in MB, and its exit status."""
    began = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return time.perf_counter() - began, usage.ru_maxrss / 1024, status


def _last_unit_done(data_dir: Path) -> float:
    """When the last unit was accepted (the job store's clock is CLOCK_MONOTONIC)."""
    (store,) = (data_dir / "jobs").glob("*/job.sqlite")
    with closing(sqlite3.connect(store)) as db:
        return float(db.execute("SELECT MAX(done_at) FROM units").fetchone()[0])


def test_pipeline_keeps_the_engines_speed(tmp_path: Path) -> None:
    book_path = long_book(tmp_path / "bench.epub", words=3000)
    book = read_book(book_path)
    sentences = [s for unit in plan_book(book) for s in unit.sentences]
    chars = sum(len(s) for s in sentences)

    engine = create_engine(EngineSettings(), None)
    began = time.perf_counter()
    speech = sum(engine.speak(s).duration for s in sentences)
    engine_wall = time.perf_counter() - began

    out = tmp_path / "bench.m4b"
    env = {**os.environ, "E2A_DATA_DIR": str(tmp_path / "data")}
    launched = time.monotonic()
    wall, rss, status = _run_measured(
        [sys.executable, "-m", "e2a_desktop", "convert", str(book_path), "-o", str(out)], env)
    assert status == 0 and out.exists()
    speech_done = _last_unit_done(tmp_path / "data") - launched
    from mutagen.mp4 import MP4

    book_audio = MP4(str(out)).info.length

    engine_cps, pipeline_cps = chars / engine_wall, chars / wall
    print(f"\ntext: {sum(len(s.split()) for s in sentences)} words, {chars} chars; "
          f"{speech / 60:.1f} min of speech, {book_audio / 60:.1f} min with pauses")
    print(f"engine alone : {engine_cps:7.0f} chars/s  {speech / engine_wall:5.1f}x real time "
          f"({engine_wall:.1f} s)")
    print(f"e2a convert  : {pipeline_cps:7.0f} chars/s  {book_audio / wall:5.1f}x real time "
          f"({wall:.1f} s: start-up, read, plan, speak, master, bind)")
    print(f"  of which   : {speech_done:.1f} s until the last unit was spoken (start-up, "
          f"speech, and the encoding of earlier chapters beside it), "
          f"{wall - speech_done:.1f} s after it (last chapter, binding)")
    print(f"ratio        : {pipeline_cps / engine_cps:.2f} of the engine's speed (target >= 0.90)")
    print(f"peak memory  : {rss:.0f} MB (e2a convert process)")
