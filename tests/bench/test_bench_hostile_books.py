"""Time and peak memory of `e2a info` on each hostile book of issue 21 (finding 6).

Run on demand: ``pytest tests/bench/test_bench_hostile_books.py -m bench -s``. Each
book is made in tmp_path; `e2a info` runs in a child process that reports its own
VmHWM (not ru_maxrss, which counts what the parent held when it forked). The issue's
bar: under 500 MB and one line within 10 s for each.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import hostile_books as hostile

pytestmark = pytest.mark.bench

LIMIT_MB = 500
LIMIT_S = 10.0
_CHILD = """
import json, resource, sys, time
start = time.process_time()
from e2a_desktop.cli import main
code = main(sys.argv[1:])
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "peak_mb": peak / 1024,
                  "cpu_s": time.process_time() - start}))
"""
BOOKS: list[tuple[str, Callable[[Path], Path]]] = [
    ("1 GiB chapter (zip bomb)", hostile.bomb_chapter_epub),
    ("1 GiB chapter, size hidden", hostile.lying_bomb_epub),
    ("1 GiB cover (zip bomb)", hostile.bomb_cover_epub),
    ("cover claiming 65535x65535", hostile.huge_cover_epub),
    ("200,000 nested <div>s", hostile.deep_epub),
    ("30,000 entries, 3,000 missing", hostile.many_entries_epub),
    ("5 chapters of 15 MB", hostile.big_chapters_epub),
]


@pytest.mark.parametrize(("label", "make"), BOOKS, ids=[b[0] for b in BOOKS])
def test_hostile_book_time_and_memory(tmp_path: Path, label: str,
                                      make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "book.epub")
    began = time.monotonic()
    run = subprocess.run([sys.executable, "-c", _CHILD, "info", str(path)],
                         capture_output=True, text=True, timeout=300, check=False)
    wall = time.monotonic() - began
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    lines = run.stderr.strip().splitlines()
    print(f"\n{label:32s} {path.stat().st_size / 1e6:6.2f} MB file  exit {figures['code']}  "
          f"{wall:5.2f} s wall  {figures['cpu_s']:5.2f} s CPU  "
          f"{figures['peak_mb']:6.0f} MB peak  {lines[0] if lines else '(no message)'}")
    assert "Traceback" not in run.stderr
    assert len(lines) <= 1
    assert figures["peak_mb"] < LIMIT_MB
    assert wall < LIMIT_S
