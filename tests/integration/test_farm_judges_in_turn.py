"""Uploads are judged one at a time, and leases are answered meanwhile.

The judge is numpy in many small steps that each hold the GIL: six uploads judged at
once (asyncio's default pool on two cores) took the GIL from the farm's event loop in
turns, and with 200 nodes a lease waited hundreds of ms behind them.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_node.client import CoordinatorClient
from e2a_node.protocol import Capabilities
from tests.helpers.farm_fixtures import CODE, make_farm, speech_like_wav
from tests.helpers.polling import async_until

CAPS = Capabilities("tester", "cpu", {"piper": ["en_US-joe-medium"]})


async def test_uploads_are_judged_in_turn_while_leases_are_answered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    farm = make_farm(tmp_path)
    release = threading.Event()
    judging: list[int] = []  # uploads being judged now
    most = 0
    accept = farm.accept_upload

    def slow_accept(*args: Any) -> Any:
        nonlocal most
        judging.append(1)
        most = max(most, len(judging))
        try:
            release.wait(30)  # a judge that takes its time
            return accept(*args)
        finally:
            judging.pop()

    monkeypatch.setattr(farm, "accept_upload", slow_accept)
    server = TestServer(create_app(farm))
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            clients = []
            for i in range(3):
                client = CoordinatorClient(session, str(server.make_url("")), f"node-turn{i:04d}")
                client.secret = (await client.async_pair(f"n{i}", CODE)).secret
                clients.append(client)
            uploads, received = [], []
            for i, client in enumerate(clients[:2]):
                unit = (await client.async_lease(CAPS)).assignment
                assert unit is not None
                n, d = len(unit.sentences), len(" ".join(unit.sentences)) / 15
                wav = speech_like_wav(d)
                received.append((farm.upload_tmp(unit.unit_id, f"node-turn{i:04d}"), len(wav)))
                uploads.append(asyncio.create_task(client.async_upload(
                    unit.unit_id, wav, [(k * d / n, (k + 1) * d / n) for k in range(n)])))
            await async_until(lambda: all(p.exists() and p.stat().st_size == size
                                          for p, size in received), 10,
                              "both uploads to arrive")
            # One is judged, the other waits its turn; a third node is answered meanwhile.
            lease = await asyncio.wait_for(clients[2].async_lease(CAPS), 10)
            assert lease.assignment is not None
            assert len(judging) == 1
            release.set()
            answers = await asyncio.gather(*uploads)
        assert all(a.accepted for a in answers)
        assert most == 1
    finally:
        release.set()
        await server.close()
        farm.job.close()
