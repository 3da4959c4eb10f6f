"""A voice that loads for longer than a lease does not make the farm list the node as gone."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_desktop.farm.farm import NodeState
from e2a_node import worker as worker_module
from e2a_node.engines.base import Engine, EngineSettings
from e2a_node.state import NodeStatus
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine
from tests.helpers.farm_fixtures import CODE, make_farm, tls_context
from tests.helpers.polling import async_until
from tests.helpers.recorder import StateRecorder


class _Clock:
    """The farm's clock, moved by the test: a minute of loading takes no minute."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now



async def test_a_node_loading_a_slow_voice_stays_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_module, "LOAD_KEEPALIVE_S", 0.1)
    clock = _Clock()
    farm = make_farm(tmp_path / "farm", clock=clock, rate=ToneEngine.RATE, lease_ttl=30)
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    loaded = threading.Event()

    def slow_voice(voice: EngineSettings) -> Engine:
        loaded.wait(60)  # XTTS-v2 on a slow CPU: over a minute
        engine = ToneEngine()
        engine.load(voice)
        return engine

    states = StateRecorder()
    node = NodeWorker(NodeConfig(tmp_path / "node", name="slow-pc",
                                 url=f"https://127.0.0.1:{server.port}", code=CODE),
                      engine_factory=slow_voice, on_state=states)
    running = asyncio.create_task(node.async_run())
    try:
        await async_until(lambda: any(s.status is NodeStatus.LOADING for s in states.seen), 30,
                     "the node to load its voice")
        stats = farm.nodes[node.identity.node_id]
        for _minute in range(3):  # three leases' length of loading, 30 s at a time
            clock.now += 30
            await async_until(lambda: stats.last_seen == clock.now, 10,
                         "the loading node to be heard from")
            farm.sweep()
            assert stats.state is not NodeState.GONE
        loaded.set()
        await async_until(lambda: stats.units_done > 0, 30, "the node to speak once loaded")
    finally:
        loaded.set()
        node.stop()
        await asyncio.gather(running, return_exceptions=True)
        await server.close()
        farm.job.close()
