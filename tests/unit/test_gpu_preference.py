"""Scheduling by ability: heavy (XTTS) units go to free GPU nodes before CPU ones.

A CPU node takes such a unit only when no GPU node is free to: XTTS on a CPU is
many times slower, and a unit it takes is a unit the whole book waits for.
"""

from __future__ import annotations

from pathlib import Path

from e2a_desktop.events import Event, NodeChanged
from e2a_desktop.farm.farm import Farm
from e2a_node.gpu import gpu_label
from e2a_node.protocol import LEASE_UNIT, LEASE_WAIT, Capabilities
from e2a_node.settings import EngineSettings
from tests.helpers.fakes import FakeClock
from tests.helpers.farm_fixtures import make_farm

XTTS = EngineSettings(engine="coqui", voice="xtts_v2", model="xtts_v2", language="en")
GPU = Capabilities("gaming-pc", "cuda", {"coqui": ["xtts_v2"]}, "NVIDIA GeForce RTX 3060",
                   10444)
CPU = Capabilities("laptop", "cpu", {"coqui": ["xtts_v2"]})


def _drain(farm: Farm, caps: Capabilities) -> list[tuple[str, int]]:
    """CPU nodes take every unit left (two each at most: a node holds no more)."""
    taken: list[tuple[str, int]] = []
    for k in range(1, 100):
        node = f"cpu-helper-{k:04d}"
        while (answer := farm.lease(node, caps)).assignment is not None:
            taken.append((node, answer.assignment.unit_id))
        if answer.reason != "speaking":  # not held back by the cap: nothing is left
            return taken
    raise AssertionError("the queue never ran dry")


def _gpu_free_and_a_unit_back(farm: Farm) -> int:
    """Both nodes have work, the queue runs dry, the GPU node waits, a unit comes back."""
    assert farm.lease("gpu-node-0001", GPU).status == LEASE_UNIT
    taken = _drain(farm, CPU)  # the GPU node is speaking: the CPUs help
    assert taken, "a CPU node helps while every GPU node is busy"
    assert farm.lease("gpu-node-0001", GPU).status == LEASE_WAIT  # nothing left: it waits
    farm.hand_back(*taken[-1])  # e.g. the laptop's owner came back
    return taken[-1][1]


def test_a_unit_that_comes_back_waits_for_the_free_gpu_node(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock, voice=XTTS)
    seen: list[Event] = []
    farm.emit = seen.append
    back = _gpu_free_and_a_unit_back(farm)

    assert farm.lease("cpu-node-0002", CPU).status == LEASE_WAIT  # held for the GPU
    again = farm.lease("gpu-node-0001", GPU)
    assert again.assignment is not None and again.assignment.unit_id == back
    row = next(e for e in reversed(seen) if isinstance(e, NodeChanged)
               and e.node == "gpu-node-0001")
    assert row.device == "cuda · NVIDIA GeForce RTX 3060, 10.2 GB free"  # what the table shows


def test_a_gpu_node_not_heard_from_is_not_waited_for(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock, voice=XTTS)
    back = _gpu_free_and_a_unit_back(farm)
    clock.advance(15)  # loading a model, or gone: a silent GPU node does not stall the book
    answer = farm.lease("cpu-node-0002", CPU)
    assert answer.assignment is not None and answer.assignment.unit_id == back


def test_light_engines_are_not_held_back_for_gpus(tmp_path: Path) -> None:
    clock = FakeClock()
    farm = make_farm(tmp_path, clock)  # Piper: a CPU speaks it about as well
    gpu = Capabilities("gaming-pc", "cuda", {"piper": ["en_US-joe-medium"]}, "RTX", 1)
    cpu = Capabilities("laptop", "cpu", {"piper": ["en_US-joe-medium"]})
    assert farm.lease("gpu-node-0001", gpu).status == LEASE_UNIT
    taken = _drain(farm, cpu)
    assert farm.lease("gpu-node-0001", gpu).status == LEASE_WAIT
    farm.hand_back(*taken[-1])
    assert farm.lease("cpu-node-0002", cpu).status == LEASE_UNIT


def test_capabilities_travel_with_the_gpu_and_without_it() -> None:
    assert Capabilities.from_json(GPU.to_json()) == GPU
    old = {"name": "old-node", "device": "cpu", "engines": {"piper": ["v"]}}  # before GPUs
    parsed = Capabilities.from_json(old)
    assert (parsed.gpu, parsed.gpu_free_mb, parsed.accelerated) == ("", 0, False)
    odd = Capabilities.from_json({**GPU.to_json(), "gpu_free_mb": -5, "gpu": "x" * 500})
    assert odd.gpu_free_mb == 0 and len(odd.gpu) == 64
    assert GPU.accelerated and Capabilities("mac", "mps").accelerated
    assert gpu_label("cpu", "", 0) == "cpu"
