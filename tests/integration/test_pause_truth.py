"""Pause means the farm stops speaking within about a sentence, and says so truthfully."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from e2a_desktop.config import AppPaths
from e2a_desktop.convert import ConvertRequest, prepare
from e2a_desktop.events import (
    Event,
    NodeChanged,
    Paused,
    UnitFinished,
    UnitRequeued,
    UnitStarted,
)
from e2a_desktop.localnode import LOCAL_NODE
from e2a_desktop.plan import PlanSettings
from e2a_desktop.service import FINISHED, Conversion
from e2a_node.engines import register_engine
from e2a_node.engines.base import Speech
from e2a_node.protocol import LEASE_UNIT, LEASE_WAIT, Capabilities
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import Recorder

SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."
GHOST = "lan-node-0001"
CAPS = Capabilities("laptop", "cpu", {"gate": ["gate"]})


class WatchedGate(GateEngine):
    """The gate voice, which also says when a sentence has begun (and waits at the gate)."""

    speaking = threading.Event()
    begun = 0  # sentences begun
    changed = threading.Condition()

    def speak(self, text: str) -> Speech:
        with self.changed:
            type(self).begun += 1
            self.changed.notify_all()
        self.speaking.set()
        return super().speak(text)


@pytest.fixture
def watched(gate: type[GateEngine]) -> Iterator[type[WatchedGate]]:
    WatchedGate.speaking, WatchedGate.begun = threading.Event(), 0
    register_engine("gate", WatchedGate)  # (the gate fixture unregisters it)
    yield WatchedGate


@pytest.fixture
def conversion(tmp_path: Path) -> Conversion:
    book = tmp_path / "fables.txt"
    book.write_text("Fables\n\n" + "".join(
        f"Chapter {n}\n\n{' '.join([SENTENCE] * 4)}\n\n{' '.join([SENTENCE] * 3)}\n\n"
        for n in (1, 2, 3)), encoding="utf-8")
    request = ConvertRequest(book, tmp_path / "book.m4b",
                             voice=EngineSettings(engine="gate", voice="gate"),
                             plan=PlanSettings(target_chars=140, max_chars=300))
    return Conversion(prepare(request), AppPaths.load())


def _state(node: str, state: str) -> Callable[[list[Event]], bool]:
    def seen(events: list[Event]) -> bool:
        last = [e for e in events if isinstance(e, NodeChanged) and e.node == node]
        return bool(last) and last[-1].state == state
    return seen


def test_pause_takes_units_back_and_every_surface_says_so_until_the_nodes_stop(
        gate: type[GateEngine], watched: type[WatchedGate], conversion: Conversion) -> None:
    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    assert watched.speaking.wait(60), "the built-in node never began its first sentence"
    farm = conversion.farm
    lan = farm.lease(GHOST, CAPS)  # and a LAN node took a unit too
    assert lan.status == LEASE_UNIT and lan.assignment is not None
    unit = lan.assignment.unit_id

    conversion.pause()
    seen.wait_for(_state(GHOST, "pausing"), what="the LAN node shown pausing")
    assert farm.job.store.counts()["leased"] == 0, "the units in flight are taken back"
    # The built-in node gives its unit up at once, inside its sentence (which ends on its
    # thread, unheard): it is paused before that sentence ends.
    seen.wait_for(_state(LOCAL_NODE, "paused"), what="the built-in node paused")
    assert conversion.snapshot().pause_text == "pausing… 1 node finishing its part"
    gate.allow(1)  # the sentence it was inside ends; not a word more is spoken
    assert not farm.heartbeat(GHOST, unit, 1, len(lan.assignment.sentences)), \
        "the LAN node's next heartbeat tells it to drop the unit"
    seen.wait_for(_state(GHOST, "paused"), what="the LAN node paused")
    assert conversion.snapshot().pause_text == "paused"
    assert farm.lease(GHOST, CAPS).status == LEASE_WAIT, "nothing is handed out while paused"
    paused_at = next(i for i, e in enumerate(seen.events) if isinstance(e, Paused))
    assert not any(isinstance(e, UnitStarted) for e in seen.events[paused_at:])
    assert not seen.of(UnitFinished), "nobody went on speaking"
    assert {e.node for e in seen.of(UnitRequeued) if e.reason == "paused"} == {GHOST, LOCAL_NODE}

    gate.open()
    conversion.resume()
    outcome = conversion.wait(120)
    assert outcome is not None and outcome.state == FINISHED, outcome
    finished = [e.unit_id for e in seen.of(UnitFinished) if e.accepted]
    assert sorted(finished) == sorted(set(finished))
    assert len(MP4(str(conversion.prepared.outputs[0])).chapters) == 3


def test_audio_a_node_finished_before_it_heard_of_the_pause_is_kept(
        gate: type[GateEngine], conversion: Conversion) -> None:
    from tests.helpers.farm_fixtures import speech_like_wav

    seen = Recorder()
    conversion.bus.subscribe(seen)
    conversion.start()
    seen.wait_kind(UnitStarted)
    farm = conversion.farm
    lan = farm.lease(GHOST, CAPS)
    assert lan.assignment is not None
    conversion.pause()
    seen.wait_for(_state(GHOST, "pausing"), what="the LAN node shown pausing")

    sentences = len(lan.assignment.sentences)
    seconds = len(" ".join(lan.assignment.sentences)) / 15
    tmp = farm.upload_tmp(lan.assignment.unit_id, GHOST)
    tmp.write_bytes(speech_like_wav(seconds, rate=farm.sample_rate))
    accepted, _ = farm.accept_upload(GHOST, lan.assignment.unit_id, tmp, [
        (k * seconds / sentences, (k + 1) * seconds / sentences) for k in range(sentences)])
    assert accepted, "nothing spoken is lost"
    seen.wait_for(_state(GHOST, "paused"), what="the LAN node paused once its part is in")
    conversion.cancel(timeout=0)
    gate.open()
    conversion.wait(30)


def test_a_lan_node_stops_at_its_next_sentence_after_pause_with_no_change_on_its_side(
        gate: type[GateEngine], watched: type[WatchedGate], tmp_path: Path) -> None:
    """A real NodeWorker over TLS: the heartbeat's "drop it" stops it between sentences."""
    from e2a_desktop.convert import FarmOptions
    from e2a_desktop.eventbus import EventBus
    from e2a_node.runner import NodeRunner
    from e2a_node.state import NodeSnapshot, NodeStatus
    from e2a_node.worker import NodeConfig, NodeWorker

    book = tmp_path / "fables.txt"
    book.write_text("Fables\n\n" + "".join(
        f"Chapter {n}\n\n{' '.join([SENTENCE] * 5)}\n\n" for n in (1, 2)), encoding="utf-8")
    request = ConvertRequest(book, tmp_path / "book.m4b",
                             voice=EngineSettings(engine="gate", voice="gate"),
                             plan=PlanSettings(target_chars=200, max_chars=300),
                             farm=FarmOptions(code="482913", wait_nodes=1,
                                              mdns_interfaces=["127.0.0.1"],
                                              name=f"pause-{tmp_path.name}"))
    bus, seen = EventBus(), Recorder()
    bus.subscribe(seen)
    conversion = Conversion(prepare(request), AppPaths.load(), bus=bus, local_node=False)
    conversion.start()
    info = conversion.farm_info
    assert info is not None
    statuses: list[NodeStatus] = []

    def on_state(state: NodeSnapshot) -> None:
        with watched.changed:
            statuses.append(state.status)
            watched.changed.notify_all()

    worker = NodeWorker(NodeConfig(tmp_path / "node", name="pc2", code="482913",
                                   url=f"https://127.0.0.1:{info.port}"), on_state=on_state)
    runner = NodeRunner(worker)
    runner.start()
    try:
        assert watched.speaking.wait(60), "the LAN node never began a sentence"
        node = worker.identity.node_id
        conversion.pause()
        # Its next heartbeat (within 5 s) tells it to drop the unit: shown paused then.
        seen.wait_for(_state(node, "paused"), timeout=30, what="the LAN node told to stop")
        with watched.changed:  # it gave the unit up and asked for work: told to wait
            assert watched.changed.wait_for(
                lambda: NodeStatus.IDLE in statuses[statuses.index(NodeStatus.SPEAKING):], 30)
            assert watched.begun == 1, "one sentence under way when Pause was pressed"
        spoken = len(seen.of(UnitStarted))
        assert not seen.of(UnitFinished), "it finished its part after Pause"
        assert conversion.farm.job.store.counts()["leased"] == 0
        gate.open()
        conversion.resume()
        outcome = conversion.wait(120)
        assert outcome is not None and outcome.state == FINISHED, outcome
        assert len(seen.of(UnitStarted)) > spoken
        book_sentences = sum(len(u.sentences) for u in conversion.prepared.units)
        assert watched.begun == book_sentences + 1, \
            "nothing was spoken after Pause but the sentence under way"
    finally:
        runner.stop()
        conversion.cancel(timeout=30)
        bus.close()
