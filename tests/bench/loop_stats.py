"""What the coordinator's event loop went through in a benchmark: where a lease's tail comes from.

Installed into the benchmark's coordinator process (coordinator_proc.py, with
E2A_BENCH_STATS set) before the server starts. It records, cheaply enough to leave
the figures as they were:

* loop lag: a task asks to wake every 5 ms and notes how late it woke (a lease that
  arrives meanwhile waits as long);
* slow callbacks: every loop step over 10 ms, with what it ran;
* garbage collections: count and time per generation (they hold every thread);
* TLS handshakes: connections accepted and the time their handshakes took, to tell
  reconnections from keep-alive;
* server time per route (request in to answer out, on the coordinator), a lease from
  the probe apart, and how long store calls queued for the store thread;
* CPU per thread, from /proc, at the end (and the upload judge's process's, if any).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import os
import threading
import time
from asyncio import events
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from e2a_desktop.farm import app as app_module
from e2a_desktop.farm import judging
from e2a_desktop.farm import server as server_module
from e2a_desktop.farm.server import FarmServer
from e2a_node.protocol import NODE_HEADER

TICK_S = 0.005
SLOW_S = 0.010
PROBE_NODE = "node-probe0001"


def _summary(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"n": 0}
    ms = sorted(ms)

    def pick(p: int) -> float:
        return ms[min(len(ms) - 1, int(len(ms) * p / 100))]

    return {"n": len(ms), "p50": pick(50), "p95": pick(95), "p99": pick(99), "max": ms[-1],
            "sum": sum(ms)}


class LoopStats:
    """Collects the figures above; ``summary`` gives them as plain JSON."""

    def __init__(self) -> None:
        self.lag_ms: list[float] = []
        self.began = time.perf_counter()
        self.late_at: collections.Counter[int] = collections.Counter()
        self.slow: list[tuple[float, str]] = []
        self.gc_ms: dict[int, list[float]] = collections.defaultdict(list)
        self._gc_began = 0.0
        self.handshake_ms: list[float] = []
        self.handshake_failed = 0
        self.route_ms: dict[str, list[float]] = collections.defaultdict(list)
        self.store_wait_ms: list[float] = []
        self.store_run_ms: dict[str, list[float]] = collections.defaultdict(list)
        self.loop_thread = 0
        self.cpu_before: dict[str, float] = {}

    @classmethod
    def install(cls) -> LoopStats:
        stats = cls()
        stats._hook_loop()
        stats._hook_gc()
        stats._hook_handshakes()
        stats._hook_routes()
        stats._hook_store()
        return stats

    def _hook_loop(self) -> None:
        original_main = FarmServer._async_main
        stats = self

        async def main(server: FarmServer) -> None:
            stats.loop_thread = threading.get_native_id()
            ticker = asyncio.create_task(stats._tick())
            try:
                await original_main(server)
            finally:
                ticker.cancel()

        FarmServer._async_main = main  # type: ignore[method-assign,assignment]
        original_run = events.Handle._run

        def run(handle: events.Handle) -> None:
            began = time.perf_counter()
            original_run(handle)
            took = time.perf_counter() - began
            if took > SLOW_S:
                self.slow.append((took * 1000, _what(handle)))

        events.Handle._run = run  # type: ignore[method-assign,assignment]

    async def _tick(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(TICK_S)
            now = time.perf_counter()
            lag = max(0.0, (now - asked - TICK_S) * 1000)
            self.lag_ms.append(lag)
            if lag > 20:
                self.late_at[int(now - self.began)] += 1

    def _hook_gc(self) -> None:
        def note(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                self._gc_began = time.perf_counter()
            else:
                self.gc_ms[info["generation"]].append(
                    (time.perf_counter() - self._gc_began) * 1000)

        gc.callbacks.append(note)

    def _hook_handshakes(self) -> None:
        original = FarmServer._async_serve
        stats = self

        async def serve(server: FarmServer, loop: asyncio.AbstractEventLoop,
                        factory: web.Server, sock: Any) -> None:
            began = time.perf_counter()
            before = len(server._transports)
            await original(server, loop, factory, sock)
            if len(server._transports) > before or sock.fileno() != -1:
                stats.handshake_ms.append((time.perf_counter() - began) * 1000)
            else:
                stats.handshake_failed += 1

        FarmServer._async_serve = serve  # type: ignore[method-assign,assignment]

    def _hook_routes(self) -> None:
        original = server_module.create_app
        stats = self

        @web.middleware
        async def timed(request: web.Request,
                        handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                        ) -> web.StreamResponse:
            began = time.perf_counter()
            try:
                return await handler(request)
            finally:
                resource = request.match_info.route.resource
                route = resource.canonical.rsplit("/", 1)[-1] if resource else "?"
                if request.headers.get(NODE_HEADER) == PROBE_NODE:
                    route = f"probe {route}"
                stats.route_ms[route].append((time.perf_counter() - began) * 1000)

        def create_app(*args: Any, **kwargs: Any) -> web.Application:
            app = original(*args, **kwargs)
            app.middlewares.insert(0, timed)
            return app

        server_module.create_app = create_app

    def _hook_store(self) -> None:
        original = app_module._in_store_thread
        stats = self

        async def in_store_thread(request: web.Request, call: Callable[..., Any],
                                  *args: Any) -> Any:
            asked = time.perf_counter()

            def timed(*a: Any) -> Any:
                began = time.perf_counter()
                stats.store_wait_ms.append((began - asked) * 1000)
                try:
                    return call(*a)
                finally:
                    stats.store_run_ms[getattr(call, "__name__", "?")].append(
                        (time.perf_counter() - began) * 1000)

            return await original(request, timed, *args)

        app_module._in_store_thread = in_store_thread

    def reset(self) -> None:
        """Forget what came before (start-up, pairing): the measured run starts now."""
        self.lag_ms.clear()
        self.began = time.perf_counter()
        self.late_at.clear()
        self.slow.clear()
        self.gc_ms.clear()
        self.handshake_ms.clear()
        self.handshake_failed = 0
        self.route_ms.clear()
        self.store_wait_ms.clear()
        self.store_run_ms.clear()
        self.cpu_before = _threads_cpu(self.loop_thread)

    def summary(self) -> dict[str, Any]:
        lag = self.lag_ms
        slow = sorted(self.slow, reverse=True)
        kinds: collections.Counter[str] = collections.Counter()
        kinds_ms: dict[str, float] = collections.defaultdict(float)
        for took, what in slow:
            kinds[what] += 1
            kinds_ms[what] += took
        costliest = sorted(kinds_ms, key=lambda k: -kinds_ms[k])[:12]
        return {
            "lag": {**_summary(lag), "over_20ms_by_second": sorted(self.late_at.items()),
                    "over_20ms": sum(1 for x in lag if x > 20),
                    "over_50ms": sum(1 for x in lag if x > 50)},
            "slow_callbacks": {"n": len(slow), "ms": sum(t for t, _ in slow),
                               "top": [(round(t, 1), w) for t, w in slow[:15]],
                               "by_kind": [(w, kinds[w], round(kinds_ms[w], 1))
                                           for w in costliest]},
            "gc": {str(g): _summary(v) for g, v in sorted(self.gc_ms.items())},
            "handshakes": {**_summary(self.handshake_ms), "failed": self.handshake_failed},
            "routes": {k: _summary(v) for k, v in sorted(self.route_ms.items())},
            "store_wait": _summary(self.store_wait_ms),
            "store_run": {k: _summary(v) for k, v in sorted(self.store_run_ms.items())},
            "threads_cpu_s": {k: round(v - self.cpu_before.get(k, 0.0), 2)
                              for k, v in _threads_cpu(self.loop_thread).items()},
        }


def _what(handle: events.Handle) -> str:
    """A short name for what a loop step ran (a task's coroutine, or a callback)."""
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        frame = getattr(coro, "cr_frame", None)
        where = f" at line {frame.f_lineno}" if frame is not None else ""
        return f"task {getattr(coro, '__qualname__', coro)}{where}"
    return repr(callback)[:120]


def _threads_cpu(loop_thread: int) -> dict[str, float]:
    """CPU seconds (user + system) each thread of this process used, by name."""
    tick = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name.split("_")[0] for t in threading.enumerate()}
    found: dict[str, float] = collections.defaultdict(float)
    for task in Path("/proc/self/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = "event loop" if int(task.name) == loop_thread else \
            names.get(int(task.name), f"{name} (gone)")
        found[name] += (int(fields[11]) + int(fields[12])) / tick
    judge = judging.judge_pid()  # the upload judge's own process, when it has one
    if judge is not None:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{judge}/stat").read_text().rsplit(")", 1)[1].split()
            found["judge process"] = (int(fields[11]) + int(fields[12])) / tick
    return {k: round(v, 2) for k, v in sorted(found.items(), key=lambda kv: -kv[1])}


