"""A paired node auto-joins its farm by fingerprint, which is public: copycats get nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_node.client import CoordinatorClient
from e2a_node.discovery import Advertiser
from e2a_node.trust import TrustedCoordinator
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine, tone_voice
from tests.helpers.farm_fixtures import (
    CODE,
    copycat_app,
    impostor_tls_context,
    make_farm,
    tls_context,
)
from tests.helpers.recorder import StateRecorder


async def _wait_for(condition: object, seconds: float) -> None:
    for _ in range(int(seconds * 20)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_paired_node_passes_over_a_copycat_advert_and_works_for_its_farm(
        tmp_path: Path) -> None:
    farm = make_farm(tmp_path / "farm", rate=ToneEngine.RATE)
    real = TestServer(create_app(farm), host="127.0.0.1")
    await real.start_server(ssl=tls_context(farm))
    asked: list[str] = []
    copycat = TestServer(copycat_app(farm, asked), host="127.0.0.1")
    await copycat.start_server(ssl=impostor_tls_context(tmp_path / "impostor"))

    states = StateRecorder()
    worker = NodeWorker(NodeConfig(tmp_path / "node", name="pc2",
                                   mdns_interfaces=["127.0.0.1"], one_job=True),
                        engine_factory=tone_voice, on_state=states)
    async with aiohttp.ClientSession() as session:  # paired once, earlier, with the real farm
        paired = await CoordinatorClient(session, str(real.make_url("")),
                                         worker.identity.node_id).async_pair("pc2", CODE)
    worker.trust.remember(TrustedCoordinator(paired.coordinator_id, paired.fingerprint,
                                             paired.name, paired.secret, paired.certificate))

    ident = farm.identity
    fake_advert, real_advert = Advertiser(["127.0.0.1"]), Advertiser(["127.0.0.1"])
    await fake_advert.async_start(ident.name, copycat.port,
                                  ident.fingerprint)
    running = asyncio.create_task(worker.async_run())
    try:
        # The node tried the copycat first (it was alone) and its TLS pin failed at once.
        copycat_url = f"https://127.0.0.1:{copycat.port}"
        await _wait_for(lambda: any(copycat_url in s.last_error for s in states.seen), 20)
        await asyncio.sleep(3)  # long enough to come back to it, had it not been marked
        await real_advert.async_start(ident.name, real.port,
                                      ident.fingerprint)
        await asyncio.wait_for(running, 60)
    finally:
        worker.stop()
        await asyncio.gather(running, return_exceptions=True)
        await fake_advert.async_close()
        await real_advert.async_close()
        await copycat.close()
        await real.close()

    assert asked == []  # not one request reached it: not even a signed one to replay
    counts = farm.job.store.counts()
    assert counts["pending"] == counts["leased"] == 0 and counts["done"] > 0
    assert farm.nodes[worker.identity.node_id].units_done == counts["done"]
    farm.job.close()
