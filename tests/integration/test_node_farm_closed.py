"""A farm that closes (the window shut mid-book) does not leave its nodes speaking for it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from e2a_desktop.farm.app import create_app
from e2a_node import worker as worker_module
from e2a_node.engines.base import Engine, EngineSettings
from e2a_node.state import NodeStatus
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import GateEngine
from tests.helpers.farm_fixtures import CODE, make_farm, tls_context
from tests.helpers.polling import async_until
from tests.helpers.recorder import StateRecorder


async def test_a_node_stops_speaking_soon_after_its_farm_stops_answering(
        tmp_path: Path, gate: type[GateEngine], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_module, "FARM_SILENT_S", 1.0)
    farm = make_farm(tmp_path / "farm", rate=GateEngine.RATE, lease_ttl=600)
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))

    def gated(voice: EngineSettings) -> Engine:
        engine = GateEngine()
        engine.load(voice)
        return engine

    states = StateRecorder()
    node = NodeWorker(NodeConfig(tmp_path / "node", name="kitchen",
                                 url=f"https://127.0.0.1:{server.port}", code=CODE),
                      engine_factory=gated, on_state=states)
    running = asyncio.create_task(node.async_run())
    try:
        await async_until(lambda: node.state.status is NodeStatus.SPEAKING, 30, "speaking")
        await server.close()  # the window closed; the voice is still inside its sentence
        await async_until(lambda: node.state.status is not NodeStatus.SPEAKING, 15,
                     "the node to stop speaking for a farm that is gone")
        assert not gate.opened.is_set()  # it stopped without the sentence ending
    finally:
        gate.open()
        node.stop()
        await asyncio.gather(running, return_exceptions=True)
        farm.job.close()
