"""Encode each chapter as soon as its last unit is accepted, off the rendering path.

One background thread runs ffmpeg per chapter (a separate process, so it uses
the other core while the voice keeps speaking). Binding at the end only waits
for what is still queued.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from .audio.formats import OutputFormat
from .audio.master import UnitPiece, join_units, master_chapter
from .events import ChapterEncoded
from .job import Job


class ChapterMastering:
    """Tracks which chapters are encoded and encodes the complete ones."""

    def __init__(self, job: Job, fmt: OutputFormat, chapters: list[int]) -> None:
        self.job = job
        self.fmt = fmt
        self.chapters = chapters
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="e2a-master")
        self._futures: dict[int, Future[None]] = {}
        self._lock = threading.Lock()  # units are accepted on several threads

    def encoded_path(self, chapter: int) -> Path:
        return self.job.chapters_dir / f"{chapter:03d}.{self.fmt.part_extension}"

    def submit_ready(self) -> None:
        """Queue every selected chapter that is complete and not yet encoded."""
        with self._lock:
            self._submit_ready()

    def _submit_ready(self) -> None:
        for chapter in self.chapters:
            if chapter in self._futures or not self.job.store.chapter_complete(chapter):
                continue
            if self.encoded_path(chapter).exists():
                continue
            self._futures[chapter] = self._pool.submit(self._encode, chapter)

    def _encode(self, chapter: int) -> None:
        units = self.job.store.units(chapter)
        settings = self.job.settings
        pauses = settings.pauses.at_speed(settings.engine.speed)
        pieces = [
            UnitPiece(self.job.units_dir / str(u.audio_path),
                      pauses.paragraph_pause if u.breaks[0] else pauses.sentence_pause)
            for u in units
        ]
        wav = self.job.chapters_dir / f"{chapter:03d}.joined.wav"
        try:
            duration = join_units(pieces, wav)
            rate = _rate_of(pieces[0].wav_path)
            master_chapter(wav, self.fmt, self.encoded_path(chapter), rate)
        finally:
            with contextlib.suppress(FileNotFoundError):
                wav.unlink()
        self.job.emit(ChapterEncoded(chapter, self.job.book.chapters[chapter].title,
                                         duration))

    def wait(self, check: Callable[[], None] = lambda: None) -> None:
        """Block until every queued chapter is encoded; re-raise the first failure.

        ``check`` is called twice a second and may raise to stop waiting (cancel).
        """
        done: set[int] = set()
        while True:
            with self._lock:
                pending = [(c, f) for c, f in self._futures.items() if c not in done]
            if not pending:
                return
            for chapter, future in pending:
                while True:
                    check()
                    try:
                        future.result(timeout=0.5)
                        break
                    except FutureTimeout:
                        continue
                done.add(chapter)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _rate_of(wav: Path) -> int:
    import wave

    with wave.open(str(wav), "rb") as handle:
        return handle.getframerate()
