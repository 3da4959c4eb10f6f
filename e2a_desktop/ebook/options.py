"""What a reader reads: the parts of a book skipped by default, and how code is handled."""

from __future__ import annotations

from dataclasses import dataclass

SKIPPED_KINDS = frozenset({
    "cover", "toc", "index", "copyright-page", "titlepage", "halftitlepage", "loi", "lot",
    "lov", "loa", "colophon", "imprint", "errata", "page-list", "landmarks", "licence",
    "boilerplate",
})
"""Parts a listener does not want read: EPUB ``epub:type``/landmark kinds, plus e2a's own
"licence" (Project Gutenberg's) and "boilerplate" (text repeated on every page)."""


@dataclass(frozen=True)
class ReadOptions:
    """``include`` names kinds from SKIPPED_KINDS to read anyway ("all" for every one).

    ``code`` is "announce" (a listing is replaced by "Code listing omitted.") or "read".
    """

    include: frozenset[str] = frozenset()
    code: str = "announce"

    def skips(self, kind: str) -> bool:
        return kind in SKIPPED_KINDS and kind not in self.include and "all" not in self.include

    @property
    def skipped(self) -> frozenset[str]:
        return frozenset(k for k in SKIPPED_KINDS if self.skips(k))


DEFAULT_OPTIONS = ReadOptions()
