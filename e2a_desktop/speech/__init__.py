"""The speech front end: text as read from the book → what the voice is given to say.

Runs on the coordinator, when units are planned, so every front end (CLI, window,
farm nodes) speaks the same text, and `e2a text` shows it. English has its own front
end; every other language is a :class:`engine.Language` (its words and rules, over one
engine of passes), added to ``_FRONT_ENDS``. English, French, German, Spanish, Italian,
Portuguese and Dutch have rules; other languages pass through unchanged (their numbers and
symbols are left to the voice's own front end, which reads them in the right language).
"""

from __future__ import annotations

from collections.abc import Callable

from e2a_node import language_tags

from .dutch import DUTCH
from .english import say_english
from .french import FRENCH
from .german import GERMAN
from .italian import ITALIAN
from .portuguese import BRAZILIAN_PORTUGUESE, PORTUGUESE
from .spanish import SPANISH

_FRONT_ENDS: dict[str, Callable[[str], str]] = {
    "en": say_english,
    **{language.code: language.say
       for language in (FRENCH, GERMAN, SPANISH, ITALIAN, PORTUGUESE, DUTCH)},
    "pt-BR": BRAZILIAN_PORTUGUESE.say,
}
"""By language, and by language and region where a region speaks differently."""


def front_end(language: str) -> Callable[[str], str] | None:
    """The paragraph-to-speech function of a language ("en_GB", "en-US", "en"); None: as is.

    A region with its own forms has its own ("pt_BR": "dezesseis"); others share the
    language's ("pt_PT", "pt", "por"). Tags are read as everywhere else in e2a."""
    code = language_tags.primary(language)
    where = language_tags.region(language)
    return (_FRONT_ENDS.get(f"{code}-{where}") if where else None) or _FRONT_ENDS.get(code)


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
