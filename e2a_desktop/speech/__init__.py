"""The speech front end: text as read from the book → what the voice is given to say.

Runs on the coordinator, when units are planned, so every front end (CLI, window,
farm nodes) speaks the same text, and `e2a text` shows it. A language is added by
adding its function to ``_FRONT_ENDS``. English, French, German, Spanish, Italian,
Portuguese and Dutch have rules; other languages pass through unchanged (their numbers and
symbols are left to the voice's own front end, which reads them in the right language).
"""

from __future__ import annotations

from collections.abc import Callable

from .dutch import say_dutch
from .english import say_english
from .french import FRENCH
from .german import say_german
from .italian import say_italian
from .portuguese import say_portuguese
from .spanish import say_spanish

_FRONT_ENDS: dict[str, Callable[[str], str]] = {"en": say_english, "fr": FRENCH.say,
                                                  "de": say_german, "es": say_spanish,
                                                  "it": say_italian, "pt": say_portuguese,
                                                  "nl": say_dutch}


def front_end(language: str) -> Callable[[str], str] | None:
    """The paragraph-to-speech function of a language ("en_GB", "en-US", "en"); None: as is."""
    return _FRONT_ENDS.get(language.replace("_", "-").split("-")[0].lower())


def spoken_paragraph(paragraph: str, language: str) -> str:
    """One paragraph as it will be said in ``language``."""
    say = front_end(language)
    return say(paragraph) if say is not None else paragraph


def spoken_text(text: str, language: str) -> str:
    """A chapter's text (paragraphs split by blank lines) as it will be said."""
    say = front_end(language)
    if say is None:
        return text
    return "\n\n".join(say(p) for p in text.split("\n\n"))


__all__ = ["front_end", "spoken_paragraph", "spoken_text"]
