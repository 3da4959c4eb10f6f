"""`--verify asr`: does the unit say its words? An offline recogniser listens to each unit.

The judge (``judge.py``) hears whether a unit is speech; it cannot hear whether it is the
right speech: a voice that skipped a sentence, said another unit's text, or trailed into
fluent babble passes it. A recogniser can: it writes down what it hears, and the unit's
words should be there.

A small offline recogniser mishears a neural voice often (PocketSphinx, whose English
model ships in its wheel, found 52-81 % of the content words of the sample book's Piper
units), so a fixed threshold would refuse good units. The check is therefore relative:
what share of the text's words the recogniser found, compared with what it finds in
*this* job's other units (same voice, same recogniser). A unit far below its job's
usual share is refused and spoken again; a babbling or wrong unit scores near zero.
"""

from __future__ import annotations

import re
import statistics
import threading
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

ASR_RATE = 16000
"""PocketSphinx's model hears 16 kHz mono."""
LEARN_UNITS = 5
"""Units heard before the job's own usual score is trusted; until then only a unit with
almost none of its words is refused."""
FLOOR_SCORE = 0.2
"""Below this share of its words a unit is refused even before the job's usual score is
known: good Piper units measured 0.55-1.0, another unit's audio 0.0-0.15."""
RELATIVE_FLOOR = 0.7
"""Once learned: a unit scoring under 70 % of this job's usual score is refused. Measured
on the sample book (Piper, usual score 0.60): good units 0.52-0.81; the same unit with
one of its 3-4 sentences left out 0.18-0.42 (two of three refused); another unit's
audio 0.00-0.13."""
MIN_WORDS = 4
"""Units of fewer content words are not judged: one misheard word would decide."""

_WORD = re.compile(r"[a-z0-9']+")
_STOP = frozenset({"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "is", "it",
                   "he", "she", "i", "you", "we", "they", "his", "her", "was", "were", "be",
                   "as", "by", "for", "with", "that", "this"})
"""Short words a recogniser drops or swaps freely: counting them would measure noise."""


class Transcriber(Protocol):
    """An offline recogniser; ``name`` is said in the output so the user knows which ran."""

    name: str
    language: str

    def transcribe(self, pcm: np.ndarray, rate: int) -> str: ...


class PocketSphinx:
    """CMU PocketSphinx with the US English model its wheel carries (no download)."""

    name = "pocketsphinx"
    language = "en"

    def __init__(self) -> None:
        from pocketsphinx import Decoder  # optional: pip install 'e2a[verify]'

        self._decoder = Decoder(samprate=ASR_RATE, loglevel="FATAL")
        self._lock = threading.Lock()  # one decoder, one utterance at a time

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        audio = to_16k(pcm, rate)
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(audio.tobytes(), full_utt=True)
            self._decoder.end_utt()
            hypothesis = self._decoder.hyp()
        return hypothesis.hypstr if hypothesis is not None else ""


def to_16k(pcm: np.ndarray, rate: int) -> np.ndarray:
    """16-bit mono at 16 kHz, as the recogniser's model was trained. Linear interpolation
    after a 3-tap smoothing: what folds back from above 8 kHz is faint in speech and the
    recogniser does not mind it (numpy only, no scipy)."""
    samples = pcm.astype(np.float32)
    if rate != ASR_RATE:
        if rate > ASR_RATE:
            samples = np.convolve(samples, np.array([0.25, 0.5, 0.25], np.float32), "same")
        times = np.arange(0, len(samples) / rate, 1 / ASR_RATE)
        samples = np.interp(times, np.arange(len(samples)) / rate, samples)
    return np.clip(samples, -32768, 32767).astype("<i2")


def content_words(text: str) -> list[str]:
    """The words that carry the text, lower-cased, as a recogniser would write them."""
    return [w for w in _WORD.findall(text.lower().replace("’", "'")) if w not in _STOP]


def word_score(text: str, heard: str) -> float | None:
    """Share of ``text``'s content words found in ``heard`` (each counted as often as it
    occurs); ``None`` when the text has too few words to judge."""
    wanted = Counter(content_words(text))
    total = sum(wanted.values())
    if total < MIN_WORDS:
        return None
    found = Counter(content_words(heard))
    return sum(min(count, found[word]) for word, count in wanted.items()) / total


@dataclass(frozen=True)
class Heard:
    score: float | None
    usual: float | None  # the job's median score so far; None while it is learning
    reason: str | None  # why the unit is refused; None: it passes


class AsrVerifier:
    """Scores a job's units against the job's own usual score; thread-safe."""

    def __init__(self, transcriber: Transcriber, history: int = 60) -> None:
        self.transcriber = transcriber
        self._scores: deque[float] = deque(maxlen=history)
        self._lock = threading.Lock()

    def hear(self, pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> Heard:
        text = " ".join(sentences)
        score = word_score(text, self.transcriber.transcribe(pcm, rate))
        if score is None:
            return Heard(None, self.usual(), None)
        with self._lock:
            usual = statistics.median(self._scores) if len(self._scores) >= LEARN_UNITS \
                else None
            needed = FLOOR_SCORE if usual is None else max(FLOOR_SCORE, RELATIVE_FLOOR * usual)
            if score >= needed:
                self._scores.append(score)
                return Heard(score, usual, None)
        said = f"this voice's units usually score {usual:.0%}" if usual is not None else \
            f"at least {needed:.0%} is expected"
        return Heard(score, usual, f"{self.transcriber.name} heard {score:.0%} of the unit's "
                                   f"words ({said}): words dropped, or other words said")

    def reason(self, pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> str | None:
        """Why the unit's words are wrong, or None: the upload check's ``verify``."""
        return self.hear(pcm, rate, sentences).reason

    def usual(self) -> float | None:
        with self._lock:
            return statistics.median(self._scores) if len(self._scores) >= LEARN_UNITS \
                else None


def transcriber_for(language: str) -> Transcriber:
    """The recogniser for a voice's language; an ImportError or ValueError that says what
    to install or why none fits (the CLI turns them into one line)."""
    from e2a_node.language_tags import primary

    if primary(language) != "en":
        raise ValueError(f"--verify asr listens with PocketSphinx, whose model is English; "
                         f"this voice speaks '{language}'")
    return PocketSphinx()
