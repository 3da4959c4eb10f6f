"""Cutting text that is too long for one call of a voice, at clause marks.

Both engines need it: XTTS garbles text past its per-language limit, and Piper's
memory grows with the audio one call makes. Plain Python, no engine imported.
"""

from __future__ import annotations

import re


def split_clauses(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut after clause punctuation where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        # (the space added after the window lets a cut fall right at the limit)
        cuts = [min(m.end(), limit) for m in re.finditer(r"[,;:—–)\]!?.]\s", window + " ")]
        cut = cuts[-1] if cuts and cuts[-1] > limit // 3 else window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces
