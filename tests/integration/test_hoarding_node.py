"""One paired node cannot take the whole book (farm hardening, round two, finding 2).

A hoarder once took every unit left with 45 signed leases and, by beating on them
without speaking, held the farm up for 300 s (362 s instead of 25 s). Now a node holds
at most its current unit and the one leased ahead, and a holder that beats without
progress for longer than its speed explains loses its units to copies. The farm is
simulated on a fake clock through the real Farm (job store, scheduler, upload checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import MAX_UNITS_HELD, Farm
from e2a_node.client import CoordinatorClient
from e2a_node.protocol import LEASE_UNIT, Assignment, Capabilities
from tests.helpers.farm_fixtures import CODE, make_farm, small_book, speech_like_wav

CAPS = Capabilities("tester", "cpu", {"piper": ["en_US-joe-medium"]})
HONEST_CPS = 20.0
"""The honest node's speed: characters of text spoken per second."""
STEP_S = 0.25
BEAT_S = 2.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Honest:
    """Leases a unit, beats as it says each sentence, uploads it, asks for the next."""

    node: str = "node-honest01"
    unit: Assignment | None = None
    began: float = 0.0
    next_ask: float = 0.0
    next_beat: float = 0.0
    ends: list[float] = field(default_factory=list)  # when each sentence ends

    def step(self, farm: Farm, now: float, folder: Path) -> None:
        if self.unit is None:
            if now >= self.next_ask:
                self._ask(farm, now)
            return
        done = sum(1 for end in self.ends if end <= now)
        if now >= self.next_beat:
            self.next_beat = now + BEAT_S
            if not farm.heartbeat(self.node, self.unit.unit_id, done, len(self.ends)):
                self.unit = None  # done elsewhere: drop it
                return
        if done == len(self.ends):
            self._upload(farm, folder)

    def _ask(self, farm: Farm, now: float) -> None:
        answer = farm.lease(self.node, CAPS)
        if answer.status != LEASE_UNIT or answer.assignment is None:
            self.next_ask = now + answer.retry_after
            return
        self.unit, self.began, self.next_beat = answer.assignment, now, now
        self.ends, at = [], now
        for sentence in self.unit.sentences:
            at += (len(sentence) + 1) / HONEST_CPS
            self.ends.append(at)

    def _upload(self, farm: Farm, folder: Path) -> None:
        assert self.unit is not None
        seconds = (self.ends[-1] - self.began) * HONEST_CPS / 15  # 15 characters a second
        n = len(self.unit.sentences)
        tmp = folder / f"{self.unit.unit_id}.wav"
        tmp.write_bytes(speech_like_wav(seconds))
        farm.accept_upload(self.node, self.unit.unit_id, tmp,
                           [(seconds * i / n, seconds * (i + 1) / n) for i in range(n)])
        self.unit = None


@dataclass
class Hoarder:
    """Asks for units 45 at a time and beats on them without ever saying a sentence ended."""

    node: str = "node-hoarder1"
    held: dict[int, int] = field(default_factory=dict)  # unit id → its sentences
    next_beat: float = 0.0
    most_held: int = 0

    def step(self, farm: Farm, now: float) -> None:
        if now < self.next_beat:
            return
        self.next_beat = now + BEAT_S
        for unit_id, sentences in list(self.held.items()):
            if not farm.heartbeat(self.node, unit_id, 0, sentences):
                del self.held[unit_id]
        for _ in range(45):
            answer = farm.lease(self.node, CAPS)
            if answer.assignment is not None:
                self.held[answer.assignment.unit_id] = len(answer.assignment.sentences)
        self.most_held = max(self.most_held, len(self.held))


def _render(folder: Path, hoarder: Hoarder | None) -> tuple[float, float]:
    """(seconds the book took, the longest unit's time at the honest node's speed)."""
    clock = Clock()
    farm = make_farm(folder, clock=clock, unit_chars=600, book=small_book(4, 20))
    honest, start = Honest(), clock.now
    if hoarder is not None:
        hoarder.step(farm, clock.now)  # it asks first, and for everything
    longest = max(unit.chars for unit in farm.job.store.units()) / HONEST_CPS
    while not farm.scheduler.finished():
        assert clock.now - start < 3600, "the book never ended"
        honest.step(farm, clock.now, folder)
        if hoarder is not None:
            hoarder.step(farm, clock.now)
        farm.sweep()
        clock.now += STEP_S
    farm.job.close()
    return clock.now - start, longest


def test_a_hoarding_node_costs_the_farm_at_most_one_units_time(tmp_path: Path) -> None:
    alone, unit_time = _render(tmp_path / "alone", None)
    hoarder = Hoarder()
    hoarded, _ = _render(tmp_path / "hoarded", hoarder)
    assert hoarder.most_held <= MAX_UNITS_HELD
    assert hoarded - alone <= unit_time, (alone, hoarded, unit_time)
    print(f"\nalone {alone:.1f} s, with a hoarder {hoarded:.1f} s "
          f"(+{hoarded - alone:.1f} s; one unit: {unit_time:.1f} s)")


async def test_45_signed_leases_get_a_node_two_units(tmp_path: Path) -> None:
    """Over the real API: the rest of the book stays for the others."""
    farm = make_farm(tmp_path, book=small_book(4, 20))
    server = TestServer(create_app(farm))
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            client = CoordinatorClient(session, str(server.make_url("")), "node-hoard0001")
            client.secret = (await client.async_pair("hoarder", CODE)).secret
            units = [(await client.async_lease(CAPS)).assignment for _ in range(45)]
        assert len([u for u in units if u is not None]) == MAX_UNITS_HELD
        assert farm.job.store.counts()["pending"] > 0
    finally:
        await server.close()
        farm.job.close()
