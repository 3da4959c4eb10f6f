"""Every farm on the network this node is not paired with is offered, not just the first."""

from __future__ import annotations

import asyncio
from pathlib import Path

from e2a_node.discovery import FarmAdvert
from e2a_node.joining import FarmFinder, FarmOffer
from e2a_node.protocol import PROTOCOL_VERSION
from e2a_node.trust import NodeIdentity, TrustStore

STUDY = FarmAdvert("study", 4711, "3f9c2a71d04be815", PROTOCOL_VERSION, ("127.0.0.1",))
ATTIC = FarmAdvert("attic", 4712, "9a0b1c2d3e4f5061", PROTOCOL_VERSION, ("127.0.0.1",))


def _finder(tmp_path: Path, heard: list[tuple[FarmOffer, ...]]) -> FarmFinder:
    return FarmFinder(NodeIdentity.load(tmp_path / "node"), TrustStore(tmp_path / "trust"),
                      mdns_interfaces=["127.0.0.1"], on_offer=heard.append)


def _step(finder: FarmFinder, adverts: list[FarmAdvert]) -> None:
    async def step() -> None:
        assert await finder._async_step(None, adverts) is None  # type: ignore[arg-type]

    asyncio.run(step())


def test_two_strangers_are_both_offered_and_each_leaves_on_its_own(tmp_path: Path) -> None:
    heard: list[tuple[FarmOffer, ...]] = []
    finder = _finder(tmp_path, heard)
    _step(finder, [STUDY, ATTIC])
    assert [o.name for o in heard[-1]] == ["study", "attic"]
    _step(finder, [STUDY, ATTIC])  # the same farms again: nothing new to say
    assert len(heard) == 1
    finder.answer(STUDY.fingerprint, None)  # "not now" for the study farm
    _step(finder, [STUDY, ATTIC])
    assert [o.name for o in heard[-1]] == ["attic"]
    _step(finder, [STUDY])  # the attic farm left the network
    assert heard[-1] == ()
