"""Element names without their namespace, fast: readers ask for them once per element."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1024)
def _local_of(tag: str) -> str:
    return tag.rpartition("}")[2].lower()


def local_name(tag: object) -> str:
    """"{http://www.w3.org/1999/xhtml}P" → "p"; comments and other non-elements → ""."""
    return _local_of(tag) if isinstance(tag, str) else ""
