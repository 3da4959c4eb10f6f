"""A farm that appears while the node works for another is offered, and --code reaches it.

Household test: farm B restarted while den-pc worked for farm A; "Join the farm vm · C6MM…"
left the tray menu and never came back although B advertised, and --code never reached B.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_node.discovery import FarmAdvert
from e2a_node.farm_tag import farm_label
from e2a_node.joining import FarmFinder, FarmOffer
from e2a_node.protocol import PROTOCOL_VERSION
from e2a_node.trust import NodeIdentity, TrustStore
from tests.helpers.farm_fixtures import CODE, make_farm, tls_context

FARM_B = FarmAdvert("vm", 4711, "3f9c2a71d04be815", PROTOCOL_VERSION, ("127.0.0.1",))


class _Found:
    """The browser's view of the network, as FarmFinder reads it."""

    def __init__(self) -> None:
        self.found: dict[str, FarmAdvert] = {}

    async def async_close(self) -> None:
        pass


def _working(finder: FarmFinder, session: aiohttp.ClientSession | None) -> _Found:
    """The finder as it is while the node works for a farm: browsing, not finding."""
    found = _Found()
    finder._loop, finder._session = asyncio.get_running_loop(), session
    finder._browser = found  # type: ignore[assignment]
    return found


def test_a_farm_restarted_while_the_node_works_is_offered_again(tmp_path: Path) -> None:
    heard: list[tuple[FarmOffer, ...]] = []
    finder = FarmFinder(NodeIdentity.load(tmp_path / "node"), TrustStore(tmp_path / "t"),
                        mdns_interfaces=["127.0.0.1"], on_offer=heard.append)

    async def scenario() -> None:
        found = _working(finder, None)
        found.found["b"] = FARM_B  # B appears while the node works for A
        finder._on_adverts()
        assert [o.fingerprint for o in finder.offers] == [FARM_B.fingerprint]
        del found.found["b"]  # B restarts: its advert goes...
        finder._on_adverts()
        assert finder.offers == ()
        found.found["b"] = FARM_B  # ...and comes back
        finder._on_adverts()
        await finder.async_close()

    asyncio.run(scenario())
    b = farm_label(FARM_B.name, FARM_B.fingerprint)
    assert [[o.label for o in offers] for offers in heard][:3] == [[b], [], [b]]


async def test_the_code_reaches_a_farm_that_appears_while_the_node_works(
        tmp_path: Path) -> None:
    farm = make_farm(tmp_path / "b", name="vm")
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    assert server.port is not None
    trust = TrustStore(tmp_path / "t")
    finder = FarmFinder(NodeIdentity.load(tmp_path / "node"), trust, code=CODE,
                        mdns_interfaces=["127.0.0.1"])
    advert = FarmAdvert("vm", server.port, farm.identity.fingerprint, PROTOCOL_VERSION,
                        ("127.0.0.1",))
    try:
        async with aiohttp.ClientSession() as session:
            found = _working(finder, session)
            found.found["b"] = advert
            finder._on_adverts()
            assert finder._code_task is not None
            await asyncio.wait_for(finder._code_task, 20)
            await finder.async_close()
    finally:
        await server.close()
    assert trust.get(farm.identity.fingerprint) is not None  # paired: joined when next looked
