"""`e2a batch`: a shelf of books, one after another, each bound as it finishes.

A library or a school converts folders of books, not one; what they need from a batch is
that one bad file does not stop the other forty, that a batch run again does not speak
again what is already done, and a summary at the end that says what happened to each.
Each book is an ordinary conversion (the LAN farm, or the cluster with ``--cluster``), so
a batch stopped halfway resumes book by book, and inside a book unit by unit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .ebook import EXTENSIONS
from .errors import E2AError


class Skipped(Exception):
    """A book the batch leaves alone (its audiobook exists already); the text says why."""


@dataclass
class BatchResult:
    converted: list[tuple[Path, float]] = field(default_factory=list)  # book, seconds taken
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    stopped: bool = False  # interrupted: the books after it were not started

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped


@dataclass(frozen=True)
class ShelfBook:
    """A book of the batch and where its audiobook goes, relative to the output folder:
    a folder's subfolders are kept, so a shelf's order survives the conversion."""

    path: Path
    subfolder: Path = Path()
    name: str = ""  # the output's name without extension; "" for the book's own


def books_in(paths: Iterable[Path]) -> tuple[list[ShelfBook], list[str]]:
    """The books named, folders searched (with their subfolders, hidden ones skipped) for
    files a reader takes; with the problems found (a path that does not exist)."""
    found: list[ShelfBook] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file()
                            and p.suffix.lower() in EXTENSIONS
                            and not any(part.startswith(".")
                                        for part in p.relative_to(path).parts))
            if not inside:
                kinds = ", ".join(sorted({e.lstrip(".") for e in EXTENSIONS}))
                problems.append(f"{path}: no books in this folder (e2a reads {kinds})")
            found += [ShelfBook(p, p.parent.relative_to(path)) for p in inside]
        elif path.is_file():
            found.append(ShelfBook(path))
        else:
            problems.append(f"{path}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for book in found:  # a book named twice (itself and its folder) is converted once
        if book.path.resolve() not in seen:
            seen.add(book.path.resolve())
            unique.append(book)
    return _named_apart(unique), problems


def _named_apart(books: list[ShelfBook]) -> list[ShelfBook]:
    """Two books that would write one audiobook ('Emma.epub' and 'Emma.txt' side by side)
    each get their own: the later one is named with its format, 'Emma (txt)'."""
    taken: set[tuple[Path, str]] = set()
    named = []
    for book in books:
        key = (book.subfolder, book.path.stem.lower())
        if key in taken:
            book = ShelfBook(book.path, book.subfolder,
                             f"{book.path.stem} ({book.path.suffix.lstrip('.').lower()})")
        taken.add((book.subfolder, (book.name or book.path.stem).lower()))
        named.append(book)
    return named


def run_batch(books: Sequence[ShelfBook], convert_one: Callable[[ShelfBook], None],
              say: Callable[[str], None], clock: Callable[[], float] = time.monotonic
              ) -> BatchResult:
    """Convert ``books`` in order with ``convert_one`` (raises E2AError when a book fails,
    Skipped when it is left alone); every book gets its turn whatever the others did.
    Ctrl-C stops the batch after saying where: the book under way keeps what it spoke."""
    result = BatchResult()
    for number, book in enumerate(books, start=1):
        say(f"[{number}/{len(books)}] {book.path}")
        started = clock()
        try:
            convert_one(book)
        except Skipped as why:
            result.skipped.append((book.path, str(why)))
            say(f"  skipped: {why}")
        except E2AError as exc:
            result.failed.append((book.path, str(exc)))
            say(f"  failed: {exc}")
        except KeyboardInterrupt:
            result.stopped = True
            result.failed.append((book.path, "interrupted; what it spoke is kept"))
            break
        else:
            result.converted.append((book.path, clock() - started))
    return result


def summary(result: BatchResult, total: int) -> list[str]:
    """The lines a batch ends with: counts, then each book that did not convert, and why."""
    from .progress import format_duration

    taken = sum(seconds for _book, seconds in result.converted)
    lines = [f"batch: {len(result.converted)} of {total} converted"
             + (f" in {format_duration(taken)}" if result.converted else "")
             + (f", {len(result.skipped)} skipped" if result.skipped else "")
             + (f", {len(result.failed)} failed" if result.failed else "")]
    if result.stopped:
        left = total - len(result.converted) - len(result.skipped) - len(result.failed)
        lines.append(f"stopped: {left} {'book' if left == 1 else 'books'} not started; run "
                     "the same command again to go on (what is done is skipped)")
    lines += [f"  skipped {book.name}: {why}" for book, why in result.skipped]
    lines += [f"  failed {book.name}: {why}" for book, why in result.failed]
    return lines
