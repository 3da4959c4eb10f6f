"""Encode each chapter while it is being spoken, off the rendering path.

The book's loudness is measured once, on its first ``STREAM_AFTER_S`` of speech in
reading order (one voice reads the whole book at one loudness), and kept in the job.
From then on a chapter's encoder starts with its first unit, and each unit is fed to
ffmpeg as soon as it and every unit before it are in. By a chapter's last unit
nearly all of it is encoded, so the book's end does not wait for a whole chapter's
encode (on a farm, where speech ends on every PC at once, that wait was the longest
part of the tail). ffmpeg is a separate process: it uses another core while the
voice keeps speaking. Binding waits for what is still being encoded.
"""

from __future__ import annotations

import math
import threading
import wave
from collections.abc import Callable
from pathlib import Path

from .audio.formats import OutputFormat
from .audio.master import ChapterEncoder, UnitPiece, loudness_of
from .events import ChapterEncoded
from .job import Job
from .store import SpokenUnit

STREAM_AFTER_S = 90.0
"""Seconds of the book's beginning its loudness is measured on before encoding starts.

A voice's loudness hardly changes within a book: measured on Piper speech, the first
90 s of a chapter came within 0.2 LU of the whole chapter and the chapters within
0.3 LU of each other, while 30 s could be 1 LU off. A shorter book is measured whole."""
LOUDNESS_KEY = "master.loudness"
"""Where the job keeps the measured loudness, so a resumed book is encoded alike."""
MAX_ENCODERS = 2
"""Chapters encoded at once: the one being finished and the next one."""


class ChapterMastering:
    """Which chapters are encoded, and the encoders of those in progress."""

    def __init__(self, job: Job, fmt: OutputFormat, chapters: list[int]) -> None:
        self.job = job
        self.fmt = fmt
        self.chapters = chapters
        self._encoders: dict[int, _ChapterStream] = {}
        self._announced: set[int] = set()  # chapters of an earlier run, said once
        self._lock = threading.Lock()  # units are accepted on several threads
        self._changed = threading.Event()
        self._closed = False
        self.loudness = _stored_loudness(job.store.meta().get(LOUDNESS_KEY))
        self._measuring: threading.Thread | None = None
        self._measure_error: BaseException | None = None

    def encoded_path(self, chapter: int) -> Path:
        return self.job.chapters_dir / f"{chapter:03d}.{self.fmt.part_extension}"

    def submit_ready(self, chapter: int | None = None) -> None:
        """Start or feed the encoders that have new units (of ``chapter``, or of all)."""
        with self._lock:
            if self._closed:
                return
            if self.loudness is None:  # nothing is encoded before the book's loudness
                self._start_measuring()
                return
            for each in self.chapters if chapter is None else [chapter]:
                self._offer(each)

    def _offer(self, chapter: int) -> None:
        stream = self._encoders.get(chapter)
        if stream is None and self.encoded_path(chapter).exists():
            self._announce_encoded_before(chapter)
            return  # encoded before (a resumed book)
        if stream is not None and stream.finished.is_set():
            return
        assert self.loudness is not None
        prefix, complete = self.job.store.spoken_prefix(chapter)
        if not prefix:
            return
        if stream is None:
            busy = sum(not s.finished.is_set() for s in self._encoders.values())
            if busy >= MAX_ENCODERS:
                return
            stream = self._encoders[chapter] = _ChapterStream(self, chapter, self.loudness)
            stream.start()
        stream.offer(self._pieces(prefix), complete)

    def _book_beginning(self) -> list[SpokenUnit] | None:
        """The first STREAM_AFTER_S of the book in reading order; None until spoken."""
        units: list[SpokenUnit] = []
        seconds = 0.0
        for chapter in self.chapters:
            prefix, complete = self.job.store.spoken_prefix(chapter)
            for unit in prefix:
                units.append(unit)
                seconds += unit.seconds
                if seconds >= STREAM_AFTER_S:
                    return units
            if not complete:
                return None
        return units or None  # the whole book is shorter: measured whole

    def _start_measuring(self) -> None:
        if self._measuring is not None:
            return
        beginning = self._book_beginning()
        if beginning is None:
            return
        self._measuring = threading.Thread(target=self._measure, args=(self._pieces(beginning),),
                                           daemon=True, name="e2a-master-loudness")
        self._measuring.start()

    def _measure(self, pieces: list[UnitPiece]) -> None:
        """On its own thread: ffmpeg's loudness scan must not hold up accepting units."""
        try:
            loudness = loudness_of(pieces, self.job.chapters_dir / "book.measure.wav")
            self.job.store.set_meta({LOUDNESS_KEY: repr(loudness)})
            self.loudness = loudness
        except BaseException as exc:  # reported by wait(), which the service is in
            self._measure_error = exc
        self._changed.set()
        if self._measure_error is None:
            self.submit_ready()  # every chapter with units may start now

    def _pieces(self, prefix: list[SpokenUnit]) -> list[UnitPiece]:
        settings = self.job.settings
        pauses = settings.pauses.at_speed(settings.engine.speed)
        return [UnitPiece(self.job.units_dir / unit.audio_path, pauses.before(unit.opening))
                for unit in prefix]

    def _finished(self, stream: _ChapterStream) -> None:
        self._changed.set()
        if stream.error is None:
            self.submit_ready()  # the freed slot goes to a chapter waiting for one

    def wait(self, check: Callable[[], None] = lambda: None) -> None:
        """Block until every complete chapter is encoded; re-raise the first failure.

        ``check`` is called twice a second and may raise to stop waiting (cancel).
        """
        while True:
            check()
            if self._measure_error is not None:
                raise self._measure_error
            with self._lock:
                streams = list(self._encoders.values())
            for stream in streams:
                if stream.error is not None:
                    raise stream.error
            self.submit_ready()
            with self._lock:
                pending = [s for s in self._encoders.values() if not s.finished.is_set()]
                waiting = [c for c in self.chapters if c not in self._encoders
                           and not self.encoded_path(c).exists()
                           and self.job.store.chapter_complete(c)]
            measuring = self._measuring is not None and self._measuring.is_alive()
            if not pending and not waiting and not measuring:
                return
            self._changed.wait(0.5)
            self._changed.clear()

    def _announce_encoded_before(self, chapter: int) -> None:
        """A chapter encoded by an earlier run: said once, with its length, as one encoded
        now is (the window's chapter list showed its estimate after a resume)."""
        if chapter in self._announced:
            return
        self._announced.add(chapter)
        seconds = encoded_seconds(self.encoded_path(chapter))
        if seconds is not None:
            self.job.emit(ChapterEncoded(chapter, self.job.book.chapters[chapter].title,
                                         seconds, earlier=True))

    def close(self) -> None:
        """Stop every encoder still running (a cancelled or failed book) and wait for them."""
        with self._lock:
            self._closed = True
            streams = list(self._encoders.values())
        for stream in streams:
            stream.stop()
        for stream in streams:
            stream.join()
        if self._measuring is not None:
            self._measuring.join(timeout=30)


