"""A book being converted: its folder, its store, and accepting unit audio.

The job folder is keyed by the book's bytes and the voice and plan settings, so
running the same command again finds the same folder and resumes.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from e2a_node.voices.samples import sample_path

from .config import AppPaths
from .ebook.model import Book
from .errors import E2AError
from .events import Emit, UnitFinished, ignore
from .jobid import JobSettings, job_folder
from .joblock import JobLock
from .plan import PlannedUnit, plan_book
from .store import JobStore, UnitRecord

STORE_NAME = "job.sqlite"
SCHEMA_VERSION = 1
"""Store meta 'schema': 1 = settings kept as versioned JSON. e2a 0.1 stores (no 'schema',
a flat 'voice') are brought up to date when opened: their units and audio are kept."""

VOICE_SAMPLE_NAME = "voice-sample.wav"
"""The job's own copy of its reference recording (voice cloning): nodes fetch it by id."""

LEXICON_META = "lexicon"
"""Store meta: the digest of the user's lexicon the units were planned with."""

BOOK_PATH_META = "book_path"
"""Store meta: where the book was read from (jobs of e2a before 0.2 lack it)."""

__all__ = ["BOOK_PATH_META", "Job", "JobSettings", "STORE_NAME", "TextChanges", "text_changes"]


class Job:
    """Owns the store and the unit audio files of one book."""

    def __init__(self, folder: Path, book: Book, settings: JobSettings,
                 emit: Emit = ignore, lock: JobLock | None = None,
                 planned: list[PlannedUnit] | None = None, lexicon: str = "") -> None:
        self.folder = folder
        self._lock = lock
        self.book = book
        self.settings = settings
        self.emit = emit
        self.units_dir = folder / "units"
        self.chapters_dir = folder / "chapters"
        for path in (self.units_dir, self.chapters_dir):
            path.mkdir(parents=True, exist_ok=True)
        self.store = JobStore(folder / STORE_NAME)
        self._accept_lock = threading.Lock()
        if not self.store.is_planned:
            units = planned if planned is not None else plan_book(
                book, settings.plan, language=settings.engine.language)
            self.store.initialise(
                {"title": book.metadata.title},
                [(c.title, len(c.text)) for c in book.chapters], units)
        elif planned is not None and self.store.meta().get(LEXICON_META, "") != lexicon:
            # The user's lexicon changed since the units were planned. (Only then: an e2a
            # that now says a sentence otherwise does not re-speak a book it resumes.)
            self._take_new_text(planned)
        self.store.set_meta({"schema": str(SCHEMA_VERSION), LEXICON_META: lexicon,
                             "settings": json.dumps(settings.speech.to_json())})
        self._requeue_lost_audio()

    def _take_new_text(self, planned: list[PlannedUnit]) -> None:
        """The book planned again says some sentences otherwise (the user's lexicon
        changed): the units holding them are spoken again, nothing else is (see
        :func:`text_changes`). Either way the chapter's encoded file is stale and goes."""
        changes = text_changes(self.store, planned)
        for chapter in changes.replanned:
            self.store.replan_chapter(chapter, [p for p in planned if p.chapter == chapter])
        self.store.retext(changes.retexted)
        for chapter in changes.stale_chapters:
            for encoded in self.chapters_dir.glob(f"{chapter:03d}.*"):
                encoded.unlink()

    def _requeue_lost_audio(self) -> None:
        """Units recorded done whose audio file is gone (deleted, disk trouble) are redone.

        Their chapters' encoded files are stale then too, so they go as well; without
        this a re-run would fail while joining a chapter instead of repairing it.
        """
        lost = [u for u in self.store.units()
                if u.status == "done" and not self.units_dir.joinpath(str(u.audio_path)).is_file()]
        if not lost:
            return
        self.store.requeue([u.id for u in lost])
        for chapter in {u.chapter for u in lost}:
            for stale in self.chapters_dir.glob(f"{chapter:03d}.*"):
                stale.unlink()

    @classmethod
    def open_for(cls, book_path: Path, book: Book, settings: JobSettings, paths: AppPaths,
                 emit: Emit = ignore, planned: list[PlannedUnit] | None = None,
                 lexicon: str = "") -> Job:
        """The book's job folder, locked against a second e2a converting the same job."""
        paths.jobs_dir.mkdir(parents=True, exist_ok=True)
        folder = job_folder(paths.jobs_dir, book_path, settings)
        folder.mkdir(exist_ok=True)
        lock = JobLock(folder, book_path)
        try:
            job = cls(folder, book, settings, emit, lock, planned, lexicon)
            job.store.set_meta({BOOK_PATH_META: str(book_path.resolve())})
            return job
        except BaseException:
            lock.release()
            raise

    @property
    def voice_sample(self) -> Path:
        """The job's copy of its reference recording (only jobs that clone a voice)."""
        return self.folder / VOICE_SAMPLE_NAME

    def keep_voice_sample(self, voices_dir: Path) -> None:
        """Make sure the job holds the recording its voice clones, and this PC does too.

        The job keeps its own copy, so every node (and a resume months later) gets
        the same reference even if the user's samples folder was tidied; a copy
        missing from the samples folder is put back for the built-in node.
        """
        sample_id = self.settings.engine.reference_voice
        if not sample_id:
            return
        mine = sample_path(voices_dir, sample_id)
        for source, target in ((mine, self.voice_sample), (self.voice_sample, mine)):
            if source.is_file() and not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(target.name + ".tmp")
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
        if not self.voice_sample.is_file():
            raise E2AError(f"the voice sample {sample_id[:12]}… of this job is gone; choose "
                           "the recording again with --voice-sample", self.folder)

    def close(self) -> None:
        """Close the store and let another e2a open this job."""
        self.store.close()
        if self._lock is not None:
            self._lock.release()

    def unit_wav(self, unit_id: int) -> Path:
        return self.units_dir / f"{unit_id:06d}.wav"

    def upload_tmp(self, unit_id: int, node: str) -> Path:
        """Where a unit's audio is written before it is accepted (inside the job folder)."""
        safe_node = "".join(c for c in node if c.isalnum() or c in "-_")[:64]
        return self.units_dir / f"{unit_id:06d}.{safe_node}.{os.getpid()}.tmp"

    def accept_file(self, unit: UnitRecord, node: str, tmp: Path, duration: float,
                    spans: list[tuple[float, float]], now: float) -> bool:
        """Make a validated WAV the unit's audio, then mark it done; False if a copy won.

        The file is fsynced and renamed into place before the store records it, so a
        unit marked done always has its audio on disk.
        """
        with self._accept_lock:
            current = self.store.unit(unit.id)
            if current is None or current.status == "done":
                tmp.unlink(missing_ok=True)
                self.emit(UnitFinished(node, unit.id, unit.chapter, unit.chars, duration,
                                           accepted=False))
                return False
            final = self.unit_wav(unit.id)
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, final)
            accepted = self.store.complete(unit.id, node, final.name, duration, spans, now)
        self.emit(UnitFinished(node, unit.id, unit.chapter, unit.chars, duration, accepted))
        return accepted


