"""A node run with ``e2a-node --max-speed`` asks for its next unit as its hold ends.

Its voice says a unit in a moment, then it holds the audio until the unit took the
capped time. Asked for as the last sentence began (as a free-running node does), its
next unit lay unspoken, kept from faster nodes, for the whole hold; and asked for
before the farm had any of its audio, the farm took it for as fast as its voice.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_node.worker import HOLD_ASK_LEAD_S, NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine
from tests.helpers.farm_fixtures import CODE, make_farm, small_book, tls_context
from tests.helpers.polling import async_until

MAX_SPEED = 4.0
"""ToneEngine speaks at once; a unit of about 130 characters (8.6 s of audio) is held
for about 2 s."""
SLACK_S = 0.6
"""Round trips, the upload and the judge on a busy host."""


async def test_a_held_node_asks_for_its_next_unit_as_its_hold_ends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    farm = make_farm(tmp_path / "farm", rate=ToneEngine.RATE, book=small_book(1, 8))
    leased: list[float] = []  # when the farm gave the node a unit
    answered: list[float] = []  # when the farm had checked and kept a unit's audio
    lease, accept = farm.lease, farm.accept_upload

    def lease_noted(*args: Any) -> Any:
        answer = lease(*args)
        if answer.assignment is not None:
            leased.append(time.monotonic())
        return answer

    def accept_noted(*args: Any) -> Any:
        result = accept(*args)
        answered.append(time.monotonic())
        return result

    monkeypatch.setattr(farm, "lease", lease_noted)
    monkeypatch.setattr(farm, "accept_upload", accept_noted)
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))

    def tone(voice: Any) -> ToneEngine:
        engine = ToneEngine()
        engine.load(voice)
        return engine

    node = NodeWorker(NodeConfig(tmp_path / "node", name="capped", one_job=True,
                                 url=f"https://127.0.0.1:{server.port}", code=CODE,
                                 max_speed=MAX_SPEED), engine_factory=tone)
    running = asyncio.create_task(node.async_run())
    try:
        await async_until(lambda: len(answered) >= 3, 60, "three held units to be done")
    finally:
        node.stop()
        await asyncio.gather(running, return_exceptions=True)
        await server.close()
        farm.job.close()
    # Its first unit: the next is asked for once the farm has its audio (and so its pace).
    assert leased[1] >= answered[0]
    # After that, near the end of each hold, not as the unit's last sentence began (a
    # hold earlier: about 2 s before its audio was in).
    for k in range(2, len(answered)):
        assert leased[k] > answered[k - 1] - HOLD_ASK_LEAD_S - SLACK_S, (leased, answered)
