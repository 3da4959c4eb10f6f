"""A book converted by a farm whose only speaker is one LAN node (a real NodeWorker over TLS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import ConvertRequest, FarmOptions, prepare
from e2a_desktop.eventbus import EventBus
from e2a_desktop.plan import PlanSettings
from e2a_desktop.service import FINISHED, Conversion
from e2a_node.runner import NodeRunner
from e2a_node.settings import EngineSettings
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.recorder import Recorder

CODE = "482913"


def convert_on_one_lan_node(book: Path, out: Path, voice: EngineSettings, node_data: Path,
                            farm_name: str, plan: PlanSettings | None = None,
                            timeout: float = 120, **node: Any) -> tuple[Recorder, str]:
    """Convert with the built-in node off, so the LAN node speaks every unit.

    Returns the events the conversion published and the node's id; ``node`` options
    go to its NodeConfig (name, get_voices…).
    """
    request = ConvertRequest(book, out, voice=voice, plan=plan or PlanSettings(),
                             farm=FarmOptions(code=CODE, wait_nodes=1,
                                              mdns_interfaces=["127.0.0.1"], name=farm_name))
    bus, seen = EventBus(), Recorder()
    bus.subscribe(seen)
    conversion = Conversion(prepare(request), AppPaths.load(), bus=bus, local_node=False)
    conversion.start()
    info = conversion.farm_info
    assert info is not None
    worker = NodeWorker(NodeConfig(node_data, code=CODE, url=f"https://127.0.0.1:{info.port}",
                                   **{"name": "pc2", **node}))
    runner = NodeRunner(worker)
    runner.start()
    try:
        outcome = conversion.wait(timeout=timeout)
        assert outcome is not None and outcome.state == FINISHED, outcome
    finally:
        runner.stop()
        bus.close()
    return seen, worker.identity.node_id
