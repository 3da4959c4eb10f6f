"""Turn raw text from any reader into text a voice can say.

Readers hand over text with typographic quotes, dashes, soft hyphens, odd
spaces and symbols. Voices stumble on those (Piper spells some out, skips others),
so every reader's output goes through :func:`normalize_text` once.
"""

from __future__ import annotations

import re
import unicodedata

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
        "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
        "\u2007": " ", "\u3000": " ",
        "\u2022": " ", "\u00b7": " ", "\u25cf": " ",
        "\u2026": "...",
        "&": " and ",
    }
)

# An em or en dash (or a double hyphen) between words is a pause: speak it as a comma.
_DASH_PAUSE = re.compile(r"\s*(?:\u2014|\u2013|\u2015|--+)\s*")
_ELLIPSIS = re.compile(r"\.(?:\s*\.){2,}")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_MANY_BREAKS = re.compile(r"\n\s*\n\s*(?:\n\s*)*")
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
# Characters that carry no speech: symbols, drawing characters, emoji, control codes.
_UNSPEAKABLE_CATEGORIES = {"So", "Sk", "Co", "Cn", "Cs", "Cc", "Cf"}
_SCENE_BREAK = re.compile(r"^[\s*#~_=.\-]+$")


def _speakable(char: str) -> bool:
    if char in "\n ":
        return True
    category = unicodedata.category(char)
    # Arrows and other non-ASCII maths symbols are typography; "+" and "=" are speakable.
    return category not in _UNSPEAKABLE_CATEGORIES and not (category == "Sm" and ord(char) > 127)


def normalize_text(text: str) -> str:
    """Normalise Unicode, quotes, dashes, ellipses and whitespace; keep paragraph breaks.

    Paragraphs come back separated by exactly one blank line; lines inside a
    paragraph are joined. Scene-break lines ("* * *") are dropped.
    """
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _DASH_PAUSE.sub(", ", text)
    text = _ELLIPSIS.sub("...", text)
    text = "".join(ch for ch in text if _speakable(ch))
    paragraphs = []
    for block in _MANY_BREAKS.split(text.replace("\r\n", "\n")):
        block = _SPACES.sub(" ", _LINE_BREAK.sub(" ", block)).strip()
        block = re.sub(r"\s+([,.;:!?])", r"\1", block)
        block = re.sub(r",(\s*,)+", ",", block).strip(", ")
        if block and not _SCENE_BREAK.match(block):
            paragraphs.append(block)
    return "\n\n".join(paragraphs)
