"""Benchmark: the same book on 1 and 3 Celery workers, beside the LAN farm's figure.

Run on demand: `python -m pytest tests/bench -m bench -s -k cluster` (as root on Linux,
with redis-server installed: it needs the cgroup v1 ``cpu`` controller, else it skips).

Each worker (and the coordinator) runs in its own cgroup held to the same CPU share,
as in test_bench_real_scaling.py, so three workers are three equal slow PCs. Workers
are started and warmed on a small book first (voice loaded), as a cluster's are
always running. Printed: the wall time on 1 and 3 workers and the speed-up, and the
per-unit overhead: how long a worker sat between the end of one unit and the start
of the next (broker round trip, result upload, lease), against the same figure for
LAN nodes of the farm (``E2A_BENCH_WITH_FARM=1`` runs the farm too; it takes as long
again).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import statistics
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from tests.bench.bench_helpers import long_book
from tests.bench.test_bench_real_scaling import (
    CGROUP_CPU,
    CGROUP_CPUSET,
    CLOCK,
    ONE_CPU,
    QUOTA,
    WORDS,
    _convert,
    _lines,
    _spawn,
    cpu_limited_group,
)
from tests.integration.cluster_procs import RedisServer

pytestmark = pytest.mark.bench

MARK = "--- measured book ---"
UNIT_DONE = re.compile(r"unit (\d+) done: ([\d.]+) s of audio in ([\d.]+) s")


def _cluster(url: str, book: Path, warm_up: Path, tmp: Path, workers: int, tag: str) -> float:
    """Wall time of ``book`` on ``workers`` cluster workers that are already warm."""
    groups = [cpu_limited_group(f"e2a-bench-{tag}-{i}-{secrets.token_hex(2)}", QUOTA)
              for i in range(workers + 1)]
    data = tmp / f"{tag}-coord"
    with contextlib.ExitStack() as stack:
        cgs = [stack.enter_context(g) for g in groups]
        procs = [_spawn([sys.executable, "-m", "e2a_node", "--cluster", url, "--name",
                         f"{tag}{i}", "--device", "cpu"], tmp / f"{tag}-w{i}", cgs[i],
                        tmp / f"{tag}-w{i}.log") for i in range(1, workers + 1)]
        try:
            warm = _spawn([sys.executable, "-m", "e2a_desktop", "convert", str(warm_up), "-o",
                           str(tmp / f"{tag}-warm.m4b"), "--cluster", url, "--wait-nodes",
                           str(workers), "--unit-chars", "200"], data, cgs[0],
                          tmp / f"{tag}-warm.log")
            assert warm.wait(timeout=900) == 0, (tmp / f"{tag}-warm.log").read_text()[-2000:]
            for i in range(1, workers + 1):
                with (tmp / f"{tag}-w{i}.log").open("a") as log:
                    log.write(f"{MARK}\n")
            began = CLOCK()
            coord = _spawn([sys.executable, "-m", "e2a_desktop", "convert", str(book), "-o",
                            str(tmp / f"{tag}.m4b"), "--cluster", url, "--wait-nodes",
                            str(workers)], data, cgs[0], tmp / f"{tag}-coord.log")
            assert coord.wait(timeout=3600) == 0, (tmp / f"{tag}-coord.log").read_text()[-2000:]
            return CLOCK() - began
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def gaps(logs: list[Path]) -> list[float]:
    """Seconds each worker or node sat between one unit's end and the next one's start."""
    found: list[float] = []
    for log in logs:
        units = [(t, float(m.group(3))) for t, text in _lines(log, MARK)
                 if (m := UNIT_DONE.search(text))]
        found += [(t - spent) - before for (before, _), (t, spent) in pairwise(units)]
    return found


def _describe(values: list[float]) -> str:
    if not values:
        return "no two units in a row on one worker"
    return (f"median {statistics.median(values):.2f} s, max {max(values):.2f} s "
            f"over {len(values)} unit changes")


def test_cluster_scaling(tmp_path: Path) -> None:
    if sys.platform != "linux" or not os.access(CGROUP_CPU, os.W_OK):
        pytest.skip(f"needs a writable cgroup v1 cpu controller at {CGROUP_CPU} (root)")
    if ONE_CPU and not os.access(CGROUP_CPUSET, os.W_OK):
        pytest.skip(f"needs a writable cgroup v1 cpuset controller at {CGROUP_CPUSET} "
                    "(or E2A_BENCH_CPU= to run without it)")
    server = RedisServer(tmp_path / "redis")
    try:
        book = long_book(tmp_path / "book.epub", words=WORDS, chapters=3)
        warm_up = long_book(tmp_path / "warm.epub", words=240, chapters=3)
        one = _cluster(server.url, book, warm_up, tmp_path, 1, "one")
        three = _cluster(server.url, book, warm_up, tmp_path, 3, "three")
    finally:
        server.stop()
    cluster_gaps = gaps([tmp_path / f"three-w{i}.log" for i in (1, 2, 3)])
    where = f", all in turns on CPU {ONE_CPU} (cpuset)" if ONE_CPU else ""
    print(f"\n{WORDS} words, each worker held to {QUOTA:g} CPU (cgroup cpu quota){where}; "
          "workers warm (voice loaded) when the book starts:")
    print(f"  1 cluster worker   {one:7.1f} s")
    print(f"  3 cluster workers  {three:7.1f} s  -> {one / three:.2f}x")
    print(f"  cluster: between units, {_describe(cluster_gaps)}")
    if os.environ.get("E2A_BENCH_WITH_FARM"):
        _convert(book, long_book(tmp_path / "farm-warm.epub", words=120, chapters=1),
                 tmp_path, 2, "farm")
        farm_gaps = gaps([tmp_path / f"farm-node{i}.log" for i in (1, 2)])
        print(f"  LAN farm nodes: between units, {_describe(farm_gaps)}")
    assert one > 0 and three > 0
