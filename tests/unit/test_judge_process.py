"""The upload judge in a process of its own: the same verdicts, and no unit lost to a death.

The farm judges uploads in a child process (``farm.judging``) so its event loop never
waits for the judge's hold on Python's lock. What a user would notice if this went
wrong: audio the judge refuses in the thread passing in the process (or the reverse), a
unit lost or accepted unjudged because the judge's process was killed, or no book at
all where the process cannot start.
"""

from __future__ import annotations

import io
import logging
import os
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from e2a_desktop.audio.judge import Verdict, judge
from e2a_desktop.farm import judging, uploads
from e2a_desktop.farm.judging import JudgeDied, JudgeProcess, judge_pcm
from e2a_desktop.farm.uploads import NotSpeech, check_wav
from tests.helpers.dying_judges import MARKER, always_dies, dies_once
from tests.helpers.farm_fixtures import RATE, SENTENCE, noise_wav, speech_like_wav


def _pcm(wav: bytes) -> bytes:
    with wave.open(io.BytesIO(wav)) as source:
        return source.readframes(source.getnframes())


SPEECH = _pcm(speech_like_wav(4.0))
NOISE = _pcm(noise_wav(4.0))
SPANS = [(0.0, 2.0), (2.0, 4.0)]


@pytest.fixture(scope="module")
def shared_process() -> Iterator[JudgeProcess]:
    process = JudgeProcess()
    yield process
    process.close()


@pytest.fixture
def farm_judges_in_a_process() -> Iterator[None]:
    judging.use_process()
    yield
    judging.use_process(False)


@pytest.mark.parametrize("pcm", [SPEECH, NOISE], ids=["speech", "noise"])
def test_the_process_gives_the_threads_verdict(shared_process: JudgeProcess,
                                               pcm: bytes) -> None:
    here = judge(np.frombuffer(pcm, dtype="<i2"), RATE, SPANS, [SENTENCE] * 2,
                 max_pause_s=0.75, speed=1.0)
    there = shared_process.judge(pcm, RATE, SPANS, [SENTENCE] * 2, 0.75, 1.0)
    assert there == here
    assert (there.reason is None) == (pcm is SPEECH)
    assert shared_process.started == 1  # one process for every unit, not one each


def test_check_wav_refuses_noise_and_keeps_speech_when_the_farm_judges_apart(
        tmp_path: Path, farm_judges_in_a_process: None) -> None:
    noise, speech = tmp_path / "noise.wav", tmp_path / "speech.wav"
    noise.write_bytes(noise_wav(4.0))
    speech.write_bytes(speech_like_wav(4.0))
    with pytest.raises(NotSpeech, match="noise|hiss") as refused:
        check_wav(noise, RATE, chars=len(SENTENCE) * 2, speed=1.0, spans=SPANS)
    assert refused.value.checked.duration == pytest.approx(4.0)
    assert check_wav(speech, RATE, chars=len(SENTENCE) * 2, speed=1.0,
                     spans=SPANS).duration == pytest.approx(4.0)
    assert judging.judge_pid() is not None  # it was judged in the process


def test_a_judge_killed_between_units_is_started_again(shared_process: JudgeProcess) -> None:
    shared_process.judge(SPEECH, RATE, SPANS, (), 0.75, 1.0)
    pid, started = shared_process.pid(), shared_process.started
    assert pid is not None
    os.kill(pid, 9)
    verdict = shared_process.judge(NOISE, RATE, SPANS, (), 0.75, 1.0)
    assert verdict.reason is not None and "not speech" in verdict.reason
    assert shared_process.started == started + 1 and shared_process.pid() != pid


