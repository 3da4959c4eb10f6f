"""A pronunciation lexicon of the user's own: words (or patterns) and how to say them.

No front end knows every name in every book: "Hermione", "Daenerys", "Cthulhu", a
character called "Rand" that the voice reads as "R and". The user writes how to say it
once, in a plain text file, and every PC of the farm speaks the same thing because the
lexicon is applied here, while the book is planned, before any voice sees the text
(`e2a text` shows the result).

Two files are read, the book's entries first (they win over the global ones):

- ``BOOK.lexicon.txt`` beside the book (``Dune.epub`` → ``Dune.lexicon.txt``), or the
  file given with ``--lexicon``;
- ``lexicon.txt`` in e2a's data folder, for every book.

One entry a line, ``#`` starts a comment::

    Hermione = Her-MY-oh-nee
    Cthulhu  = kuh-THOO-loo
    /\\bSt\\. (?=[A-Z])/ = Saint          a regular expression between slashes

A plain word matches whole words; written in lower case it matches any case ("rand"
matches "Rand"), written with capitals only that spelling. Changing the lexicon does not
start a book over: when a job is opened again, only the units whose text it changes are
spoken again (``job.Job``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from e2a_node.phonemes import said_as

from .errors import E2AError

LEXICON_NAME = "lexicon.txt"
"""The global lexicon's name in the data folder."""
BOOK_SUFFIX = ".lexicon.txt"
MAX_ENTRIES = 10_000
"""More than a person writes; a bound on a file that is not a lexicon at all."""

_ENTRY = re.compile(r"^(?P<key>/.+/|[^=]+?)\s*=\s*(?P<say>.*)$")


class LexiconError(E2AError):
    """A lexicon line that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Entry:
    pattern: re.Pattern[str]
    say: str
    where: str  # "FILE:LINE", for messages


@dataclass(frozen=True)
class Lexicon:
    """Entries applied in order to every paragraph before the speech front end."""

    entries: tuple[Entry, ...] = ()
    files: tuple[Path, ...] = ()  # the files read, for the user to be told

    def __bool__(self) -> bool:
        return bool(self.entries)

    @property
    def digest(self) -> str:
        """What the entries say, in a few characters: a job remembers the lexicon its units
        were planned with, and plans them again only when this changes ("" for none)."""
        if not self.entries:
            return ""
        said = "\n".join(f"{e.pattern.pattern}\t{e.pattern.flags}\t{e.say}"
                         for e in self.entries)
        return hashlib.sha256(said.encode()).hexdigest()[:16]

    def apply(self, text: str, keep_printed: bool = False) -> str:
        """The text with every entry's respelling. ``keep_printed``: each respelling
        carries the book's word too (``e2a_node.phonemes.said_as``), for the subtitles
        and the read-along book, which show the book's words, not the voice's."""
        for entry in self.entries:
            if keep_printed:
                text = entry.pattern.sub(_respelled(entry.say), text)
            else:
                text = entry.pattern.sub(entry.say, text)
        return text


def _respelled(say: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps the matched (printed) words beside the respelling."""
    def one(match: re.Match[str]) -> str:
        return said_as(match.expand(say), match.group(0))
    return one


def parse(text: str, source: Path) -> list[Entry]:
    """The entries of one lexicon file; a LexiconError names the line that is wrong."""
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if match is None or not match["key"].strip() or not match["say"].strip():
            raise LexiconError(f"line {number}: expected 'word = how to say it' "
                               f"(or '/pattern/ = how to say it'), got {line[:60]!r}", source)
        key, say = match["key"].strip(), match["say"].strip()
        entries.append(Entry(_pattern(key, number, source), _replacement(key, say),
                             f"{source.name}:{number}"))
        if len(entries) > MAX_ENTRIES:
            raise LexiconError(f"has more than {MAX_ENTRIES:,} entries; is it a lexicon?",
                               source)
    return entries


def _pattern(key: str, number: int, source: Path) -> re.Pattern[str]:
    if len(key) > 2 and key.startswith("/") and key.endswith("/"):
        try:
            return re.compile(key[1:-1])
        except re.error as exc:
            raise LexiconError(f"line {number}: the pattern {key} is not a regular "
                               f"expression ({exc})", source) from None
    flags = re.IGNORECASE if key == key.lower() else 0
    return re.compile(rf"(?<!\w){re.escape(key)}(?!\w)", flags)


def _replacement(key: str, say: str) -> str:
    """A pattern's replacement may use its groups (\\1); a word's is taken literally."""
    if key.startswith("/") and key.endswith("/") and len(key) > 2:
        return say
    return say.replace("\\", "\\\\")


def load(paths: Iterable[Path]) -> Lexicon:
    """The entries of the files that exist, in the order given."""
    entries: list[Entry] = []
    files: list[Path] = []
    for path in paths:
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise LexiconError("is not UTF-8 text", path) from None
        except OSError as exc:
            raise LexiconError(f"cannot read it ({exc.strerror or exc})", path) from None
        entries += parse(text, path)
        files.append(path)
    return Lexicon(tuple(entries), tuple(files))


def book_lexicon_path(book_path: Path) -> Path:
    """``Dune.epub`` → ``Dune.lexicon.txt`` beside it."""
    return book_path.with_name(book_path.stem + BOOK_SUFFIX)


def for_book(book_path: Path, data_dir: Path, explicit: Path | None = None) -> Lexicon:
    """The book's lexicon (``explicit``, else the file beside the book), then the global
    one. An explicit file that does not exist is an error; the others are optional."""
    if explicit is not None and not explicit.is_file():
        raise LexiconError("no such lexicon file", explicit)
    return load([explicit or book_lexicon_path(book_path), data_dir / LEXICON_NAME])
