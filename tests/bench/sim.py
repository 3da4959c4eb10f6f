"""Simulated nodes for the farm benchmarks: real NodeWorker, simulated engine speed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from e2a_node.engines.base import Engine, LoadProgress, Speech, VoiceInfo
from e2a_node.settings import EngineSettings

AUDIO_CHARS_PER_SECOND = 15.0  # how long the simulated speech is, per character


@dataclass(frozen=True)
class NodeProfile:
    """A node's speed (× the base rate), and when it slows down or dies (seconds)."""

    name: str
    speed: float
    slow_at: float | None = None
    slow_factor: float = 1.0
    die_at: float | None = None

    def speed_at(self, t: float) -> float:
        if self.die_at is not None and t >= self.die_at:
            return 0.0
        if self.slow_at is not None and t >= self.slow_at:
            return self.speed / self.slow_factor
        return self.speed

    def work_done(self, until: float, base_cps: float) -> float:
        """Characters this node could speak from 0 to ``until`` (piecewise-constant speed)."""
        end = min(until, self.die_at if self.die_at is not None else until)
        fast_end = min(end, self.slow_at if self.slow_at is not None else end)
        slow = max(0.0, end - fast_end) * self.speed / self.slow_factor
        return (fast_end * self.speed + slow) * base_cps


class SimulatedEngine(Engine):
    """Sleeps as long as a node of the given speed would take, returns a tone."""

    name = "sim"

    def __init__(self, profile: NodeProfile, t0: float, base_cps: float, rate: int) -> None:
        self.profile, self.t0, self.base_cps, self.rate = profile, t0, base_cps, rate

    @classmethod
    def list_voices(cls, voices_dir: Path | None) -> list[VoiceInfo]:
        return []

    def load(self, settings: EngineSettings, progress: LoadProgress | None = None) -> None:
        pass

    def speak(self, text: str) -> Speech:
        speed = self.profile.speed_at(time.monotonic() - self.t0) or self.profile.speed
        time.sleep(len(text) / (self.base_cps * speed))
        n = int(len(text) / AUDIO_CHARS_PER_SECOND * self.rate)
        t = np.arange(n) / self.rate
        return Speech((np.sin(2 * np.pi * 200 * t) * 9000).astype(np.int16), self.rate)

    @property
    def sample_rate(self) -> int:
        return self.rate


def start_coordinator(folder: Path, chapters: int, chapter_chars: int, unit_chars: int,
                      ttl: float, rate: int) -> tuple[subprocess.Popen[str], int]:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.coordinator_proc", str(folder), str(chapters),
         str(chapter_chars), str(unit_chars), str(ttl), str(rate)],
        stdout=subprocess.PIPE, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("PORT "), line
    return proc, int(line.split()[1])


def stop_coordinator(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def round_robin_makespan(chapter_chars: list[int], profiles: list[NodeProfile],
                         base_cps: float, step: float = 0.01) -> float:
    """Baseline: whole chapters dealt round-robin; a dead node's chapters go to whoever is free.

    A time-stepped simulation with the same speed profiles as the real run.
    """
    queues = [[c for i, c in enumerate(chapter_chars) if i % len(profiles) == n]
              for n in range(len(profiles))]
    remaining = [q.pop(0) if q else 0.0 for q in queues]
    orphans: list[float] = []
    t = 0.0
    while any(r > 0 for r in remaining) or any(queues) or orphans:
        for n, profile in enumerate(profiles):
            speed = profile.speed_at(t)
            if speed == 0 and (remaining[n] > 0 or queues[n]):  # died: chapters re-dealt
                orphans += [float(c) for c in queues[n]]
                if remaining[n] > 0:
                    orphans.append(float(next(c for c in chapter_chars if c >= remaining[n])))
                queues[n], remaining[n] = [], 0.0
                continue
            if remaining[n] <= 0:
                if queues[n]:
                    remaining[n] = queues[n].pop(0)
                elif orphans and speed > 0:
                    remaining[n] = orphans.pop(0)
            if remaining[n] > 0:
                remaining[n] -= speed * base_cps * step
        t += step
        if t > 10_000:
            return float("inf")
    return t


def lower_bound(total_chars: float, max_unit: float, profiles: list[NodeProfile],
                base_cps: float) -> float:
    """Earliest time the farm's capacity covers the work, plus one unit on the fastest node."""
    t, step = 0.0, 0.01
    while sum(p.work_done(t, base_cps) for p in profiles) < total_chars:
        t += step
    fastest = max(p.speed for p in profiles)
    return t + max_unit / (base_cps * fastest)


async def wait_until(predicate: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise TimeoutError