def test_a_judge_that_dies_mid_unit_judges_that_unit_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(MARKER, str(tmp_path / "died"))
    process = JudgeProcess(target=dies_once)
    try:
        with caplog.at_level(logging.WARNING, logger=judging.__name__):
            verdict = process.judge(NOISE, RATE, SPANS, (), 0.75, 1.0)
    finally:
        process.close()
    assert (tmp_path / "died").exists()  # the first process really died on this unit
    assert process.started == 2
    assert verdict == judge(np.frombuffer(NOISE, dtype="<i2"), RATE, SPANS, (),
                            max_pause_s=0.75, speed=1.0)
    assert "judging it again in a new one" in caplog.text


def test_a_unit_the_process_always_dies_on_is_judged_in_the_thread(
        monkeypatch: pytest.MonkeyPatch, farm_judges_in_a_process: None,
        caplog: pytest.LogCaptureFixture) -> None:
    doomed = JudgeProcess(target=always_dies)
    with pytest.raises(JudgeDied):
        doomed.judge(NOISE, RATE, SPANS, (), 0.75, 1.0)
    assert doomed.started == judging.MAX_TRIES
    monkeypatch.setattr(judging._shared, "process", doomed)
    with caplog.at_level(logging.WARNING, logger=judging.__name__):
        verdict = judge_pcm(NOISE, RATE, SPANS)
    assert verdict.reason is not None  # judged, not waved through
    assert "judging it in the coordinator's thread" in caplog.text


def test_a_judge_that_cannot_start_leaves_judging_in_the_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, farm_judges_in_a_process: None,
        caplog: pytest.LogCaptureFixture) -> None:
    judging.close()
    monkeypatch.setattr(judging.sys, "executable", str(tmp_path / "no-python"))
    with caplog.at_level(logging.WARNING, logger=judging.__name__):
        first = judge_pcm(NOISE, RATE, SPANS)
        second = judge_pcm(SPEECH, RATE, SPANS)
    assert first.reason is not None and second.reason is None
    assert caplog.text.count("cannot run in a process of its own") == 1  # said once
    assert "no-python" in caplog.text


def test_a_judge_put_in_place_by_a_test_runs_in_the_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, farm_judges_in_a_process: None) -> None:
    """Integration tests wave a voice's output through with a stand-in judge; the child
    process would not know it, so it is used in the thread."""
    judging.close()
    monkeypatch.setattr(uploads, "judge", lambda *_a, **_kw: Verdict(None))
    noise = tmp_path / "noise.wav"
    noise.write_bytes(noise_wav(4.0))
    assert check_wav(noise, RATE, chars=len(SENTENCE) * 2, speed=1.0,
                     spans=SPANS).duration == pytest.approx(4.0)
    assert judging.judge_pid() is None  # no process was started for it


def test_without_the_farm_asking_the_judge_runs_in_the_thread() -> None:
    """Short checks (unit tests, a single upload) pay no process start."""
    judging.close()
    assert judge_pcm(SPEECH, RATE, SPANS).reason is None
    assert judging.judge_pid() is None


def test_a_bundled_app_starts_the_judge_through_its_own_entry_point(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PyInstaller bundle has no Python to run ``-m`` with: its executable, asked with
    the judge's flag, becomes the judge's process (the installed product judged in the
    farm's thread before). Here the bundle's real entry script stands for the executable."""
    import sys

    root = Path(__file__).resolve().parents[2]
    bundle = tmp_path / "e2a"
    bundle.write_text(f'#!/bin/sh\nexec "{sys.executable}" '
                      f'"{root / "packaging" / "pyinstaller" / "entry_e2a.py"}" "$@"\n')
    bundle.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle))
    assert judging.child_command() == [str(bundle), judging.CHILD_FLAG]
    process = JudgeProcess()
    try:
        there = process.judge(NOISE, RATE, SPANS, [SENTENCE] * 2, 0.75, 1.0)
        assert process.pid() is not None  # a process of its own judged it
    finally:
        process.close()
    here = judge(np.frombuffer(NOISE, dtype="<i2"), RATE, SPANS, [SENTENCE] * 2,
                 max_pause_s=0.75, speed=1.0)
    assert there == here and there.reason is not None
