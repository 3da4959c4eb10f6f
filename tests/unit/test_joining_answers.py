"""A code typed for a farm always gets an answer: joined, wrong, or "did not answer"."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from e2a_node import joining
from e2a_node.discovery import FarmAdvert
from e2a_node.joining import FarmFinder, FarmOffer
from e2a_node.protocol import PROTOCOL_VERSION
from e2a_node.trust import NodeIdentity, TrustStore

FINGERPRINT = "3f9c2a71d04be815"


class _Found:
    """The browser's view of the network, as FarmFinder reads it."""

    def __init__(self, adverts: dict[str, FarmAdvert]) -> None:
        self.found = adverts

    async def async_close(self) -> None:
        pass


def test_a_farm_that_hangs_is_said_not_to_answer(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Household test: "Checking the code…" for 7 minutes on a farm that had closed."""
    monkeypatch.setattr(joining, "ANSWER_TIMEOUT_S", 0.5)
    heard: list[tuple[FarmOffer, ...]] = []

    async def scenario() -> str:
        held: list[asyncio.StreamWriter] = []

        async def hang(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            held.append(writer)  # accepts, never answers: a farm stuck on its way out

        server = await asyncio.start_server(hang, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        advert = FarmAdvert("kitchen", port, FINGERPRINT, PROTOCOL_VERSION, ("127.0.0.1",))
        told = asyncio.Event()

        def on_offer(offers: tuple[FarmOffer, ...]) -> None:
            heard.append(offers)
            if any(o.problem for o in offers):
                told.set()

        finder = FarmFinder(NodeIdentity.load(tmp_path / "node"), TrustStore(tmp_path / "t"),
                            mdns_interfaces=["127.0.0.1"], on_offer=on_offer)
        try:
            async with aiohttp.ClientSession() as session:
                # The node works for another farm: async_find is not running.
                finder._loop, finder._session = asyncio.get_running_loop(), session
                finder._browser = _Found({"kitchen": advert})  # type: ignore[assignment]
                finder._put_offer(FarmOffer("kitchen", FINGERPRINT, advert.url))
                finder.answer(FINGERPRINT, "123456")
                await asyncio.wait_for(told.wait(), 10)
                problem = heard[-1][0].problem
                await finder.async_close()
        finally:
            for writer in held:
                writer.close()
            server.close()
        return problem

    assert asyncio.run(scenario()) == "kitchen did not answer: it may have closed"


def test_a_code_every_farm_refused_is_said_not_left_to_silence(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Household test: a headless node with a wrong --code said "refused the code" for each
    farm, then nothing for 50 s. It says once that no farm took the code."""
    advert = FarmAdvert("kitchen", 1, FINGERPRINT, PROTOCOL_VERSION, ("127.0.0.1",))
    finder = FarmFinder(NodeIdentity.load(tmp_path / "node"), TrustStore(tmp_path / "t"),
                        code="123456", mdns_interfaces=["127.0.0.1"])
    finder._code_refused.add(advert.url)  # it tried, and this farm said "wrong code"

    async def step() -> None:
        async with aiohttp.ClientSession() as session:
            for _ in range(2):
                await finder._async_step(session, [advert])

    with caplog.at_level("WARNING", logger="e2a_node.joining"):
        asyncio.run(step())
    said = [r.getMessage() for r in caplog.records if "took the code" in r.getMessage()]
    assert said == ["no farm on the network took the code given (1 tried); check the code "
                    "the desktop window shows, or wait for the farm it belongs to"]
