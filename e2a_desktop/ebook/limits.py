"""Bounds on what a book may make e2a do, with the one-line refusals that name them.

A book is input from anywhere (a download, an email attachment): a 1.5 MB EPUB can
unpack to a gigabyte, nest elements deeper than any parser's stack, or hold tens of
thousands of zip entries. Each bound sits far above the largest real book, and far
below what would exhaust the PC: parsing (X)HTML into a tree costs up to about 25
times its size in memory, so a 16 MB document peaks near 450 MB.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

MB = 1024 * 1024
MAX_DOCUMENT_BYTES = 16 * MB
"""One (X)HTML, OPF, NCX or CSS file: the longest real chapters are a few hundred kB, a
whole Complete Works in one file about 8 MB."""
MAX_DOCUMENTS_BYTES = 32 * MB
"""All of an EPUB's text files together, each as often as the spine reads it (a long
omnibus is about 10 MB). Their trees are held at once, for what repeats across files."""
MAX_FILE_BYTES = 64 * MB
"""A single-file book (FB2 with its images, plain text, Markdown)."""
MAX_ENTRIES = 50_000
"""Zip entries in an EPUB (a long comic has a few thousand)."""
MAX_NESTING = 256
"""Elements inside one another; real books stay under 40. libxml2's own default bound,
and low enough for e2a's recursive text walk."""


class LimitExceeded(ValueError):
    """A book goes past one of the bounds above; the message is the user's one line."""


def size_text(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1024:,.0f} kB"


def check_file_size(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a single-file book larger than ``limit`` before reading it into memory."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader's own open says what is wrong
    if size > limit:
        raise LimitExceeded(f"the file is {size_text(size)}, more than the {size_text(limit)} "
                            "e2a reads from one book file")


def check_nesting(root: etree._Element, where: str, limit: int = MAX_NESTING) -> None:
    """Refuse a document whose elements nest deeper than ``limit`` (iteratively: a deep
    tree must not overflow the stack of the check that guards against it)."""
    depth = 0
    for event, _el in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            raise LimitExceeded(f"{where} nests elements more than {limit} deep "
                                "(a real book stays under 40); e2a refuses it")
