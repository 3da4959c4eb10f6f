"""Benchmark: N PCs, N times faster, with the real Piper voice in real processes.

Run on demand: `python -m pytest tests/bench -m bench -s -k real_scaling` (as root on
Linux: it needs the cgroup v1 ``cpu`` controller, else it skips and says so).

Three equal slow PCs on one machine: every e2a process (the coordinator, each node,
and the ffmpeg they start) runs in its own cgroup held to the same CPU quota
(``cpu.cfs_quota_us``), so three of them behave as three PCs of that speed even on
a 2-core box. The same book is converted by the coordinator alone, then by the
coordinator plus two `e2a-node` processes; the speed-up is the ratio of the two
wall times, measured back to back.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.bench_helpers import long_book
from tests.integration.farm_procs import CODE, free_port

pytestmark = pytest.mark.bench

CGROUP_CPU = Path("/sys/fs/cgroup/cpu")
QUOTA = float(os.environ.get("E2A_BENCH_CPU_SHARE", "0.5"))
"""CPU share of each simulated PC (cores)."""
WORDS = int(os.environ.get("E2A_BENCH_WORDS", "2400"))
"""About 15 minutes of audio."""


@contextlib.contextmanager
def cpu_limited_group(name: str, share: float) -> Iterator[Path]:
    group = CGROUP_CPU / name
    group.mkdir()
    try:
        (group / "cpu.cfs_period_us").write_text("100000")
        (group / "cpu.cfs_quota_us").write_text(str(int(share * 100000)))
        yield group
    finally:
        for _ in range(50):  # the group empties as its processes exit
            with contextlib.suppress(OSError):
                group.rmdir()
                break
            time.sleep(0.1)


def _spawn(args: list[str], data: Path, group: Path, log: Path) -> subprocess.Popen[bytes]:
    def join_group() -> None:  # in the child, before exec: all it starts stays inside
        (group / "cgroup.procs").write_text(str(os.getpid()))

    env = {**os.environ, "E2A_DATA_DIR": str(data), "E2A_BIND_HOST": "127.0.0.1",
           "E2A_MDNS_INTERFACES": "127.0.0.1"}
    with log.open("ab") as sink:
        return subprocess.Popen(args, env=env, stdout=sink, stderr=sink, preexec_fn=join_group)


def _convert(book: Path, tmp: Path, nodes: int, tag: str) -> float:
    port = free_port()
    farm = f"Bench Farm {secrets.token_hex(3)}"
    groups = [cpu_limited_group(f"e2a-bench-{tag}-{i}-{secrets.token_hex(2)}", QUOTA)
              for i in range(nodes + 1)]
    with contextlib.ExitStack() as stack:
        cgs = [stack.enter_context(g) for g in groups]
        began = time.monotonic()
        coord = _spawn([sys.executable, "-m", "e2a_desktop", "convert", str(book), "-o",
                        str(tmp / f"{tag}.m4b"), "--code", CODE, "--port", str(port),
                        "--farm-name", farm, "--wait-nodes", str(nodes)],
                       tmp / f"{tag}-coord", cgs[0], tmp / f"{tag}-coord.log")
        workers = [_spawn([sys.executable, "-m", "e2a_node", "--headless", "--one-job",
                           "--name", f"pc{i}", "--code", CODE, "--url",
                           f"https://127.0.0.1:{port}"],
                          tmp / f"{tag}-node{i}", cgs[i], tmp / f"{tag}-node{i}.log")
                   for i in range(1, nodes + 1)]
        try:
            assert coord.wait(timeout=3600) == 0, (tmp / f"{tag}-coord.log").read_text()[-2000:]
            wall = time.monotonic() - began
            for worker in workers:
                worker.wait(timeout=120)
        finally:
            for proc in (coord, *workers):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    return wall


def test_real_scaling(tmp_path: Path) -> None:
    if sys.platform != "linux" or not os.access(CGROUP_CPU, os.W_OK):
        pytest.skip(f"needs a writable cgroup v1 cpu controller at {CGROUP_CPU} (root)")
    book = long_book(tmp_path / "book.epub", words=WORDS, chapters=3)
    alone = _convert(book, tmp_path, 0, "alone")
    farm = _convert(book, tmp_path, 2, "three")
    print(f"\n{WORDS} words, each PC held to {QUOTA:g} CPU (cgroup cpu quota):")
    print(f"  coordinator alone          {alone:7.1f} s")
    print(f"  coordinator + 2 e2a-nodes  {farm:7.1f} s  -> {alone / farm:.2f}x "
          "for 3 PCs (target >= 2.85x)")
    assert alone > 0 and farm > 0
