"""Sentence-timed subtitles (SRT or WebVTT) for a finished audiobook, from what is stored.

Every node sends, with a unit's audio, where each of its sentences sits in it; the
chapter's encoder joins a chapter's units with the job's pauses between them, and the
book's chapter marks are the encoded chapters' lengths laid end to end. So a
sentence's time in the audiobook is known exactly without listening to anything:
chapter start + the units before it and their pauses + its span in its unit. One cue
per sentence, the sentence as the planner cut it (what `e2a text` prints).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from e2a_node.phonemes import as_printed
from e2a_node.settings import PauseSettings

from .audio.bind import BoundChapter, chapter_marks

if TYPE_CHECKING:  # types only: cues are worked out without a database
    from .store import JobStore, UnitRecord

FORMATS = ("srt", "vtt")


@dataclass(frozen=True)
class Cue:
    """One sentence: when it is heard in the audiobook (seconds) and what it says."""

    start: float
    end: float
    text: str


def chapter_cues(units: Sequence[UnitRecord], pauses: PauseSettings,
                 offset: float = 0.0) -> list[Cue]:
    """The cues of one chapter whose units are ``units`` (all done, in reading order).

    ``pauses`` are the pauses as heard (``at_speed``); the offsets follow
    ``audio.master.ChapterEncoder.add``: no pause before the chapter's first unit, a
    paragraph pause before a unit that opens a paragraph, a sentence pause otherwise.
    """
    cues: list[Cue] = []
    for unit, at in zip(units, unit_starts(units, pauses), strict=True):
        if at is None:
            raise ValueError(f"unit {unit.id} of chapter {unit.chapter + 1} is not spoken")
        for text, (start, end) in zip(unit.sentences, unit.spans, strict=True):
            if end > start:  # a sentence said in no time (a lone symbol) has no cue
                said = " ".join(as_printed(text).split())  # a phoneme hint shows its word
                cues.append(Cue(offset + at + start, offset + at + end, said))
    return cues


def unit_starts(units: Sequence[UnitRecord], pauses: PauseSettings) -> list[float | None]:
    """Where each of a chapter's units starts in the chapter's audio (seconds), as the
    chapter's encoder lays them out: no pause before the first unit, before each other
    the pause of what its first sentence starts (a paragraph, a stanza, a line, a
    sentence). ``None`` from the first unit not spoken yet on (nothing after it has a
    place)."""
    starts: list[float | None] = []
    at: float | None = 0.0
    for index, unit in enumerate(units):
        if at is None or unit.status != "done" or unit.duration is None:
            at = None
            starts.append(None)
            continue
        if index:
            at += pauses.before(unit.breaks[0] if unit.breaks else False)
        starts.append(at)
        at += unit.duration
    return starts


def book_cues(chapters: Iterable[tuple[float, Sequence[UnitRecord]]],
              pauses: PauseSettings) -> list[Cue]:
    """All cues of a book: each chapter's ``(start in the audiobook, units)``."""
    return [cue for start, units in chapters for cue in chapter_cues(units, pauses, start)]


def _stamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_srt(cues: Sequence[Cue]) -> str:
    """SubRip: numbered cues, comma before the milliseconds, a blank line after each."""
    return "".join(f"{n}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n\n"
                   for n, c in enumerate(cues, 1))


def to_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT: the header, then cues; the text's ``&``, ``<`` and ``>`` escaped (a
    sentence holding "-->" or "<b>" must stay text)."""
    body = "".join(f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n"
                   f"{_vtt_text(c.text)}\n\n" for c in cues)
    return "WEBVTT\n\n" + body


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def subtitle_path(audiobook: Path, kind: str) -> Path:
    """``BOOK.srt`` (or ``.vtt``) beside ``BOOK.m4b``."""
    return audiobook.with_suffix(f".{kind}")


def write_subtitles(path: Path, cues: Sequence[Cue], kind: str) -> None:
    """Write atomically (a .part file, then a rename), as the audiobook is written."""
    if kind not in FORMATS:
        raise ValueError(f"subtitles are srt or vtt, not {kind!r}")
    text = to_srt(cues) if kind == "srt" else to_vtt(cues)
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def write_book_subtitles(store: JobStore, chapters: Sequence[int], starts: Sequence[float],
                         pauses: PauseSettings, path: Path, kind: str) -> int:
    """Subtitles for the bound ``chapters`` (store indices) starting at ``starts`` in the
    audiobook; returns the number of cues written."""
    cues = book_cues(((start, store.units(chapter))
                      for chapter, start in zip(chapters, starts, strict=True)), pauses)
    write_subtitles(path, cues, kind)
    return len(cues)


def write_beside(store: JobStore, chapters: Sequence[int], bound: Sequence[BoundChapter],
                 outputs: Sequence[Path], pauses: PauseSettings, kind: str) -> list[Path]:
    """Subtitles beside each output: one file for a bound book (timed from its chapter
    marks), or one per chapter file (each from 0). Returns the files written."""
    if len(outputs) == 1:
        starts = [start / 1000 for start, _end in chapter_marks(bound)]
        targets = [(subtitle_path(outputs[0], kind), list(chapters), starts)]
    else:
        targets = [(subtitle_path(out, kind), [chapter], [0.0])
                   for chapter, out in zip(chapters, outputs, strict=True)]
    for path, which, starts in targets:
        write_book_subtitles(store, which, starts, pauses, path, kind)
    return [path for path, _which, _starts in targets]
