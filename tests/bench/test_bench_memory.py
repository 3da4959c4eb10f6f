"""Benchmark: peak memory of a 4-hour single-chapter book stays under 500 MB (issue 9).

A chapter of any length must be mastered in bounded memory: units are fed to the
encoder one at a time, the loudness scan (of the chapter's beginning) and the encode
are ffmpeg processes that stream their input, and binding is a stream copy. One long
chapter once peaked at 1.69 GB while mastering, so peak RSS is measured for the e2a
process and, separately, for each ffmpeg it runs (a parent's RSS does not include a
child's). Peaks are the kernel's VmHWM, polled
from /proc; ``getrusage`` is not used for children because a spawned process's
ru_maxrss also counts what its parent held when it forked.

- ``test_mastering_a_long_chapter_in_bounded_memory``: the mastering path alone
  (loudness scan, the units fed to gain + limiter + AAC encode, bind), run in a
  fresh interpreter on synthetic 60 s units at the voice's rate (22050 Hz mono 16-bit).
  Under a minute for 4 hours.
- ``test_converting_a_long_chapter_in_bounded_memory``: ``e2a convert --no-farm`` on a
  generated one-chapter EPUB long enough for that much speech: reading, planning,
  speaking with Piper, mastering and binding. About 10 min for 4 hours (2 cores).

Run on demand: ``python -m pytest tests/bench -m bench -s -k memory``. The length is
``E2A_BENCH_HOURS`` (default 4); e.g. ``E2A_BENCH_HOURS=0.25`` for a quick run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.bench.bench_helpers import TreePeaks, long_book, master_like_the_app, vm_hwm_mb

pytestmark = pytest.mark.bench

LIMIT_MB = 500.0
RATE = 22050  # the voice's rate (Piper "medium" voices)
UNIT_SECONDS = 60
WORDS_PER_MINUTE = 192  # the default voice at speed 1, pauses included (measured)


def _hours() -> float:
    return float(os.environ.get("E2A_BENCH_HOURS", "4"))


def _speechlike(seconds: float, seed: int) -> bytes:
    """A quiet voiced tone in 4 Hz syllables with a little noise, as 16-bit PCM."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = 2 * np.pi * (120 + 20 * np.sin(2 * np.pi * 0.5 * t)).cumsum() / RATE
    voice = sum(np.sin(k * pitch) / k for k in range(1, 6))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6)), 0, None) ** 0.7
    signal = voice * envelope * 1500 + rng.normal(0, 40, len(t))
    return np.clip(signal, -32768, 32767).astype("<i2").tobytes()


def _write_units(folder: Path, hours: float) -> list[Path]:
    """Enough 60 s unit WAVs for ``hours`` of audio (four distinct ones, repeated)."""
    folder.mkdir(parents=True, exist_ok=True)
    variants = [_speechlike(UNIT_SECONDS, seed) for seed in range(4)]
    paths = []
    for i in range(max(1, round(hours * 3600 / UNIT_SECONDS))):
        path = folder / f"{i:05d}.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(variants[i % len(variants)])
        paths.append(path)
    return paths


def _own_peak_mb() -> float:
    """This process's peak RSS (VmHWM), MB.

    Not ``getrusage``: a spawned process's ru_maxrss also counts the memory its
    parent had when it forked (here pytest's), so it overstates a child.
    """
    return vm_hwm_mb(os.getpid()) or 0.0


def master_units(units_dir: Path, work: Path) -> None:
    """The app's mastering path on ``units_dir``; prints one JSON line of figures.

    Runs in a fresh interpreter (``python -m tests.bench.test_bench_memory``) so that
    its peak memory is the mastering's, not pytest's nor the generator's.
    """
    import mutagen

    from e2a_desktop.audio.bind import BoundChapter, bind_book
    from e2a_desktop.audio.formats import FORMATS
    from e2a_desktop.audio.master import UnitPiece
    from e2a_desktop.ebook.model import Metadata

    fmt = FORMATS["m4b"]
    figures: dict[str, object] = {"imports": _own_peak_mb()}
    units = sorted(units_dir.glob("*.wav"))
    pieces = [UnitPiece(u, 0.9 if i % 5 == 0 else 0.45) for i, u in enumerate(units)]
    chapter = work / f"001.{fmt.part_extension}"
    began = time.perf_counter()
    seconds = master_like_the_app(pieces, fmt, chapter, RATE)
    figures["master"] = (_own_peak_mb(), time.perf_counter() - began)
    began = time.perf_counter()
    duration = float(mutagen.File(str(chapter)).info.length)
    bind_book([BoundChapter(chapter, "Chapter 1", duration)], Metadata("Memory Bench"), None,
              fmt, work / "book.m4b", work)
    figures["bind"] = (_own_peak_mb(), time.perf_counter() - began)
    figures["audio"] = seconds
    print(json.dumps(figures))