@dataclass(frozen=True)
class TextChanges:
    """What a book planned again says otherwise than its stored units."""

    retexted: list[tuple[int, tuple[str, ...]]]
    """Stored units (id) whose sentences now read otherwise; spoken again with the new text."""
    replanned: list[int]
    """Chapters whose count of sentences changed (an entry that adds a full stop): planned
    anew whole."""

    _chapter_of: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def stale_chapters(self) -> set[int]:
        """Chapters whose encoded file no longer says what the book does."""
        return set(self.replanned) | {self._chapter_of[unit] for unit, _ in self.retexted}

    @property
    def empty(self) -> bool:
        """Nothing the new plan says differs from what was spoken."""
        return not self.retexted and not self.replanned


def text_changes(store: JobStore, planned: Sequence[PlannedUnit]) -> TextChanges:
    """Compare a fresh plan of the book with the stored units, without changing anything.

    Units may have been cut into parts since (the tail of a book), so the stored units
    are matched sentence by sentence, in reading order. ``e2a redo`` asks this first to
    say how much a changed lexicon will re-speak; the job then applies it.
    """
    new: dict[int, list[str]] = {}
    for plan in planned:
        new.setdefault(plan.chapter, []).extend(plan.sentences)
    retexted: list[tuple[int, tuple[str, ...]]] = []
    replanned: list[int] = []
    chapter_of: dict[int, int] = {}
    for chapter, sentences in new.items():
        stored = store.units(chapter)
        if not stored or [s for u in stored for s in u.sentences] == sentences:
            continue
        if sum(len(u.sentences) for u in stored) != len(sentences):
            replanned.append(chapter)
            continue
        at = 0
        for unit in stored:
            said = tuple(sentences[at:at + len(unit.sentences)])
            at += len(unit.sentences)
            if said != unit.sentences:
                retexted.append((unit.id, said))
                chapter_of[unit.id] = chapter
    return TextChanges(retexted, replanned, chapter_of)
