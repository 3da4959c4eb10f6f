"""From reader sections to chapters: titles, normalised text, short sections merged."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Chapter
from .normalize import normalize_text

MIN_CHAPTER_CHARS = 200
"""Sections shorter than this (a part title, a dedication) merge into the next one."""


@dataclass
class Section:
    """One piece of a book as a reader found it, before it becomes a chapter."""

    title: str
    heading: str
    text: str


def _with_title(title: str, text: str) -> str:
    """Make the narrator announce the chapter: the title leads the text once."""
    spoken_title = normalize_text(title)
    if not spoken_title or text.lower().startswith(spoken_title.lower()):
        return text
    return f"{spoken_title}\n\n{text}" if text else spoken_title


def sections_to_chapters(sections: list[Section],
                         min_chars: int = MIN_CHAPTER_CHARS) -> list[Chapter]:
    """Normalise each section; merge too-short ones forward (the last one backward)."""
    cleaned: list[tuple[str, str]] = []
    for section in sections:
        text = normalize_text(section.text)
        if not text:
            continue
        title = " ".join((section.title or section.heading).split())
        cleaned.append((title, _with_title(title, text)))

    chapters: list[tuple[str, str]] = []
    carry_title, carry_text = "", ""
    for title, text in cleaned:
        if carry_text:
            text = f"{carry_text}\n\n{text}"
            title = title or carry_title
        if len(text) < min_chars:
            carry_title, carry_text = title, text
            continue
        carry_title, carry_text = "", ""
        chapters.append((title, text))
    if carry_text:
        if chapters:
            last_title, last_text = chapters[-1]
            chapters[-1] = (last_title, f"{last_text}\n\n{carry_text}")
        else:
            chapters.append((carry_title, carry_text))
    return [
        Chapter(title=title or f"Chapter {i}", text=text)
        for i, (title, text) in enumerate(chapters, start=1)
    ]
