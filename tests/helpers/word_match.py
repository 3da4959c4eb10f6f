"""Word-level recall and precision of a reader's text against the text a book was made from."""

from __future__ import annotations

import re
from collections import Counter


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def recall_precision(expected: str, got: str) -> tuple[float, float]:
    """(share of the expected words that were read, share of the read words expected)."""
    want, have = words(expected), words(got)
    common = sum((want & have).values())
    return common / max(1, sum(want.values())), common / max(1, sum(have.values()))
