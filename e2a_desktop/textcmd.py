"""`e2a text BOOK`: print exactly what will be spoken, one sentence a line.

The sentences are the planner's (front end, splitter and length limit included),
so a user can proofread a book before spending hours of speech on it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .config import AppPaths
from .ebook import ReadOptions, read_book
from .ebook.model import Book
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


def spoken_lines(book: Book, chapters: list[int], language: str = "",
                 lexicon: Lexicon | None = None) -> Iterator[str]:
    """The lines `e2a text` prints: a title line per chapter, then its sentences, a blank
    line where a paragraph (a longer pause) begins."""
    language = planning_language(language, book.metadata.language)
    limit = PlanSettings().target_chars
    for index in chapters:
        chapter = book.chapters[index]
        yield f"== {index + 1}. {chapter.title} =="
        for number, (sentence, opens) in enumerate(
                chapter_sentences(chapter.text, language, limit, lexicon)):
            if opens and number:
                yield ""
            yield sentence
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