def describe(summary: dict[str, Any]) -> str:
    """The summary as a few lines for the benchmark's output."""
    lag, gcs, hs = summary["lag"], summary["gc"], summary["handshakes"]
    lines = [f"loop lag (5 ms ticks): p50 {lag.get('p50', 0):.1f} ms, p99 {lag.get('p99', 0):.1f}"
             f" ms, max {lag.get('max', 0):.0f} ms, {lag['over_20ms']} over 20 ms, "
             f"{lag['over_50ms']} over 50 ms; over 20 ms by second: "
             + " ".join(f"{t}s:{n}" for t, n in lag["over_20ms_by_second"]),
             f"slow loop steps (>10 ms): {summary['slow_callbacks']['n']}, "
             f"{summary['slow_callbacks']['ms']:.0f} ms in all; by kind: "
             + "; ".join(f"{w} x{n} {ms:.0f} ms"
                         for w, n, ms in summary["slow_callbacks"]["by_kind"][:5]),
             "gc: " + ", ".join(f"gen{g} x{s['n']} max {s.get('max', 0):.1f} ms sum "
                                f"{s.get('sum', 0):.0f} ms" for g, s in gcs.items()),
             f"TLS handshakes: {hs['n']} (p50 {hs.get('p50', 0):.1f} ms, max "
             f"{hs.get('max', 0):.0f} ms), {hs['failed']} failed",
             "server time: " + "; ".join(
                 f"{r} n{s['n']} p50 {s.get('p50', 0):.1f} p99 {s.get('p99', 0):.1f} max "
                 f"{s.get('max', 0):.0f}" for r, s in summary["routes"].items()),
             f"store queue wait: p50 {summary['store_wait'].get('p50', 0):.1f} p99 "
             f"{summary['store_wait'].get('p99', 0):.1f} max "
             f"{summary['store_wait'].get('max', 0):.0f} ms; store calls: " + "; ".join(
                 f"{r} p50 {s.get('p50', 0):.2f} p99 {s.get('p99', 0):.1f}"
                 for r, s in summary["store_run"].items()),
             "thread CPU s: " + ", ".join(f"{k} {v}" for k, v in
                                          list(summary["threads_cpu_s"].items())[:8])]
    return "\n".join(lines)
