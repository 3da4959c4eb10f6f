"""Benchmark: the Piper engine alone vs the whole `e2a convert` pipeline, same text.

Run on demand: `python -m pytest tests/bench -m bench -s -k pipeline`. Both figures
come from one run on one machine, so their ratio is meaningful even on a noisy host.
Speed is compared as characters of text spoken per second (the same text for both);
"× real time" is also printed for each.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import wave
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2a_desktop.audio.formats import FORMATS
from e2a_desktop.audio.master import UnitPiece
from e2a_desktop.ebook import read_book
from e2a_desktop.plan import plan_book
from e2a_node.engines import create_engine
from e2a_node.settings import EngineSettings, PauseSettings
from tests.bench.bench_helpers import long_book, master_like_the_app

pytestmark = pytest.mark.bench


RUNS = int(os.environ.get("E2A_BENCH_RUNS", "3"))
"""Paired runs (engine alone, then the pipeline, back to back); the median ratio counts."""


@dataclass
class Paired:
    engine_wall: float
    engine_cpu: float
    wall: float
    cpu: float
    speech_done: float
    first_done: float
    encode_cpu: float
    rss: float

    def ratio(self) -> float:
        return self.engine_wall / self.wall


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Run a command; wall seconds, CPU seconds (its ffmpeg children too), peak RSS, status."""
    began = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return (time.perf_counter() - began, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024, status)


def _unit_times(data_dir: Path) -> tuple[float, float]:
    """When the first and the last unit were accepted (CLOCK_MONOTONIC, as the store keeps)."""
    (store,) = (data_dir / "jobs").glob("*/job.sqlite")
    with closing(sqlite3.connect(store)) as db:
        first, last = db.execute("SELECT MIN(done_at), MAX(done_at) FROM units").fetchone()
    return float(first), float(last)


def _encoding_cpu(data_dir: Path, tmp: Path) -> float:
    """CPU seconds ffmpeg spends mastering the job's chapters: the same loudness scan
    and encode the pipeline ran, redone here on its unit audio and timed alone."""
    (folder,) = (data_dir / "jobs").glob("*/")
    with closing(sqlite3.connect(folder / "job.sqlite")) as db:
        rows = db.execute("SELECT chapter, audio_path, breaks FROM units ORDER BY chapter, seq, "
                          "part").fetchall()
    pauses = PauseSettings()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for chapter in sorted({r[0] for r in rows}):
        pieces = [UnitPiece(folder / "units" / path, pauses.before(json.loads(breaks)[0]))
                  for c, path, breaks in rows if c == chapter]
        with wave.open(str(pieces[0].wav_path), "rb") as first:
            rate = first.getframerate()
        master_like_the_app(pieces, FORMATS["m4b"], tmp / f"{chapter}.m4a", rate)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _paired_run(tmp: Path, book_path: Path, sentences: list[str]) -> Paired:
    engine = create_engine(EngineSettings(), None)
    engine.speak(sentences[0])  # warm, as the pipeline's engine is by its first unit
    began, cpu0 = time.perf_counter(), time.process_time()
    for sentence in sentences:
        engine.speak(sentence)
    engine_wall, engine_cpu = time.perf_counter() - began, time.process_time() - cpu0
    engine.unload()
    data = tmp / "data"
    env = {**os.environ, "E2A_DATA_DIR": str(data)}
    launched = time.monotonic()
    wall, cpu, rss, status = _run_measured(
        [sys.executable, "-m", "e2a_desktop", "convert", str(book_path), "-o",
         str(tmp / "bench.m4b")], env)
    assert status == 0 and (tmp / "bench.m4b").exists()
    first, last = _unit_times(data)
    (tmp / "remaster").mkdir()
    encode_cpu = _encoding_cpu(data, tmp / "remaster")
    return Paired(engine_wall, engine_cpu, wall, cpu, last - launched, first - launched,
                  encode_cpu, rss)


def test_pipeline_keeps_the_engines_speed(tmp_path: Path) -> None:
    book_path = long_book(tmp_path / "bench.epub", words=3000)
    book = read_book(book_path)
    units = plan_book(book)
    sentences = [s for unit in units for s in unit.sentences]
    chars = sum(len(s) for s in sentences)
    runs = []
    for n in range(RUNS):
        run_dir = tmp_path / f"run{n}"
        run_dir.mkdir()
        runs.append(_paired_run(run_dir, book_path, sentences))
    from mutagen.mp4 import MP4

    book_audio = MP4(str(tmp_path / "run0" / "bench.m4b")).info.length
    print(f"\ntext: {sum(len(s.split()) for s in sentences)} words, {chars} chars, "
          f"{len(units)} units; {book_audio / 60:.1f} min of audio with pauses; "
          f"{RUNS} paired runs (engine alone, then e2a convert, back to back)")
    for n, r in enumerate(runs, start=1):
        print(f"run {n}: engine {r.engine_wall:5.1f} s ({book_audio / r.engine_wall:4.1f}x rt), "
              f"e2a convert {r.wall:5.1f} s ({book_audio / r.wall:4.1f}x rt) -> ratio "
              f"{r.ratio():.2f}; peak {r.rss:.0f} MB")
    median = sorted(runs, key=Paired.ratio)[len(runs) // 2]
    r = median
    first_unit = r.engine_wall * len(units[0].sentences) / len(sentences)
    startup = max(0.0, r.first_done - first_unit)
    speaking = r.speech_done - startup
    tail = r.wall - r.speech_done
    print(f"median ratio : {r.ratio():.2f} of the engine's speed (target >= 0.95)")
    print(f"where the {r.wall - r.engine_wall:.1f} s of difference go (median run):")
    print(f"  start-up (import, read, plan, load the voice) {startup:5.1f} s")
    print(f"  speaking, with earlier chapters encoded beside it {speaking:5.1f} s "
          f"(engine alone {r.engine_wall:.1f} s: +{speaking - r.engine_wall:.1f} s)")
    print(f"  after the last unit (last chapter, binding)   {tail:5.1f} s")
    print(f"  CPU: engine alone {r.engine_cpu:.1f} s, e2a convert {r.cpu:.1f} s (of which "
          f"ffmpeg mastering {r.encode_cpu:.1f} s = {100 * r.encode_cpu / r.engine_cpu:.0f} % "
          f"of the voice's CPU; the rest {r.cpu - r.encode_cpu - r.engine_cpu:+.1f} s)")
    assert r.ratio() > 0
