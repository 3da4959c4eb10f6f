"""A pairing moment adds a one-time code; the farm's standing code keeps working beside it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.pairing import MAX_GUESSES_PER_PEER
from e2a_desktop.loglines import log_line
from e2a_node.client import CoordinatorClient, RequestRefused
from e2a_node.protocol import CODE_USED
from tests.helpers.farm_fixtures import CODE, make_farm


@asynccontextmanager
async def _served(farm: Farm) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """The farm's app on loopback: a client session and the farm's address; closed after."""
    server = TestServer(create_app(farm))
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            yield session, str(server.make_url(""))
    finally:
        await server.close()
        farm.job.close()


async def test_both_codes_pair_while_a_moment_is_open(tmp_path: Path) -> None:
    farm = make_farm(tmp_path)
    moment = farm.pairing.open_moment()
    async with _served(farm) as (session, url):
        standing = CoordinatorClient(session, url, "node-standing1")
        paired = await standing.async_pair("laptop", CODE)  # was: 403 "wrong farm code"
        assert farm.pairing.knows("node-standing1") and paired.secret
        one_time = CoordinatorClient(session, url, "node-onetime01")
        await one_time.async_pair("desk", moment.code)
        assert farm.pairing.knows("node-onetime01")
        guesser = CoordinatorClient(session, url, "node-guesser01")
        with pytest.raises(RequestRefused) as info:
            await guesser.async_pair("guesser", "000000" if CODE != "000000" else "111111")
        assert info.value.status == 403
        assert not farm.pairing.knows("node-guesser01")


async def test_an_address_guessing_during_a_moment_still_has_its_own_budget_only(
        tmp_path: Path) -> None:
    """Answering for two codes must not buy a guesser more attempts: 5 a minute per address."""
    farm = make_farm(tmp_path)
    farm.pairing.open_moment()
    async with _served(farm) as (session, url):
        client = CoordinatorClient(session, url, "node-guess0001")
        for _ in range(MAX_GUESSES_PER_PEER):
            with pytest.raises(RequestRefused) as info:
                await client.async_pair("guesser", "000000")
            assert info.value.status == 403
        with pytest.raises(RequestRefused) as info:
            await client.async_pair("guesser", CODE)
        assert info.value.status == 429


async def test_a_one_time_code_used_again_is_told_apart_from_a_wrong_one(
        tmp_path: Path) -> None:
    """Household test: the second PC given the desktop's one-time code heard "wrong farm
    code" though it typed exactly what the window showed; now it hears that the code
    was used, and the farm's log says so too. It still pairs nobody."""
    farm = make_farm(tmp_path)
    said: list[str] = []
    farm.emit = lambda event: said.append(log_line(event))
    moment = farm.pairing.open_moment()
    async with _served(farm) as (session, url):
        await CoordinatorClient(session, url, "node-first0001").async_pair("desk", moment.code)
        second = CoordinatorClient(session, url, "node-second001")
        with pytest.raises(RequestRefused) as info:
            await second.async_pair("kitchen", moment.code)
        assert (info.value.status, info.value.reason) == (410, CODE_USED)
        assert not farm.pairing.knows("node-second001")
        assert any(line.startswith("kitchen") and line.endswith(
            "tried to pair with the one-time code already used") for line in said), said
        with pytest.raises(RequestRefused) as info:  # a wrong code is still just wrong
            await second.async_pair("kitchen", "000000" if CODE != "000000" else "111111")
        assert info.value.status == 403
        await second.async_pair("kitchen", CODE)  # the standing code still pairs it
        assert farm.pairing.knows("node-second001")