class _ChapterStream:
    """One chapter's encoder on its own thread, fed the chapter's units in order."""

    def __init__(self, owner: ChapterMastering, chapter: int, loudness: float) -> None:
        self.owner, self.chapter, self.loudness = owner, chapter, loudness
        self.finished = threading.Event()
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._pieces: list[UnitPiece] = []
        self._complete = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"e2a-master-{chapter}")

    def start(self) -> None:
        self._thread.start()

    def offer(self, pieces: list[UnitPiece], complete: bool) -> None:
        """The chapter's spoken beginning as it is now.

        It only ever grows: a done unit stays done while the job is open (lost audio
        is redone only when a job is opened, before any encoder starts).
        """
        with self._cond:
            self._pieces, self._complete = pieces, complete
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()

    def join(self) -> None:
        self._thread.join(timeout=30)

    def _next(self, fed: int) -> tuple[list[UnitPiece], bool] | None:
        """Units not fed yet, and whether they end the chapter; None to stop."""
        with self._cond:
            while not self._stopping and len(self._pieces) == fed and not self._complete:
                self._cond.wait()
            if self._stopping:
                return None
            return self._pieces[fed:], self._complete

    def _run(self) -> None:
        owner = self.owner
        encoder: ChapterEncoder | None = None
        try:
            first = self._next(0)
            if first is None:
                return
            pieces, complete = first
            encoder = ChapterEncoder(self.loudness, owner.fmt, owner.encoded_path(self.chapter),
                                     _rate_of(pieces[0]))
            fed = 0
            while True:
                for piece in pieces:
                    encoder.add(piece)
                fed += len(pieces)
                if complete:
                    break
                step = self._next(fed)
                if step is None:
                    return
                pieces, complete = step
            seconds = encoder.seconds
            encoder.finish()
            encoder = None
            owner.job.emit(ChapterEncoded(self.chapter,
                                          owner.job.book.chapters[self.chapter].title, seconds))
        except BaseException as exc:  # reported by wait(), which the service is in
            self.error = exc
        finally:
            if encoder is not None:
                encoder.abort()
            self.finished.set()
            owner._finished(self)


def _rate_of(piece: UnitPiece) -> int:
    with wave.open(str(piece.wav_path), "rb") as handle:
        return handle.getframerate()


def _stored_loudness(value: str | None) -> float | None:
    """The loudness a job kept (see LOUDNESS_KEY); None when absent or unreadable."""
    try:
        loudness = float(value) if value is not None else None
    except ValueError:
        return None
    return loudness if loudness is not None and math.isfinite(loudness) else None


def encoded_seconds(path: Path) -> float | None:
    """An encoded chapter's length, None when it cannot be read."""
    import mutagen

    try:
        info = mutagen.File(str(path))
    except (OSError, mutagen.MutagenError):
        return None
    return float(info.info.length) if info is not None and info.info is not None else None
