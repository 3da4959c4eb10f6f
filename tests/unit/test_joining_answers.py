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
