"""From reader sections to chapters: titles, normalised text, short sections merged."""

from __future__ import annotations

import re
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


NAVIGATION_LABELS = frozenset({
    "cover", "title page", "titlepage", "half title", "copyright", "copyright page",
    "contents", "table of contents", "toc", "colophon", "imprint",
})
"""TOC labels that name a kind of page, not a title a narrator would announce."""
MAX_HEADING_CHARS = 150


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _announced(title: str, text: str) -> bool:
    """The text already opens with the title, or with a heading that says all it says.

    TOCs and headings word the same title differently ("Chapter 1: Loomings" against
    "CHAPTER 1. Loomings."); announcing both would say it twice.
    """
    if text.lower().startswith(title.lower()):
        return True
    opening = text.split("\n\n", 1)[0]
    if len(opening) > MAX_HEADING_CHARS:  # a paragraph of the story, not a heading
        return False
    return set(_words(title)) <= set(_words(opening))


def _with_title(title: str, text: str) -> str:
    """Make the narrator announce the chapter: the title leads the text once."""
    spoken_title = normalize_text(title)
    if (not spoken_title or " ".join(_words(spoken_title)) in NAVIGATION_LABELS
            or _announced(spoken_title, text)):
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
