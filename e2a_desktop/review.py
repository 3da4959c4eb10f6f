"""What a finished (or half-finished) job holds, where each unit is heard, and redoing one.

`e2a report BOOK` and `e2a redo BOOK` work on the job folder a conversion of BOOK with
the same options used (the folder's name is a digest of the book and those options), so
they need no database of their own: the store already knows every unit's text, audio
length and sentence timings, and the judge records the units it kept only because every
try failed. From those, a unit's place in the audiobook is exact, the same sum the
subtitles use: chapter start + the units before it and their pauses.

Redo does not speak anything itself: it puts the chosen unit back in the queue, deletes
its chapter's encoded file (now stale), and lets an ordinary conversion of the same job
speak that one unit and bind the book again. Everything else is reused, so nothing else
is spoken again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from e2a_node.settings import PauseSettings

from .config import AppPaths
from .errors import E2AError
from .farm.farm import FLAGGED_KEY, stored_redone
from .job import BOOK_PATH_META, STORE_NAME, JobSettings
from .jobid import job_folder
from .joblock import JobBusy, JobLock
from .jobs import list_jobs
from .mastering import encoded_seconds
from .store import JobStore, UnitRecord
from .subtitles import unit_starts

if TYPE_CHECKING:
    from .convert import PreparedBook


@dataclass(frozen=True)
class PlacedUnit:
    """A unit and where it is heard in the audiobook (seconds; None: not spoken yet)."""

    unit: UnitRecord
    start: float | None
    end: float | None


@dataclass(frozen=True)
class ChapterReview:
    number: int  # 1-based, as --chapters and the report number them
    title: str
    start: float | None  # in the audiobook; None once an earlier chapter is unspoken
    units: tuple[PlacedUnit, ...]

    redone: int = 0  # its units the audio check sent back to be spoken again

    @property
    def spoken(self) -> int:
        return sum(1 for p in self.units if p.unit.status == "done")

    @property
    def state(self) -> str:
        """"all spoken", "3 spoken, 2 to speak", with "; 1 spoken again" after it."""
        total = len(self.units)
        said = "all spoken" if self.spoken == total else \
            f"{self.spoken} spoken, {total - self.spoken} to speak"
        return said + (f"; {self.redone} spoken again" if self.redone else "")

    @property
    def seconds(self) -> float:
        return sum(p.unit.duration or 0.0 for p in self.units)


@dataclass(frozen=True)
class JobReview:
    folder: Path
    title: str
    chapters: tuple[ChapterReview, ...]
    flagged: dict[int, str]  # unit id → why the judge refused it

    def placed(self, unit_id: int) -> PlacedUnit | None:
        return next((p for c in self.chapters for p in c.units if p.unit.id == unit_id), None)

    def chapter_of(self, unit_id: int) -> ChapterReview | None:
        return next((c for c in self.chapters if any(p.unit.id == unit_id for p in c.units)),
                    None)


def find_job(paths: AppPaths, book_path: Path, settings: JobSettings) -> Path:
    """The job folder of BOOK converted with ``settings``; an E2AError that says what was
    converted instead (its voice) when there is none, so the user can repeat the options."""
    folder = job_folder(paths.jobs_dir, book_path, settings)
    if (folder / STORE_NAME).is_file():
        return folder
    wanted = str(book_path.resolve())
    others = [job for job in list_jobs(paths) if job.meta.get(BOOK_PATH_META) == wanted]
    if not others:
        raise E2AError("this book has not been converted on this computer (or its work "
                       "files were cleaned with `e2a jobs --clean`)", book_path)
    options = sorted({_options_of(job.meta) for job in others})
    raise E2AError("this book was converted with other options; give the options you "
                   f"converted it with, e.g. {' or '.join(options)}", book_path)


def _options_of(meta: dict[str, str]) -> str:
    """The voice options a job was converted with, as they are typed."""
    try:
        engine = json.loads(meta.get("settings", "{}"))["engine"]
        options = [f"--voice {engine['engine']}:{engine['voice']}"]
        if float(engine.get("speed", 1.0)) != 1.0:
            options.append(f"--speed {float(engine['speed']):g}")
        if engine.get("speaker"):
            options.append(f"--speaker {engine['speaker']}")
        return " ".join(options)
    except (ValueError, KeyError, TypeError, AttributeError):
        return "(options unknown)"


def review(folder: Path, chapters: Sequence[int], titles: Sequence[str],
           pauses: PauseSettings, chapter_seconds: dict[int, float] | None = None) -> JobReview:
    """Each of ``chapters`` (store indices, in book order; ``titles`` are the book's
    chapter titles) with its units placed.

    ``pauses`` are as heard (``PauseSettings.at_speed``). ``chapter_seconds``: the exact
    lengths of encoded chapters where known (the chapter marks are made from these);
    otherwise a chapter's length is its units and pauses, a few milliseconds short.
    """
    store = JobStore(folder / STORE_NAME)
    try:
        meta = store.meta()
        redone = stored_redone(meta)
        reviewed: list[ChapterReview] = []
        at: float | None = 0.0
        for index in chapters:
            units = store.units(index)
            starts = unit_starts(units, pauses)
            placed = tuple(
                PlacedUnit(u, at + s if at is not None and s is not None else None,
                           at + s + (u.duration or 0.0)
                           if at is not None and s is not None else None)
                for u, s in zip(units, starts, strict=True))
            reviewed.append(ChapterReview(index + 1, titles[index], at, placed,
                                          sum(1 for u in units if u.id in redone)))
            if at is not None:
                length = (chapter_seconds or {}).get(index)
                if length is None and all(u.status == "done" for u in units) and units:
                    last = units[-1]
                    length = (starts[-1] or 0.0) + (last.duration or 0.0)
                at = at + length if length is not None else None
    finally:
        store.close()
    try:
        flagged = {int(k): str(v) for k, v in json.loads(meta.get(FLAGGED_KEY, "{}")).items()}
    except (ValueError, AttributeError):
        flagged = {}
    return JobReview(folder, meta.get("title", folder.name), tuple(reviewed), flagged)


@dataclass(frozen=True)
class Flagged:
    """A unit the audio check kept only because every try failed, and where it is heard."""

    chapter: ChapterReview
    placed: PlacedUnit
    why: str


def flagged_units(job: JobReview) -> list[Flagged]:
    """The flagged units of the chapters in this audiobook, in the order they are heard."""
    found = []
    for unit_id, why in job.flagged.items():
        placed, holder = job.placed(unit_id), job.chapter_of(unit_id)
        if placed is not None and holder is not None:  # else: a chapter not in this book
            found.append(Flagged(holder, placed, why))
    return sorted(found, key=lambda f: (f.chapter.number, f.placed.unit.seq))


def review_prepared(folder: Path, prepared: PreparedBook) -> JobReview:
    """``review`` of a job as ``prepared`` converts it: its chapters, titles and pauses,
    and the exact lengths of the chapters encoded so far."""
    request = prepared.request
    encoded = {c: folder / "chapters" / f"{c:03d}.{prepared.fmt.part_extension}"
               for c in prepared.chapters}
    seconds = {c: s for c, s in ((c, encoded_seconds(p)) for c, p in encoded.items()
                                 if p.is_file()) if s is not None}
    return review(folder, prepared.chapters, [c.title for c in prepared.book.chapters],
                  request.pauses.at_speed(request.voice.speed), seconds)


def find_review(paths: AppPaths, prepared: PreparedBook) -> JobReview:
    """The job ``prepared``'s book was converted into with its options, reviewed."""
    request = prepared.request
    folder = find_job(paths, request.book_path, JobSettings(request.voice, request.pauses,
                                                            request.plan, request.reading))
    return review_prepared(folder, prepared)


