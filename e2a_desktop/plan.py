"""Book + settings → units of text: sentence-aligned, bounded, never across chapters.

Units are the farm's currency: small enough that a slow node never holds a large
part of the book, large enough that per-request overhead stays negligible.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from e2a_node.language_tags import primary
from e2a_node.phonemes import shelve, strip_hints, unshelve
from e2a_node.settings import Break

from .ebook.model import VERSE_LINE, Book
from .ebook.sentences import split_long, split_sentences
from .lexicon import Lexicon
from .speech import front_end


@dataclass(frozen=True)
class PlanSettings:
    """How big units are: closed before passing target_chars, never over max_chars."""

    target_chars: int = 1800
    max_chars: int = 3000
    min_tail_chars: int = 300

    def __post_init__(self) -> None:
        if not 20 <= self.target_chars <= self.max_chars:
            raise ValueError("unit size must satisfy 20 <= target_chars <= max_chars")


@dataclass(frozen=True)
class PlannedUnit:
    """A unit before it is stored: where it sits and the sentences it speaks.

    ``breaks[i]`` is the ``Break`` sentence i starts (a line of verse, a stanza, a
    paragraph, or just a sentence), so the renderer leaves that pause before it. Its
    truth is "a paragraph or a stanza starts": stored jobs of before verse hold bools.
    """

    chapter: int
    seq: int
    sentences: tuple[str, ...]
    breaks: tuple[int, ...]

    @property
    def text(self) -> str:
        """The sentences as a page would show them: a blank line before a paragraph or
        stanza, a new line before a line of verse (each one character, as a space is), a
        phoneme hint as its word."""
        parts: list[str] = []
        for i, (sentence, brk) in enumerate(zip(self.sentences, self.breaks, strict=True)):
            if i:
                parts.append("\n\n" if brk else "\n" if brk == Break.LINE else " ")
            parts.append(strip_hints(sentence))
        return "".join(parts)


def chapter_sentences(text: str, language: str, limit: int,
                      lexicon: Lexicon | None = None,
                      phonemes: bool = False) -> list[tuple[str, Break]]:
    """Every sentence of a chapter as it will be said, with the ``Break`` it starts,
    none over ``limit``. With ``phonemes`` a book's phoneme hints stay in (for a voice:
    ``e2a_node.phonemes``); without, each is its word, as a reader sees it.

    The speech front end runs here, before units are stored, so every node speaks
    the same text; sentences are split after it, so a full stop left in the spoken
    text is where a sentence ends (the voice ends one at each full stop).
    """
    return list(iter_chapter_sentences(text, language, limit, lexicon, phonemes))


def iter_chapter_sentences(text: str, language: str, limit: int,
                           lexicon: Lexicon | None = None,
                           phonemes: bool = False) -> Iterator[tuple[str, Break]]:
    """:func:`chapter_sentences` one at a time: a sample needs only the first few. The
    user's lexicon comes first, so what it says is read by the front end as any text.

    A paragraph whose lines are verse (U+2028 between them) is a stanza: each line is
    said on its own, with its own punctuation and no full stop added, after a line's
    short pause; a stanza that follows a stanza starts after a stanza's pause.
    """
    say = front_end(language)
    verse_before = False
    for paragraph in text.split("\n\n"):
        paragraph = lexicon.apply(paragraph, keep_printed=phonemes) if lexicon else paragraph
        spoken = say(paragraph.strip()) if say is not None else paragraph.strip()
        verse = VERSE_LINE in spoken
        kind = Break.STANZA if verse and verse_before else Break.PARAGRAPH
        verse_before = verse
        spoken, hints = shelve(spoken)  # a hint is one word to the splitter
        for line in spoken.split(VERSE_LINE):
            for sentence in split_sentences(line.strip(), language):
                for piece in split_long(sentence, limit):
                    piece = unshelve(piece, hints)
                    yield piece if phonemes else strip_hints(piece), kind
                    kind = Break.SENTENCE
            if kind is Break.SENTENCE:  # (an empty line takes nothing from the next)
                kind = Break.LINE


def _length(sentences: list[tuple[str, Break]]) -> int:
    return sum(len(s) for s, _ in sentences) + 2 * max(0, len(sentences) - 1)


def plan_chapter(chapter: int, text: str, language: str, settings: PlanSettings,
                 sentence_limit: int | None = None,
                 lexicon: Lexicon | None = None) -> list[PlannedUnit]:
    groups: list[list[tuple[str, Break]]] = []
    current: list[tuple[str, Break]] = []
    limit = min(settings.target_chars, sentence_limit or settings.target_chars)
    for item in chapter_sentences(text, language, limit, lexicon, phonemes=True):
        if current and _length([*current, item]) > settings.target_chars:
            groups.append(current)
            current = []
        current.append(item)
    if current:
        groups.append(current)
    # A tiny last unit costs a whole round trip: fold it into the previous one if it fits.
    if len(groups) > 1 and _length(groups[-1]) < settings.min_tail_chars \
            and _length(groups[-2] + groups[-1]) <= settings.max_chars:
        groups[-2:] = [groups[-2] + groups[-1]]
    return [
        PlannedUnit(chapter, seq, tuple(s for s, _ in g), tuple(b for _, b in g))
        for seq, g in enumerate(groups)
    ]


def plan_book(book: Book, settings: PlanSettings | None = None,
              sentence_limit: int | None = None, language: str = "",
              lexicon: Lexicon | None = None) -> list[PlannedUnit]:
    """All units of the book, in reading order.

    ``sentence_limit`` is the voice's per-call limit (an engine such as XTTS garbles
    text past a few hundred characters): no piece handed to the engine exceeds it.
    ``language`` is the job's (the voice's): the voice reads the sentences, so its
    language's abbreviations decide where they end; without one, the book's.
    """
    settings = settings or PlanSettings()
    language = planning_language(language, book.metadata.language)
    units: list[PlannedUnit] = []
    for index, chapter in enumerate(book.chapters):
        units.extend(plan_chapter(index, chapter.text, language, settings, sentence_limit,
                                  lexicon))
    return units


def planning_language(job_language: str, book_language: str) -> str:
    """The language tag sentences are said and split in: the job's (its voice's), else the
    book's. The whole tag, region included: a Brazilian voice ("pt_BR") says Brazilian
    numbers ("dezesseis"), a Portuguese one "dezasseis"; the splitter reads only the
    language part.

    A multilingual model's job says "multi", which names no abbreviations: the book's
    language is the better guess then.
    """
    tag = job_language.strip()
    return tag if primary(tag) not in ("", "multi") else book_language
