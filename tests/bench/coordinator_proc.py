"""A real coordinator (store, scheduler, HTTP app) in its own process, for benchmarks.

`python -m tests.bench.coordinator_proc FOLDER CHAPTERS CHAPTER_CHARS UNIT_CHARS TTL RATE`
prints `PORT <n>` once it listens, then serves until killed.

E2A_BENCH_STATS=FILE: on SIGTERM, write what the server's loop went through
(loop_stats.py) to FILE as JSON. E2A_BENCH_PROFILE=FILE: a cProfile of the server thread.
E2A_BENCH_JUDGE=thread: the upload judge runs in the coordinator's checking thread, as
before it had a process of its own (``farm.judging``; "process", the default;
"process:N", in a process N nicer). A "/inline" suffix ("process/inline"): the quick
store calls (lease, heartbeat) run on the event loop instead of the store's thread, to
weigh what handing each request to that thread and back costs.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.farm import app as app_module
from e2a_desktop.farm import judging
from e2a_desktop.farm import server as server_module
from e2a_desktop.farm.guard import ConnectionGuard
from e2a_desktop.farm.server import FarmServer
from tests.bench.loop_stats import LoopStats
from tests.helpers.farm_fixtures import SENTENCE, make_farm


def synthetic_book(chapters: int, chapter_chars: int) -> Book:
    sentences = max(1, chapter_chars // (len(SENTENCE) + 1))
    text = " ".join([SENTENCE] * sentences)
    return Book(Metadata("Bench Book"), [Chapter(f"Chapter {i}", text)
                                         for i in range(1, chapters + 1)])


def main() -> None:
    folder, chapters, chapter_chars, unit_chars, ttl, rate = sys.argv[1:7]
    farm = make_farm(Path(folder), unit_chars=int(unit_chars), lease_ttl=float(ttl),
                     book=synthetic_book(int(chapters), int(chapter_chars)), rate=int(rate))
    judge_spec, _, store = os.environ.get("E2A_BENCH_JUDGE", "process").partition("/")
    if store == "inline":
        async def inline(_request: object, call: Callable[..., Any], *args: Any) -> Any:
            return call(*args)

        app_module._in_store_thread = inline  # type: ignore[assignment]
    stats_to = os.environ.get("E2A_BENCH_STATS")
    stats = LoopStats.install() if stats_to else None
    profile_to = os.environ.get("E2A_BENCH_PROFILE")
    if profile_to:  # profile the server thread; written out on SIGTERM
        import cProfile

        profiler = cProfile.Profile()
        threading.setprofile(lambda *a: None)
        original = FarmServer._run

        def run_profiled(self: FarmServer) -> None:
            profiler.enable()
            original(self)

        FarmServer._run = run_profiled  # type: ignore[method-assign]

    def dump(*_args: object) -> None:
        if profile_to:
            profiler.disable()
            profiler.dump_stats(profile_to)
        if stats is not None and stats_to:
            Path(stats_to).write_text(json.dumps(stats.summary()))
        os._exit(0)

    if profile_to or stats_to:
        signal.signal(signal.SIGTERM, dump)
    if stats is not None:  # the benchmark's measured run begins
        signal.signal(signal.SIGUSR1, lambda *_a: stats.reset())
    # Every simulated node shares 127.0.0.1 here (and one client's pool of connections);
    # on a LAN each PC has its own address. Both per-address limits are lifted: with the
    # proven one (16) the 200 nodes' connections were dropped ("Server disconnected").
    server_module.ConnectionGuard = functools.partial(  # type: ignore[misc,assignment]
        ConnectionGuard, per_peer_proven=10_000)
    server = FarmServer(farm, 0, host="127.0.0.1", advertise=False, per_peer_unproven=10_000)
    port = server.start()
    # (after the farm's start, which may ask for the process itself)
    where, _, nice = judge_spec.partition(":")
    if nice:
        judging.JUDGE_NICE = int(nice)
    judging.use_process(where != "thread")
    print(f"PORT {port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
