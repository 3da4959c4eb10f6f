"""`--verify asr` listens with faster-whisper where it and a model are installed, else with
PocketSphinx, and says which (issue 25); the recogniser runs in a process of its own.
faster-whisper here is a fake module: no model is downloaded or loaded."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from e2a_desktop.audio.asr import (
    AsrVerifier,
    FasterWhisper,
    InChildProcess,
    listening_problem,
    transcriber_for,
    whisper_models,
)


class PidTranscriber:
    """Says which process heard it (the child's, not this one)."""

    name = "pid"
    language = "en"

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        return f"{os.getpid()} {len(pcm)} {rate}"


class StuckTranscriber:
    """Says it began, then hears for ten minutes."""

    name = "stuck"
    language = "en"

    def __init__(self, began: Any) -> None:
        self._began = began

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        self._began.set()
        time.sleep(600)
        return ""


def _model(home: Path, name: str) -> Path:
    """A model as faster-whisper's download leaves it in the Hugging Face cache."""
    snapshot = home / f"models--Systran--faster-whisper-{name}" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "model.bin").write_bytes(b"\0")
    (snapshot / "config.json").write_text("{}")
    return snapshot


@pytest.fixture
def whisper(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """A stand-in faster_whisper module that records how its model was opened."""
    opened: list[tuple[Any, ...]] = []

    class WhisperModel:
        def __init__(self, path: str, **options: Any) -> None:
            opened.append((Path(path), options))

        def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[list[Any], None]:
            assert audio.dtype == np.float32
            return [types.SimpleNamespace(text=" the quick"),
                    types.SimpleNamespace(text=" brown fox")], None

    module = types.ModuleType("faster_whisper")
    module.WhisperModel = WhisperModel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "faster_whisper", module)
    return opened


def test_an_installed_whisper_model_is_used_and_named(
        tmp_path: Path, whisper: list[tuple[Any, ...]]) -> None:
    for name in ("tiny.en", "base.en", "small.en"):
        _model(tmp_path, name)
    chosen = transcriber_for("en_US", models=whisper_models(tmp_path), detached=False)
    assert isinstance(chosen, FasterWhisper)
    assert chosen.name == "faster-whisper (base.en)"
    assert whisper[0][0].parent.parent.name.endswith("base.en")
    assert whisper[0][1]["cpu_threads"] == 1  # one core at most
    assert chosen.transcribe(np.zeros(22050, np.int16), 22050) == " the quick  brown fox"
    assert AsrVerifier(chosen).name == "faster-whisper (base.en)"


def test_whisper_hears_other_languages_with_a_multilingual_model(
        tmp_path: Path, whisper: list[tuple[Any, ...]]) -> None:
    _model(tmp_path, "base.en")
    with pytest.raises(ValueError, match="this voice speaks 'de_DE'"):
        transcriber_for("de_DE", models=whisper_models(tmp_path), detached=False)
    _model(tmp_path, "small")
    chosen = transcriber_for("de_DE", models=whisper_models(tmp_path), detached=False)
    assert chosen.name == "faster-whisper (small)" and chosen.language == "de"


def test_pocketsphinx_without_faster_whisper_or_without_a_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pocketsphinx")
    assert transcriber_for("en_GB", models=[], detached=True).name == "pocketsphinx"
    _model(tmp_path, "base.en")
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # not installed: import fails
    chosen = transcriber_for("en_GB", models=whisper_models(tmp_path), detached=True)
    assert isinstance(chosen, InChildProcess) and chosen.name == "pocketsphinx"


def test_the_recogniser_runs_in_a_process_of_its_own() -> None:
    child = InChildProcess(PidTranscriber, (), "pid", "en")
    try:
        heard = child.transcribe(np.arange(100, dtype=np.int16), 16000).split()
        assert heard[1:] == ["100", "16000"]
        assert int(heard[0]) != os.getpid()
    finally:
        child.close()


def test_a_job_that_ends_while_a_unit_is_heard_does_not_wait_for_it() -> None:
    began = multiprocessing.get_context("spawn").Event()
    child = InChildProcess(StuckTranscriber, (began,), "stuck", "en")
    failed: list[BaseException] = []

    def hear() -> None:
        try:
            child.transcribe(np.zeros(16000, np.int16), 16000)
        except RuntimeError as exc:
            failed.append(exc)

    thread = threading.Thread(target=hear)
    thread.start()
    assert began.wait(60)
    start = time.monotonic()
    child.close()
    thread.join(30)
    assert not thread.is_alive() and failed  # told the recogniser stopped
    assert time.monotonic() - start < 10


def test_the_window_is_told_whether_a_voice_can_be_heard(
        tmp_path: Path, whisper: list[tuple[Any, ...]]) -> None:
    assert "knows English only" in listening_problem("fr_FR", models=[])
    _model(tmp_path, "base")  # a multilingual model: French is heard
    assert listening_problem("fr_FR", models=whisper_models(tmp_path)) == ""
    assert whisper == []  # asking loaded no model
