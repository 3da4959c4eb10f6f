"""What the window asked for one book, as plain JSON (no Qt here).

A ``SavedRequest`` is kept in two places: in the job's store meta (so an
unfinished job can be resumed from the window's list, with the same voice,
chapters, titles and output) and in the queue file (so queued books survive a
restart of the app). Replaying it gives the same job folder, so nothing spoken
is spoken again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from e2a_node.settings import EngineSettings, SettingsError, SpeechSettings

from ..convert import ConvertRequest, FarmOptions
from ..ebook.model import Book
from ..jobs import JobSummary

META_KEY = "window_request"
"""Store meta key of the request the window started a job with."""
QUEUE_NAME = "queue.json"
VERSION = 1


@dataclass(frozen=True)
class SavedRequest:
    """One book as the window converts it: the voice, the output, the person's edits."""

    book_path: Path
    voice: EngineSettings
    folder: Path
    format: str = "m4b"
    split_chapters: bool = False
    render_here: bool = True
    chapters: tuple[int, ...] | None = None  # 0-based chapters to convert; None: all
    title: str | None = None  # the edited metadata; None: the book's own
    author: str | None = None
    chapter_titles: tuple[str, ...] | None = None
    subtitles: str = ""  # "srt" or "vtt" beside the audiobook; "": none
    read_along: bool = False  # the read-along EPUB beside it
    verify: str = ""  # "asr": a recogniser checks each part's words

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "version": VERSION, "book_path": str(self.book_path),
            "speech": SpeechSettings(self.voice).to_json(), "folder": str(self.folder),
            "format": self.format, "split_chapters": self.split_chapters,
            "render_here": self.render_here, "title": self.title, "author": self.author,
            "chapters": list(self.chapters) if self.chapters is not None else None,
            "chapter_titles": (list(self.chapter_titles) if self.chapter_titles is not None
                               else None),
            "subtitles": self.subtitles, "read_along": self.read_along, "verify": self.verify}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SavedRequest:
        """Raises ValueError for anything that is not a request this version wrote."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError("not a saved request of this version")
            chapters, titles = data.get("chapters"), data.get("chapter_titles")
            return cls(
                Path(_text(data, "book_path")), SpeechSettings.from_json(data["speech"]).engine,
                Path(_text(data, "folder")), _text(data, "format"),
                bool(data.get("split_chapters")), bool(data.get("render_here", True)),
                tuple(int(c) for c in chapters) if chapters is not None else None,
                _optional(data, "title"), _optional(data, "author"),
                tuple(str(t) for t in titles) if titles is not None else None,
                _choice(data, "subtitles", ("srt", "vtt")), bool(data.get("read_along")),
                _choice(data, "verify", ("asr",)))
        except (KeyError, TypeError, SettingsError, json.JSONDecodeError) as exc:
            raise ValueError(f"not a saved request: {exc}") from None

    @property
    def label(self) -> str:
        return self.title or self.book_path.name

    def convert_request(self, sentence_limit: int | None = None) -> ConvertRequest:
        """The job service's request: output named after the book, in the chosen folder."""
        name = self.book_path.stem
        target = self.folder / (name if self.split_chapters else f"{name}.{self.format}")
        chapters = (",".join(str(i + 1) for i in self.chapters) if self.chapters is not None
                    else None)
        return ConvertRequest(self.book_path, target, self.format, self.voice,
                              chapters=chapters, split_chapters=self.split_chapters,
                              farm=FarmOptions(), sentence_limit=sentence_limit,
                              subtitles=self.subtitles or None, read_along=self.read_along,
                              verify=self.verify)

    def edited(self, book: Book) -> Book:
        """The book as the person shaped it: their title, author and chapter titles."""
        meta = replace(book.metadata, title=self.title or book.metadata.title,
                       author=book.metadata.author if self.author is None else self.author)
        titles = self.chapter_titles
        if titles is None or len(titles) != len(book.chapters):
            return replace(book, metadata=meta)
        return replace(book, metadata=meta,
                       chapters=[replace(c, title=t) for c, t in zip(book.chapters, titles,
                                                                       strict=True)])


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"'{key}' is not a string")
    return value


def _optional(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _choice(data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``, or "" (absent in a request saved before the choice existed)."""
    value = data.get(key)
    return value if isinstance(value, str) and value in allowed else ""


def saved_request(job: JobSummary) -> SavedRequest | None:
    """What the window started ``job`` with; None for jobs it did not start (the CLI's)."""
    text = job.meta.get(META_KEY)
    if text is None:
        return None
    try:
        return SavedRequest.from_json(text)
    except ValueError:
        return None


def unfinished(jobs: list[JobSummary]) -> list[JobSummary]:
    """Jobs with units still to speak, by title."""
    return sorted((j for j in jobs if j.units_total and not j.finished),
                  key=lambda j: j.title.lower())


def load_queue(path: Path) -> list[SavedRequest]:
    """The queued books; a missing or damaged file is an empty queue (never a crash)."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(items, list):
        return []
    queue = []
    for item in items:
        try:
            queue.append(SavedRequest.from_json(json.dumps(item)))
        except ValueError:
            continue
    return queue


def save_queue(path: Path, queue: list[SavedRequest]) -> None:
    """Written whole to a temporary file and renamed, so a crash leaves the old or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps([json.loads(r.to_json()) for r in queue], ensure_ascii=False,
                              indent=1), encoding="utf-8")
    os.replace(tmp, path)
