"""Bind encoded chapters into the audiobook: a stream copy plus chapters, tags, cover.

Chapters were encoded as soon as they were complete, so binding never
re-encodes: it is fast even for a long book.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..ebook.model import Cover, Metadata
from .ffmpeg import run_ffmpeg
from .formats import OutputFormat

_ISO639_2 = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "nl": "nld",
             "pt": "por", "ru": "rus", "pl": "pol", "sv": "swe", "fi": "fin", "da": "dan",
             "no": "nor", "cs": "ces", "ja": "jpn", "zh": "zho", "uk": "ukr"}
_COVER_FORMATS = {"m4b", "mp3", "flac"}


@dataclass(frozen=True)
class BoundChapter:
    """An encoded chapter file with its title and exact duration."""

    path: Path
    title: str
    duration: float


def _escape(value: str) -> str:
    for char in ("\\", "=", ";", "#", "\n"):
        value = value.replace(char, "\\" + char)
    return value


def _tags(metadata: Metadata) -> dict[str, str]:
    tags = {
        "title": metadata.title, "album": metadata.title, "artist": metadata.author,
        "album_artist": metadata.author, "composer": metadata.author, "genre": "Audiobook",
        "date": metadata.year, "language": metadata.language,
        "comment": metadata.description, "description": metadata.description,
    }
    return {k: v for k, v in tags.items() if v}


def chapter_marks(chapters: Sequence[BoundChapter]) -> list[tuple[int, int]]:
    """Each chapter's (start, end) in the bound book, in milliseconds, as its chapter
    marks say (subtitles are timed from these too)."""
    marks = []
    start = 0
    for chapter in chapters:
        end = start + max(1, round(chapter.duration * 1000))
        marks.append((start, end))
        start = end
    return marks


def ffmetadata(metadata: Metadata, chapters: Sequence[BoundChapter]) -> str:
    """FFMETADATA1 text: global tags and one [CHAPTER] per chapter (milliseconds)."""
    lines = [";FFMETADATA1"]
    lines += [f"{key}={_escape(value)}" for key, value in _tags(metadata).items()]
    for chapter, (start, end) in zip(chapters, chapter_marks(chapters), strict=True):
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}",
                  f"title={_escape(chapter.title)}"]
    return "\n".join(lines) + "\n"


def _cover_args(fmt: OutputFormat, cover_path: Path | None, input_index: int) -> list[str]:
    if cover_path is None or fmt.name not in _COVER_FORMATS:
        return []
    return ["-map", f"{input_index}:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]


def _language_args(metadata: Metadata) -> list[str]:
    code = _ISO639_2.get(metadata.language.split("-")[0].lower())
    return ["-metadata:s:a:0", f"language={code}"] if code else []


def bind_book(chapters: Sequence[BoundChapter], metadata: Metadata, cover: Cover | None,
              fmt: OutputFormat, out_path: Path, work_dir: Path) -> None:
    """Write the whole book to ``out_path`` atomically (a .part file, then a rename)."""
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        tmp_dir = Path(tmp)
        listing = tmp_dir / "chapters.txt"
        listing.write_text("".join(f"file '{_quote(c.path)}'\n" for c in chapters),
                           encoding="utf-8")
        meta = tmp_dir / "metadata.txt"
        meta.write_text(ffmetadata(metadata, chapters), encoding="utf-8")
        cover_path = _write_cover(cover, tmp_dir)
        args = ["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(meta)]
        if cover_path and fmt.name in _COVER_FORMATS:
            args += ["-i", str(cover_path)]
        args += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-c:a", "copy"]
        args += _cover_args(fmt, cover_path, 2) + _language_args(metadata)
        args += [*fmt.book_muxer_args, "-f", fmt.muxer]
        part = out_path.with_name(out_path.name + ".part")
        run_ffmpeg([*args, str(part)], f"binding {out_path.name}")
        os.replace(part, out_path)


def write_chapter_file(chapter: BoundChapter, number: int, total: int, metadata: Metadata,
                       cover: Cover | None, fmt: OutputFormat, out_path: Path,
                       work_dir: Path) -> None:
    """One tagged file per chapter (for --split-chapters)."""
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        cover_path = _write_cover(cover, Path(tmp))
        args = ["-i", str(chapter.path)]
        if cover_path and fmt.name in _COVER_FORMATS:
            args += ["-i", str(cover_path)]
        args += ["-map", "0:a", "-c:a", "copy", *_cover_args(fmt, cover_path, 1)]
        tags = {**_tags(metadata), "title": chapter.title, "track": f"{number}/{total}"}
        for key, value in tags.items():
            args += ["-metadata", f"{key}={value}"]
        part = out_path.with_name(out_path.name + ".part")
        run_ffmpeg([*args, "-f", fmt.muxer, str(part)], f"writing {out_path.name}")
        os.replace(part, out_path)


def _write_cover(cover: Cover | None, folder: Path) -> Path | None:
    if cover is None or cover.media_type not in ("image/jpeg", "image/png"):
        return None
    path = folder / f"cover.{cover.extension}"
    path.write_bytes(cover.data)
    return path


def _quote(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")
