"""From reader sections to chapters: titles, normalised text, short sections merged."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Chapter
from .normalize import normalize_text
from .notes import notes_at_end, strip_notes

MIN_CHAPTER_CHARS = 200
"""Untitled sections shorter than this (a dedication, a part title) merge into the next one."""


@dataclass
class Section:
    """One piece of a book as a reader found it, before it becomes a chapter."""

    title: str
    heading: str
    text: str


NAVIGATION_LABELS = frozenset({
    "cover", "title page", "titlepage", "half title", "copyright", "copyright page",
    "contents", "table of contents", "toc", "colophon", "imprint", "begin reading",
    "start reading", "start", "couverture", "page de titre", "commencer la lecture",
    "sommaire", "table des matières", "titelseite", "inhalt", "inhaltsverzeichnis",
})
"""TOC labels that name a kind of page, not a title a narrator would announce."""
FRONT_MATTER_LABELS = NAVIGATION_LABELS | {"dedication", "epigraph", "frontispiece",
                                           "halftitle", "half title page"}
"""Labels of short pages that belong with what follows rather than being a chapter."""
MAX_HEADING_CHARS = 150


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


_PUNCTUATION = "".join(chr(c) for c in range(0x2030) if unicodedata.category(chr(c))[0] in "PS")
_NUMBERING = re.compile(r"^(?:\d+|[ivxlcdm]+)$")


def _naming_words(text: str) -> set[str]:
    """The words that name a chapter, without its numbering ("I." and "1." say the same)."""
    words = set(_words(text))
    named = {w for w in words if not _NUMBERING.match(w)}
    return named or words


def _announced(title: str, text: str) -> bool:
    """The text already opens with the title, or with heading lines that say all it says.

    TOCs and headings word the same title differently ("Chapter 1: Loomings" against
    "CHAPTER 1. Loomings."), and a chapter may open with a label line before its title
    ("CHAPTER ONE" / "The Boy Who Lived"); announcing the title too would say it twice.
    """
    if text.lower().startswith(title.lower()):
        return True
    wanted = _naming_words(title)
    seen: set[str] = set()
    for line in text.split("\n\n", 2)[:2]:
        if len(line) > MAX_HEADING_CHARS:  # a paragraph of the story, not a heading
            return False
        seen |= set(_words(line))
        if wanted <= seen:
            return True
    return False


def is_navigation_label(title: str) -> bool:
    return " ".join(_words(title)) in NAVIGATION_LABELS


def _tokens(text: str) -> list[str]:
    """Words split at spaces, punctuation trimmed ("Appendix A:" is "appendix", "a"). Not
    ``\\w+``: it cuts Devanagari words at their vowel signs ("[वै]" is no prefix of "विराट")."""
    tokens = (token.strip(_PUNCTUATION) for token in text.lower().split())
    return [token for token in tokens if token]


def _opens_with_label(title: str, text: str) -> bool:
    """The text's first line is only the title's leading number or numbered label ("190"
    under the TOC's "190 A FOUR-LEAVED CLOVER", "Chapter 5" under "Chapter 5: Loomings")."""
    first = text.split("\n\n", 1)[0]
    if len(first) > MAX_HEADING_CHARS:
        return False
    label, named = _tokens(first), _tokens(title)
    numbered = any(token.isdigit() or _NUMBERING.match(token) or len(token) == 1
                   for token in label)  # "[Virata]" opening a "Virata Parva" chapter is no label
    return numbered and 0 < len(label) < len(named) and named[: len(label)] == label


def _with_title(title: str, text: str, language: str) -> str:
    """Make the narrator announce the chapter: the title leads the text once."""
    spoken_title = normalize_text(title, language)
    if not spoken_title or is_navigation_label(spoken_title) or _announced(spoken_title, text):
        return text
    if _opens_with_label(spoken_title, text):  # the title says it all: say the title instead
        rest = text.split("\n\n", 1)[1:]
        return "\n\n".join([spoken_title, *rest])
    return f"{spoken_title}\n\n{text}" if text else spoken_title


def _joins_next(title: str, text: str, min_chars: int) -> bool:
    """Short and not a chapter of its own: untitled, a front-matter page, or a bare title."""
    if len(text) >= min_chars:
        return False
    label = " ".join(_words(title))
    bare = not text.split("\n\n", 1)[1:] and bool(title)
    return not label or label in FRONT_MATTER_LABELS or bare


def sections_to_chapters(sections: list[Section], min_chars: int = MIN_CHAPTER_CHARS,
                         language: str = "en") -> list[Chapter]:
    """Normalise each section; merge short untitled ones forward (the last one backward).

    A short section with a title and a body ("Chapter 1" and three lines) stays a chapter
    under its own title: merging it would give its words the next chapter's title.
    """
    cleaned: list[tuple[str, str, bool]] = []
    for section in sections:
        text = normalize_text(notes_at_end(section.text, language), language)
        if not text:
            continue
        label = " ".join(strip_notes(section.title or section.heading).split())
        text = _with_title(label, text, language)
        joins = _joins_next(label, text, min_chars)
        if is_navigation_label(label):  # "Start reading" names no chapter: its heading does
            label = " ".join(strip_notes(section.heading).split())
        cleaned.append((label, text, joins))

    chapters: list[tuple[str, str]] = []
    carry_title, carry_text = "", ""
    for title, text, joins in cleaned:
        if carry_text:
            text = f"{carry_text}\n\n{text}"
            title = title or carry_title
        if joins and len(text) < min_chars:
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
    name = CHAPTER_NAMES.get(language.split("-")[0].split("_")[0].lower(), "Chapter {n}")
    return [
        Chapter(title=title or name.format(n=i), text=text)
        for i, (title, text) in enumerate(chapters, start=1)
    ]


CHAPTER_NAMES = {"fr": "Chapitre {n}", "de": "Kapitel {n}", "es": "Capítulo {n}",
                 "it": "Capitolo {n}", "pt": "Capítulo {n}", "nl": "Hoofdstuk {n}",
                 "sv": "Kapitel {n}", "da": "Kapitel {n}", "no": "Kapittel {n}",
                 "nb": "Kapittel {n}", "fi": "Luku {n}", "pl": "Rozdział {n}",
                 "cs": "Kapitola {n}", "ru": "Глава {n}", "uk": "Розділ {n}",
                 "el": "Κεφάλαιο {n}", "ca": "Capítol {n}", "ja": "第{n}章", "zh": "第{n}章"}
"""An untitled chapter's name in the book's own language ("Chapitre 3", not "Chapter 3"),
said by the voice of that language."""
