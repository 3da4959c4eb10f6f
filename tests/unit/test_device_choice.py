"""Which device a voice speaks on, and that the node reports the one really used."""

from __future__ import annotations

import argparse
import os
import stat
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from e2a_desktop.cli import _device as desktop_device
from e2a_node import gpu
from e2a_node.cli import _device
from e2a_node.engines.base import Engine, EngineSettings
from e2a_node.engines.coqui import _pick_device
from e2a_node.engines.piper import PiperEngine
from e2a_node.worker import NodeConfig, NodeWorker
from tests.helpers.fakes import ToneEngine


def _torch(cuda: bool, mps: bool = False) -> SimpleNamespace:
    return SimpleNamespace(cuda=SimpleNamespace(is_available=lambda: cuda),
                           backends=SimpleNamespace(mps=SimpleNamespace(is_available=lambda: mps)))


def test_auto_takes_a_gpu_torch_can_use_and_the_cpu_otherwise() -> None:
    assert _pick_device(_torch(cuda=True), "auto") == "cuda"
    assert _pick_device(_torch(cuda=False, mps=True), "auto") == "mps"
    assert _pick_device(_torch(cuda=False), "auto") == "cpu"
    assert _pick_device(_torch(cuda=False), "cuda") == "cpu"  # asked by name: warned, CPU
    assert _pick_device(_torch(cuda=True), "cuda:1") == "cuda:1"


def test_piper_asks_onnxruntime_for_cuda_only_where_it_has_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "get_available_providers",
                        lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    assert PiperEngine(None, "auto").providers()[0][0] == "CUDAExecutionProvider"
    assert PiperEngine(None, "cpu").providers() == ["CPUExecutionProvider"]
    monkeypatch.setattr(onnxruntime, "get_available_providers",
                        lambda: ["CPUExecutionProvider"])
    assert PiperEngine(None, "auto").providers() == ["CPUExecutionProvider"]


class _CudaTone(ToneEngine):
    """A voice that really did load on the GPU."""

    @property
    def device_used(self) -> str:
        return "cuda"


@pytest.fixture
def fake_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PC with an NVIDIA card and driver (nvidia-smi answers), whatever torch can do."""
    folder = tmp_path / "bin"
    folder.mkdir()
    tool = folder / "nvidia-smi"
    tool.write_text("#!/bin/sh\necho 'NVIDIA GeForce RTX 3060, 10240'\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(gpu, "_cache", {})


@pytest.mark.parametrize("engine, shown_device, shown_gpu", [
    (ToneEngine, "cpu", ""),  # a CPU-only torch: the card must not be claimed
    (_CudaTone, "cuda", "NVIDIA GeForce RTX 3060"),
])
def test_the_node_reports_the_device_its_voice_really_uses(
        tmp_path: Path, fake_nvidia_smi: None, engine: type[Engine], shown_device: str,
        shown_gpu: str) -> None:
    def factory(voice: EngineSettings) -> Engine:
        made = engine(None, "cuda")
        made.load(voice)
        return made

    worker = NodeWorker(NodeConfig(tmp_path / "node", device="cuda"), engine_factory=factory)
    assert worker.capabilities().device == "cuda"  # before a voice is loaded: as asked
    worker._engine_for(EngineSettings(engine="tone", voice="tone"))
    caps = worker.capabilities()
    assert (caps.device, caps.gpu) == (shown_device, shown_gpu)


@pytest.mark.parametrize("parse", [_device, desktop_device], ids=["e2a-node", "e2a convert"])
def test_the_device_option_takes_auto_cpu_cuda_n_and_mps(
        parse: Callable[[str], str]) -> None:
    for good in ("auto", "cpu", "cuda", "cuda:1", "mps"):
        assert parse(good) == good
    assert parse("CUDA:0") == "cuda:0"
    for bad in ("gpu", "cuda:x", "mps:1", "", "cuda:"):
        with pytest.raises(argparse.ArgumentTypeError, match="auto, cpu, cuda, cuda:N or mps"):
            parse(bad)