_CLOCK = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d(?:\.\d+)?)$|^(\d+(?:\.\d+)?)s?$")


def parse_time(text: str) -> float:
    """'1:23:45', '23:45', '83.5' or '83.5s' → seconds (argparse type)."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not a time; write H:MM:SS, M:SS or seconds")
    if match.group(4) is not None:
        return float(match.group(4))
    hours, minutes, seconds = match.group(1), match.group(2), match.group(3)
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def heard_seconds(job: JobReview) -> float:
    """How long the audiobook is as far as it is spoken: where its last placed part ends,
    pauses included. The one length the Review tab and "past its end" both give."""
    return max((p.end for c in job.chapters for p in c.units if p.end is not None),
               default=0.0)


def unit_at(job: JobReview, seconds: float) -> PlacedUnit:
    """The unit heard at ``seconds`` into the audiobook (a pause belongs to the unit after
    it: that is the one a listener hears start).

    A whole second, as players and the report show time, stands for that whole second: a
    unit starting at 47.6 s is the one at "0:47", as the report prints it.
    """
    spoken = [p for c in job.chapters for p in c.units if p.start is not None]
    if not spoken:
        raise E2AError("Nothing of this book has been spoken yet.")
    end = heard_seconds(job)
    if seconds < 0 or seconds > end + 1.0:
        raise E2AError(f"The audiobook is {clock(end)} long; {clock(seconds)} is past its end.")
    upto = seconds + 0.999 if seconds == int(seconds) else seconds
    before = [p for p in spoken if (p.start or 0.0) <= upto]
    return before[-1] if before else spoken[0]


def unit_of_sentence(job: JobReview, chapter: int, sentence: int) -> PlacedUnit:
    """The unit holding sentence ``sentence`` (1-based) of chapter ``chapter`` (1-based),
    counted as `e2a text` prints them."""
    found = next((c for c in job.chapters if c.number == chapter), None)
    if found is None:
        numbers = [c.number for c in job.chapters]
        raise E2AError(f"chapter {chapter} is not in this audiobook (it has chapters "
                       f"{numbers[0]}–{numbers[-1]})" if numbers else "the job has no chapters")
    count = 0
    for placed in found.units:
        count += len(placed.unit.sentences)
        if sentence <= count and sentence >= 1:
            return placed
    raise E2AError(f"chapter {chapter} has {count} sentences; there is no sentence {sentence}")


def requeue_for_redo(folder: Path, unit: UnitRecord, book_path: Path) -> None:
    """Put ``unit`` back in the queue and drop what its old audio made: the chapter's
    encoded file and the judge's flag on it. Refused while another e2a converts the job."""
    try:
        lock = JobLock(folder, book_path)
    except JobBusy as exc:
        raise E2AError(str(exc), book_path) from None
    try:
        store = JobStore(folder / STORE_NAME)
        try:
            store.requeue([unit.id])
            meta = store.meta()
            try:
                flagged = json.loads(meta.get(FLAGGED_KEY, "{}"))
            except ValueError:
                flagged = {}
            if isinstance(flagged, dict) and flagged.pop(str(unit.id), None) is not None:
                store.set_meta({FLAGGED_KEY: json.dumps(flagged)})
        finally:
            store.close()
        for stale in (folder / "chapters").glob(f"{unit.chapter:03d}.*"):
            stale.unlink()
    finally:
        lock.release()


def redo(job: JobReview, placed: PlacedUnit, book_path: Path) -> None:
    """Put a spoken unit back in the queue (``requeue_for_redo``); a converting of the
    same book then speaks it again and binds the book again."""
    unit = placed.unit
    if unit.status != "done":
        raise E2AError(f"that part of chapter {unit.chapter + 1} is not spoken yet; "
                       "converting the book speaks it")
    requeue_for_redo(job.folder, unit, book_path)
