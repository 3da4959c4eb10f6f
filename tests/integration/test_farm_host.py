"""A farm that outlives one book: nodes pair before a book starts and stay between books."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import ConvertRequest, FarmOptions, prepare
from e2a_desktop.eventbus import EventBus
from e2a_desktop.events import JobFinished, NodeChanged, NodePaired, UnitFinished
from e2a_desktop.farm.host import FarmHost
from e2a_desktop.plan import PlanSettings
from e2a_desktop.service import FINISHED, Conversion
from e2a_node.engines import register_engine, unregister_engine
from e2a_node.runner import NodeRunner
from e2a_node.settings import EngineSettings
from e2a_node.state import NodeStatus
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine
from tests.helpers.recorder import Recorder, StateRecorder

SENTENCE = "A farm of two PCs reads this sentence aloud, one piece at a time."


@pytest.fixture
def tone() -> Iterator[None]:
    register_engine("tone", ToneEngine)
    yield
    unregister_engine("tone")


def _book(path: Path, chapters: int) -> Path:
    path.write_text("A Book\n\n" + "".join(
        f"Chapter {n}\n\n{' '.join([SENTENCE] * 5)}\n\n" for n in range(1, chapters + 1)),
        encoding="utf-8")
    return path


def _ready(node: str):  # type: ignore[no-untyped-def]
    return lambda evs: any(isinstance(e, NodeChanged) and e.node == node and e.state == "ready"
                           for e in evs)


def test_a_node_pairs_before_any_book_and_stays_for_the_next(tone: None, tmp_path: Path) -> None:
    paths = AppPaths.load()
    bus, seen = EventBus(), Recorder()
    bus.subscribe(seen)
    host = FarmHost(paths, FarmOptions(code="482913", mdns_interfaces=["127.0.0.1"]),
                    emit=bus.emit)
    info = host.start()
    assert info is not None and info.code == "482-913"
    states = StateRecorder()
    worker = NodeWorker(NodeConfig(tmp_path / "node", name="pc2",
                                   url=f"http://127.0.0.1:{info.port}", code="482913"),
                        on_state=states)
    node = NodeRunner(worker)
    node.start()
    try:
        seen.wait_kind(NodePaired)
        me = worker.identity.node_id
        seen.wait_for(_ready(me), what="the node shown as ready, no book yet")
        mark = states.wait(NodeStatus.READY)

        for n, chapters in enumerate((2, 3), start=1):
            request = ConvertRequest(_book(tmp_path / f"book{n}.txt", chapters),
                                     tmp_path / f"book{n}.m4b",
                                     voice=EngineSettings(engine="tone", voice="beep",
                                                          language="en"),
                                     plan=PlanSettings(target_chars=70, max_chars=300),
                                     farm=FarmOptions(wait_nodes=1))
            conversion = Conversion(prepare(request), paths, bus=bus, host=host)
            outcome = conversion.run()
            assert outcome.state == FINISHED, outcome
            assert (tmp_path / f"book{n}.m4b").exists()
            seen.wait_kind(JobFinished, n)
            mark = states.wait(NodeStatus.READY, mark)  # the node itself knows it is ready
            seen.wait_for(_ready(me), what=f"the node ready again after book {n}")
        by_node = {e.node for e in seen.of(UnitFinished) if e.accepted}
        assert me in by_node, "the paired node spoke units (it leased first while we waited)"
        assert len(seen.of(NodePaired)) == 1, "paired once, for both books"
    finally:
        node.stop()
        host.stop()
        bus.close()
