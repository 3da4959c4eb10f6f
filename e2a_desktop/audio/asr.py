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

Which recogniser: faster-whisper where it is installed with a model already on this PC
(its Hugging Face cache; nothing is downloaded), else PocketSphinx. Either runs in a
process of its own at low priority (``InChildProcess``): PocketSphinx holds Python's
global lock while it decodes (a 20 s unit: the coordinator's other threads ran 6 times in
a minute), which a thread in the coordinator would turn into stalled requests.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import statistics
import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

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
HEARING_NICE = 10
"""The recogniser's process runs this much nicer: speaking and serving the farm come first."""
WHISPER_PREFERENCE = ("base", "small", "tiny")
"""Installed faster-whisper models, best first: on a CPU, base hears Piper almost word for
word at a few times real time; small is slower, tiny misses more; larger ones are slow."""

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


class FasterWhisper:
    """faster-whisper (CTranslate2) with a model already on this PC; one CPU thread."""

    language: str

    def __init__(self, model_dir: Path, language: str) -> None:
        from faster_whisper import WhisperModel  # optional, and only with a model present

        self.name = f"faster-whisper ({whisper_name(model_dir)})"
        self.language = language
        self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8",
                                   cpu_threads=1)

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        audio = to_16k(pcm, rate).astype(np.float32) / 32768.0
        segments, _info = self._model.transcribe(audio, language=self.language, beam_size=1,
                                                 vad_filter=False)
        return " ".join(segment.text for segment in segments)


class InChildProcess:
    """A recogniser in a process of its own, started when first needed, niced.

    The coordinator's thread that asks waits on a pipe (no lock held), so the farm's
    event loop and the chapters' encoders never wait for the recogniser, and it can take
    one core at most. A process that died is started again for the next unit.
    """

    def __init__(self, factory: Callable[..., Transcriber], args: tuple[Any, ...], name: str,
                 language: str, nice: int = HEARING_NICE) -> None:
        self.name = name
        self.language = language
        self._factory, self._args, self._nice = factory, args, nice
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: Any = None

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        with self._lock:
            conn = self._started()
            try:
                conn.send((np.ascontiguousarray(pcm, dtype="<i2").tobytes(), rate))
                kind, text = conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._stop()
                raise RuntimeError(f"{self.name} stopped: {exc}") from None
        if kind != "text":
            raise RuntimeError(f"{self.name} failed: {text}")
        return str(text)

    def _started(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        context = multiprocessing.get_context("spawn")  # (fork is unsafe beside threads)
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, name="e2a-recogniser", daemon=True,
                                        args=(theirs, self._factory, self._args, self._nice))
        self._process.start()
        theirs.close()
        self._conn = ours
        return ours

    def _stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, BrokenPipeError):
                self._conn.send(None)
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)
            self._process = None

    def close(self) -> None:
        """End the recogniser's process (the job is over), even while it hears a unit:
        the thread waiting for that unit's words is told it stopped."""
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
        with self._lock:
            self._stop()


def _serve(conn: Connection, factory: Callable[..., Transcriber], args: tuple[Any, ...],
           nice: int) -> None:
    """The recogniser's process: audio in, what it heard out, until told to stop."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)
    transcriber = factory(*args)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the coordinator is gone
            return
        if message is None:
            return
        data, rate = message
        try:
            conn.send(("text", transcriber.transcribe(np.frombuffer(data, dtype="<i2"), rate)))
        except Exception as exc:  # one unit the recogniser cannot hear: say so, go on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


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


def transcriber_for(language: str, models: Iterable[Path] | None = None,
                    detached: bool = True) -> Transcriber:
    """The best recogniser installed for a voice's language: faster-whisper with a model
    on this PC (``models``: where to look; the Hugging Face cache by default), else
    PocketSphinx (English). ``detached``: in a process of its own (``InChildProcess``).
    An ImportError or ValueError says what to install or why none fits (the CLI turns
    them into one line)."""
    from e2a_node.language_tags import primary

    tongue = primary(language)
    model = whisper_model(tongue, whisper_models() if models is None else models)
    factory: Callable[..., Transcriber]
    args: tuple[Any, ...]
    if model is not None:
        factory, args = FasterWhisper, (model, tongue)
        name = f"faster-whisper ({whisper_name(model)})"
    elif tongue != "en":
        raise ValueError(f"--verify asr listens with PocketSphinx, whose model is English; "
                         f"this voice speaks '{language}' (faster-whisper with a multilingual "
                         f"model installed would hear it)")
    else:
        import pocketsphinx  # noqa: F401  (said here: the child process would only fail)

        factory, args, name = PocketSphinx, (), PocketSphinx.name
    log.info("--verify asr listens with %s", name)
    if not detached or getattr(sys, "frozen", False):  # (a bundle cannot spawn itself)
        return factory(*args)
    return InChildProcess(factory, args, name, tongue)


def whisper_models(home: Path | None = None) -> list[Path]:
    """faster-whisper models in the Hugging Face cache (where faster-whisper keeps what it
    downloaded): each snapshot folder that holds a model."""
    if home is None:
        hub = os.environ.get("HF_HUB_CACHE")
        base = Path(hub) if hub else Path(os.environ.get(
            "HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub"
    else:
        base = home
    try:
        return sorted(base.glob("models--*--faster-whisper-*/snapshots/*"))
    except OSError:
        return []


def whisper_name(model: Path) -> str:
    """A model's name ("base.en") from its folder or its cache entry's."""
    for part in (model.name, model.parent.parent.name):
        if "faster-whisper-" in part:
            return part.split("faster-whisper-", 1)[1]
    return model.name


def whisper_model(language: str, models: Iterable[Path]) -> Path | None:
    """The installed model to hear ``language`` with, if faster-whisper is importable:
    an English-only one (``*.en``) only for English; by ``WHISPER_PREFERENCE``."""
    found = [m for m in models if (m / "model.bin").is_file() and (m / "config.json").is_file()
             and (language == "en" or not whisper_name(m).endswith(".en"))]
    if not found:
        return None
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return None

    def rank(model: Path) -> tuple[int, str]:
        size = whisper_name(model).removesuffix(".en")
        order = WHISPER_PREFERENCE.index(size) if size in WHISPER_PREFERENCE else \
            len(WHISPER_PREFERENCE)
        return order, whisper_name(model)

    return min(found, key=rank)


def listening_problem(language: str, models: Iterable[Path] | None = None) -> str:
    """Why ``--verify asr`` cannot listen to a voice of ``language`` here ("": it can).

    Cheap, for a window that greys its box out with the reason: no model is loaded (an
    installed faster-whisper model only imports faster-whisper)."""
    from importlib.util import find_spec

    from e2a_node.language_tags import primary

    tongue = primary(language or "en")
    if whisper_model(tongue, whisper_models() if models is None else models) is not None:
        return ""
    if tongue != "en":
        return (f"PocketSphinx, the offline recogniser, knows English only; this voice "
                f"speaks '{language}' (faster-whisper with a multilingual model would hear it)")
    if find_spec("pocketsphinx") is None:
        return "needs PocketSphinx: pip install 'e2a[verify]' (its English model comes with it)"
    return ""
