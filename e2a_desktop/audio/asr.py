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

The recognisers themselves (PocketSphinx, faster-whisper, each in a niced process of its
own) are in ``e2a_node.recognisers``, re-exported here: a node with spare time hears units
too, and says only what it heard; scoring it against the text stays here, on the
coordinator (``AsrVerifier.judge``).
"""

from __future__ import annotations

import re
import statistics
import threading
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from e2a_node.recognisers import (
    ASR_RATE,
    HEARING_NICE,
    WHISPER_PREFERENCE,
    FasterWhisper,
    InChildProcess,
    PocketSphinx,
    Transcriber,
    listening_problem,
    recognisers_here,
    to_16k,
    transcriber_for,
    transcriber_named,
    whisper_model,
    whisper_models,
    whisper_name,
)

__all__ = ["ASR_RATE", "HEARING_NICE", "WHISPER_PREFERENCE", "AsrVerifier", "FasterWhisper",
           "Heard", "InChildProcess", "PocketSphinx", "Transcriber", "content_words",
           "listening_problem", "recognisers_here", "to_16k", "transcriber_for",
           "transcriber_named", "whisper_model", "whisper_models", "whisper_name",
           "word_score"]

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

    @property
    def name(self) -> str:
        """The recogniser that hears (said in the job's log and kept for its report)."""
        return self.transcriber.name

    def __call__(self, pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> str | None:
        return self.reason(pcm, rate, sentences)

    def close(self) -> None:
        """End the recogniser's process, if it has one."""
        close = getattr(self.transcriber, "close", None)
        if close is not None:
            close()

    def hear(self, pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> Heard:
        return self.judge(self.transcriber.transcribe(pcm, rate), sentences)

    def judge(self, heard: str, sentences: Sequence[str], by: str = "") -> Heard:
        """Score what a recogniser heard against the unit's text, relative to this job's
        usual score: here, for a unit heard on this PC or by a node (``by`` names it in
        the reason). A passing score joins the job's usual score."""
        text = " ".join(sentences)
        score = word_score(text, heard)
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
        where = f" on {by}" if by else ""
        return Heard(score, usual, f"{self.transcriber.name}{where} heard {score:.0%} of the "
                                   f"unit's words ({said}): words dropped, or other words said")

    def judged(self, heard: str, sentences: Sequence[str], by: str = "") -> str | None:
        """Why the unit is refused on what was heard (``judge``), or None: it passes."""
        return self.judge(heard, sentences, by).reason

    def reason(self, pcm: np.ndarray, rate: int, sentences: Sequence[str]) -> str | None:
        """Why the unit's words are wrong, or None: the upload check's ``verify``."""
        return self.hear(pcm, rate, sentences).reason

    def usual(self) -> float | None:
        with self._lock:
            return statistics.median(self._scores) if len(self._scores) >= LEARN_UNITS \
                else None
