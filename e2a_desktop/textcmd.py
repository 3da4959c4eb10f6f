"""`e2a text BOOK`: print exactly what will be spoken, one sentence a line.

The sentences are the planner's (front end, splitter and length limit included),
so a user can proofread a book before spending hours of speech on it. The window's
speech preview (``ui.speech_preview``) shows the same sentences, from :func:`said_chapter`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .config import AppPaths
from .ebook import ReadOptions, read_book
from .ebook.model import VERSE_LINE, Book
from .ebook.sentences import split_sentences
from .lexicon import Lexicon, for_book
from .plan import PlanSettings, chapter_sentences, planning_language


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("book", type=Path)
    parser.add_argument("--chapters", help="chapters to print, e.g. 1-3,7 (1-based, as "
                        "`e2a info` numbers them)")
    parser.add_argument("--language", help="language the book is read in (default: the "
                        "book's); decides the rules that apply")
    parser.add_argument("--lexicon", type=Path, metavar="FILE", help="your pronunciations "
                        "for this book (default: BOOK.lexicon.txt beside it, if there), "
                        "applied before the global lexicon.txt in e2a's data folder")


@dataclass(frozen=True)
class Passage:
    """Words of the book as printed and the sentences they are said as: a sentence most
    often, more where the front end's sentences and the printed ones do not pair one to
    one, a whole paragraph where they could not be matched at all."""

    printed: str
    said: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """The front end or the lexicon says something other than what is printed."""
        return " ".join(self.printed.replace(VERSE_LINE, " ").split()) != " ".join(self.said)


@dataclass(frozen=True)
class SaidChapter:
    index: int  # 0-based, as the book lists it
    title: str
    language: str  # the language the front end said it in
    paragraphs: tuple[tuple[Passage, ...], ...]

    @property
    def heading(self) -> str:
        return f"== {self.index + 1}. {self.title} =="

    @property
    def passages(self) -> Iterator[Passage]:
        for paragraph in self.paragraphs:
            yield from paragraph


MAX_MERGED = 6
"""Printed sentences joined at most while looking for the said ones they make; past it
the paragraph is shown whole (a lexicon pattern across sentences, say)."""


def said_chapter(book: Book, index: int, language: str = "", lexicon: Lexicon | None = None,
                 limit: int | None = None, title: str | None = None,
                 pair: bool = True) -> SaidChapter:
    """A chapter as it will be said: the planner's sentences paragraph by paragraph (so
    exactly what a conversion speaks), with the printed words each comes from when
    ``pair`` (a proofreader's view; `e2a text` needs only the said ones).

    ``language`` is the job's (the voice's), else the book's decides; ``limit`` the
    longest sentence the voice takes (the planner's target by default); ``title`` the
    title the user gave the chapter, if they changed it."""
    language = planning_language(language, book.metadata.language)
    limit = limit or PlanSettings().target_chars
    chapter = book.chapters[index]
    paragraphs = []
    for paragraph in chapter.text.split("\n\n"):
        said = [s for s, _ in chapter_sentences(paragraph, language, limit, lexicon)]
        if said:
            whole = (Passage(paragraph.strip(), tuple(said)),)
            paragraphs.append(_passages(paragraph, said, language, limit, lexicon)
                              if pair else whole)
    return SaidChapter(index, chapter.title if title is None else title, language,
                       tuple(paragraphs))


def _passages(paragraph: str, said: list[str], language: str, limit: int,
              lexicon: Lexicon | None) -> tuple[Passage, ...]:
    """The paragraph's printed sentences, each with the said ones it makes. A printed
    sentence is said on its own to find them, and joined with the next when that does not
    give the paragraph's next said sentences (a splitter that stops at "26s." in print),
    so a pairing shown is always exact; failing that, the whole paragraph is one passage."""
    printed = [(number, sentence)
               for number, line in enumerate(paragraph.strip().split(VERSE_LINE))
               for sentence in split_sentences(line.strip(), language)]
    passages: list[Passage] = []
    start = at = 0
    for end in range(1, len(printed) + 1):
        if end - start > MAX_MERGED:
            break
        text = printed[start][1]
        for (line, _), (next_line, sentence) in zip(printed[start:end - 1],
                                                    printed[start + 1:end], strict=True):
            text += (" " if line == next_line else VERSE_LINE) + sentence
        says = [s for s, _ in chapter_sentences(text, language, limit, lexicon)]
        if says == said[at:at + len(says)]:
            passages.append(Passage(text, tuple(says)))
            start, at = end, at + len(says)
    if start != len(printed) or at != len(said):
        return (Passage(paragraph.strip(), tuple(said)),)
    return tuple(passages)


def spoken_lines(book: Book, chapters: list[int], language: str = "",
                 lexicon: Lexicon | None = None) -> Iterator[str]:
    """The lines `e2a text` prints: a title line per chapter, then its sentences, a blank
    line where a paragraph (a longer pause) begins."""
    for index in chapters:
        chapter = said_chapter(book, index, language, lexicon, pair=False)
        yield chapter.heading
        for number, paragraph in enumerate(chapter.paragraphs):
            if number:
                yield ""
            for passage in paragraph:
                yield from passage.said
        yield ""


def run(args: argparse.Namespace, reading: ReadOptions | None = None,
        out: TextIO | None = None) -> int:
    from .convert import parse_chapters  # the conversion stack is not needed to start e2a

    out = out or sys.stdout
    book = read_book(args.book, reading)
    chapters = parse_chapters(args.chapters, len(book.chapters), args.book)
    lexicon = for_book(args.book, AppPaths.load().data_dir, args.lexicon)
    try:
        for line in spoken_lines(book, chapters, args.language or "", lexicon):
            out.write(line + "\n")
        out.flush()
    except BrokenPipeError:  # `e2a text BOOK | head`: the reader has seen enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
