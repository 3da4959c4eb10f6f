"""Notes (footnotes, endnotes): never read where their mark is, but after their chapter.

A narrator does not stop mid-sentence to read a footnote. A reader leaves each note's
text where its walk meets it, wrapped in two private-use marks; ``notes_at_end`` takes
the wrapped notes out of the running text and puts them after the chapter under
"Notes.". Marking the text rather than the tree lets a note follow its chapter through
every way a reader cuts a book (TOC anchors, headings, page ranges).
"""

from __future__ import annotations

import re

NOTE_OPEN = "\ue0f1"
NOTE_CLOSE = "\ue0f2"
"""Private-use characters around a note's text; no book uses them for this pair."""
_NOTE = re.compile(f"{NOTE_OPEN}([^{NOTE_OPEN}{NOTE_CLOSE}]*){NOTE_CLOSE}")
_MARKS = re.compile(f"[{NOTE_OPEN}{NOTE_CLOSE}]")
_SPACED_NOTE = re.compile(f"[ \\t]+{_NOTE.pattern}(?=[.,;:!?)\\]»”’])")
"""A note set after a space but before the punctuation ("word <note>."): its place
leaves no stray space."""

NOTES_LABELS = {"en": "Notes.", "fr": "Notes.", "de": "Anmerkungen.", "es": "Notas.",
                "it": "Note.", "pt": "Notas.", "nl": "Noten.", "sv": "Noter.",
                "da": "Noter.", "no": "Noter.", "nb": "Noter.", "fi": "Huomautukset.",
                "pl": "Przypisy.", "cs": "Poznámky.", "ru": "Примечания.",
                "uk": "Примітки.", "el": "Σημειώσεις.", "ca": "Notes.", "ja": "注。",
                "zh": "注释。"}
"""What introduces a chapter's notes, in the book's language (said by its voice)."""


def strip_notes(text: str) -> str:
    """The text without its notes (a heading, a title)."""
    return split_notes(text)[0]


def split_notes(text: str) -> tuple[str, list[str]]:
    """(the running text with each note taken out, the notes in order)."""
    if NOTE_OPEN not in text and NOTE_CLOSE not in text:
        return text, []
    notes = [" ".join(n.split()) if "\n\n" not in n else n.strip() for n in _NOTE.findall(text)]
    body = _MARKS.sub("", _NOTE.sub("", _SPACED_NOTE.sub(_kept_note, text)))
    return body, [n for n in notes if n.strip()]


def _kept_note(match: re.Match[str]) -> str:
    return f"{NOTE_OPEN}{match.group(1)}{NOTE_CLOSE}"


def notes_label(language: str) -> str:
    return NOTES_LABELS.get(language.split("-")[0].split("_")[0].lower(), "Notes.")


def notes_at_end(text: str, language: str = "en") -> str:
    """The chapter's text with its notes after it, introduced ("Notes.", then each note).
    A text that is only notes (an endnotes chapter) needs no introduction."""
    body, notes = split_notes(text)
    if not notes:
        return body
    if not body.strip():
        return "\n\n".join(notes)
    return "\n\n".join([body.rstrip(), notes_label(language), *notes])