def _role(command: str) -> str:
    """What an ffmpeg run was for, from its arguments."""
    for marker, role in (("ebur128", "loudness scan"), ("concat", "bind"),
                         ("-version", "probe"), ("-c:a aac", "gain+limit+encode")):
        if marker in command:
            return role
    return command[:30]


def _row(label: str, mb: float, note: str = "") -> str:
    verdict = "yes" if mb < LIMIT_MB else "NO"
    return f"  {label:<34}{mb:8.0f} MB   {verdict:<4}{note}"


def test_mastering_a_long_chapter_in_bounded_memory(tmp_path: Path) -> None:
    hours = _hours()
    began = time.perf_counter()
    _write_units(tmp_path / "units", hours)
    written = time.perf_counter() - began
    with (tmp_path / "figures.json").open("w+") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.test_bench_memory", str(tmp_path / "units"),
             str(tmp_path)], stdout=out, stderr=subprocess.PIPE, text=True)
        peaks = TreePeaks(proc.pid, interval=0.05).start()  # catch the short bind too
        _, errors = proc.communicate()
        peaks.stop()
        out.seek(0)
        lines = out.read().strip().splitlines()
    assert proc.returncode == 0 and lines, errors[-2000:]
    figures = json.loads(lines[-1])
    assert (tmp_path / "book.m4b").exists()
    own = max(figures[p][0] for p in ("master", "bind"))
    runs = [(_role(peaks.commands.get(pid, name)), mb)
            for pid, (name, mb) in sorted(peaks.children_mb.items())]
    child = max((mb for _, mb in runs), default=0.0)

    print(f"\nmastering one {figures['audio'] / 3600:.2f} h chapter (m4b; units written in "
          f"{written:.0f} s), peak RSS, limit {LIMIT_MB:.0f} MB:")
    print(f"  {'':<34}{'peak':>11}   under")
    print(_row("python after imports", figures["imports"]))
    for phase in ("master", "bind"):
        own_mb, wall = figures[phase]
        print(_row(f"python after {phase}", own_mb, f"({wall:.1f} s)"))
    for role, mb in runs:
        print(_row(f"ffmpeg: {role}", mb))
    print(_row("python process, overall", own))
    print(_row("largest ffmpeg child", child))
    assert own < LIMIT_MB and child < LIMIT_MB


def test_converting_a_long_chapter_in_bounded_memory(tmp_path: Path) -> None:
    hours = _hours()
    words = round(hours * 60 * WORDS_PER_MINUTE)
    book = long_book(tmp_path / "long.epub", words=words, chapters=1)
    out = tmp_path / "long.m4b"
    env = {**os.environ, "E2A_DATA_DIR": str(tmp_path / "data"),
           "E2A_BIND_HOST": "127.0.0.1", "E2A_MDNS_INTERFACES": "127.0.0.1"}
    log = tmp_path / "convert.log"
    began = time.perf_counter()
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "e2a_desktop", "convert", str(book), "-o", str(out),
             "--no-farm"], env=env, stdout=subprocess.DEVNULL, stderr=err)
        peaks = TreePeaks(proc.pid).start()
        proc.wait()
        peaks.stop()
    wall = time.perf_counter() - began
    assert proc.returncode == 0 and out.exists(), log.read_text(errors="replace")[-2000:]
    from mutagen.mp4 import MP4

    info = MP4(str(out)).info
    assert info is not None
    audio = float(info.length)
    child_name, child = peaks.largest_child()
    ffmpegs = sum(1 for name, _ in peaks.children_mb.values() if "ffmpeg" in name)

    print(f"\ne2a convert --no-farm: {words} words in one chapter, {audio / 3600:.2f} h of "
          f"audio in {wall / 60:.1f} min ({audio / wall:.1f}x real time), peak RSS, "
          f"limit {LIMIT_MB:.0f} MB:")
    print(f"  {'':<34}{'peak':>11}   under")
    print(_row("e2a convert process", peaks.root_mb, "(polled VmHWM)"))
    print(_row(f"largest child ({child_name})", child, f"({ffmpegs} ffmpeg runs seen)"))
    assert peaks.root_mb < LIMIT_MB and child < LIMIT_MB


if __name__ == "__main__":
    master_units(Path(sys.argv[1]), Path(sys.argv[2]))
