"""A voice sample: the first sentences of a chapter, spoken as the book would be.

Pure (no Qt): the window runs ``speak_sample`` on a worker thread. Engines are
kept loaded between samples, so trying speeds or voices again is quick.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from e2a_node.engines import create_engine
from e2a_node.engines.base import Engine
from e2a_node.render import render_unit, write_wav
from e2a_node.settings import EngineSettings, PauseSettings

from .ebook.model import Chapter
from .lexicon import Lexicon
from .plan import PlanSettings, iter_chapter_sentences

SAMPLE_CHARS = 220
"""About ten seconds of speech: enough to judge a voice, quick to make."""


def sample_sentences(chapter: Chapter, language: str, limit: int = SAMPLE_CHARS,
                     lexicon: Lexicon | None = None) -> list[str]:
    """The chapter's first sentences as a conversion says them (the user's lexicon,
    speech front end, verse lines), up to about ``limit`` characters (at least one).
    The lexicon matters here most: a user who added "Hermione = Her-my-oh-nee" plays the
    sample to hear whether it now sounds right."""
    chosen: list[str] = []
    for sentence, _ in iter_chapter_sentences(chapter.text, language,
                                              PlanSettings().target_chars, lexicon):
        if chosen and sum(len(s) for s in chosen) + len(sentence) > limit:
            return chosen
        chosen.append(sentence)
    return chosen


class SampleSpeaker:
    """Speaks samples; one loaded engine per voice, reused.

    Its WAVs live in a temporary folder made at the first sample and removed with the
    speaker (``close``, or at the latest when the program exits): every start of the
    window left an ``e2a-sample-…`` folder in /tmp, hundreds of them in time.
    """

    def __init__(self, voices_dir: Path | None) -> None:
        self._voices_dir = voices_dir
        self._engines: dict[EngineSettings, Engine] = {}
        self._lock = threading.Lock()
        self._folder: Path | None = None
        self._cleanup: Callable[[], object] | None = None  # a weakref.finalize

    def _samples_folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="e2a-sample-"))
            self._cleanup = weakref.finalize(self, shutil.rmtree, self._folder,
                                             ignore_errors=True)
        return self._folder

    def close(self) -> None:
        """Remove the samples made (a player may still hold one open: then it stays)."""
        if self._cleanup is not None:
            self._cleanup()

    def speak_sample(self, chapter: Chapter, language: str, voice: EngineSettings,
                     lexicon: Lexicon | None = None) -> Path:
        """A WAV of the chapter's first sentences in ``voice``; returns its path."""
        sentences = sample_sentences(chapter, language, lexicon=lexicon)
        with self._lock:
            engine = self._engines.get(voice)
            if engine is None:
                engine = self._engines[voice] = create_engine(voice, self._voices_dir)
            audio = render_unit(engine, sentences, [False] * len(sentences),
                                PauseSettings().at_speed(voice.speed))
            folder = self._samples_folder()
        path = folder / f"sample-{abs(hash((voice, tuple(sentences))))}.wav"
        write_wav(path, audio.samples, audio.sample_rate)
        return path
