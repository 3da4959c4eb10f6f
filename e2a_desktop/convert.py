"""What a conversion is asked to do, and preparing it: read, choose, plan, check.

``prepare`` reads the book and plans it for a preview (chapters, units, output
paths) without locking the job or loading a voice; the job service
(service.py) then runs a prepared conversion.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from e2a_node.engines import VoiceInfo
from e2a_node.language_tags import normalize, primary
from e2a_node.settings import EngineSettings, PauseSettings

from .audio.formats import FORMATS, OutputFormat, format_for_extension
from .config import AppPaths
from .ebook import read_book
from .ebook.model import Book
from .ebook.options import ReadOptions
from .errors import BookError, OutputError
from .farm.host import FarmOptions
from .lexicon import Lexicon, for_book
from .plan import PlannedUnit, PlanSettings, plan_book

DEFAULT_FORMAT = "m4b"
DEFAULT_VOICE = EngineSettings.voice  # the bundled Piper voice

__all__ = ["ConvertRequest", "FarmOptions", "PreparedBook", "default_voice", "prepare",
           "refuse_to_overwrite", "remove_partial"]


@dataclass(frozen=True)
class ConvertRequest:
    """Everything a conversion was asked to do (by the CLI, the window or a test)."""

    book_path: Path
    output: Path | None = None
    format: str | None = None  # None: from the output's extension, else m4b
    voice: EngineSettings = field(default_factory=EngineSettings)
    pauses: PauseSettings = field(default_factory=PauseSettings)
    plan: PlanSettings = field(default_factory=PlanSettings)
    chapters: str | None = None  # "1-3,7" (1-based), None for all
    split_chapters: bool = False
    subtitles: str | None = None  # "srt" or "vtt": sentence-timed subtitles beside the book
    read_along: bool = False  # also an EPUB 3 lit as it plays, beside the book (readalong.py)
    farm: FarmOptions | None = None
    sentence_limit: int | None = None  # the voice's per-call limit (VoiceInfo.max_chars)
    reading: ReadOptions = field(default_factory=ReadOptions)  # parts read beyond the default
    verify: str = ""  # "asr": a recogniser hears every unit's words (audio/asr.py)
    lexicon: Lexicon | None = None  # None: the book's and the global lexicon files


@dataclass(frozen=True)
class PreparedBook:
    """A request made concrete: the book, the chosen chapters, the plan, the outputs."""

    request: ConvertRequest
    book: Book
    chapters: tuple[int, ...]
    fmt: OutputFormat
    outputs: tuple[Path, ...]
    units: tuple[PlannedUnit, ...]
    warnings: tuple[str, ...] = ()
    lexicon: Lexicon = field(default_factory=Lexicon)  # the user's, applied to ``units``

    @property
    def chars(self) -> int:
        """Characters to be spoken in the chosen chapters."""
        return sum(len(u.text) for u in self.units if u.chapter in self.chapters)


def parse_chapters(spec: str | None, count: int, book_path: Path) -> list[int]:
    """'1-3,7' → [0, 1, 2, 6]; out of range or malformed → BookError naming the book."""
    if not spec:
        return list(range(count))
    chosen: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        try:
            lo, hi = int(first), int(last or first)
        except ValueError:
            raise BookError(f"--chapters '{spec}' is not a list like 1-3,7", book_path) from None
        if lo > hi:
            raise BookError(f"--chapters '{part.strip()}' is reversed: write it {hi}-{lo}",
                            book_path)
        if lo < 1 or hi > count:
            raise BookError(f"--chapters '{part.strip()}' is out of range: the book has "
                            f"{count} chapters", book_path)
        chosen.extend(i - 1 for i in range(lo, hi + 1) if i - 1 not in chosen)
    return sorted(chosen)


def choose_format(request: ConvertRequest) -> OutputFormat:
    """The format asked for, or the one the output's extension names; never a mismatch.

    ``-o book.mp3`` alone writes MP3; ``-o book.m4b --format mp3`` is refused
    rather than writing MP3 data into a file named .m4b.
    """
    named = request.format
    if named is not None and named not in FORMATS:
        raise OutputError(f"unknown format '{named}' (choose {', '.join(FORMATS)})")
    output = request.output
    implied = None
    if output is not None and output.suffix and not request.split_chapters \
            and not output.is_dir():
        implied = format_for_extension(output.suffix)
        if implied is None and named is None:
            raise OutputError(f"'{output.suffix}' is not an audio format e2a writes (choose "
                              f"{', '.join('.' + f.extension for f in FORMATS.values())}, "
                              "or --format)", output)
    if named is not None and implied is not None and implied.name != named:
        raise OutputError(f"the file name says {implied.name} but --format says {named}; "
                          "make them agree", output)
    return FORMATS[named] if named is not None else implied or FORMATS[DEFAULT_FORMAT]


def output_paths(request: ConvertRequest, book: Book, chapters: list[int],
                 fmt: OutputFormat) -> list[Path]:
    named = f"{request.book_path.stem}.{fmt.extension}"  # the book's name
    base = request.output or Path.cwd() / named
    if not request.split_chapters:
        if base.is_dir():  # `-o ~/Audiobooks`: into that folder, named after the book
            return [base / named]
        return [base if base.suffix else base.with_suffix(f".{fmt.extension}")]
    folder = base.with_suffix("") if base.suffix else base
    width = len(str(len(chapters)))
    return [folder / f"{n:0{width}d} - {_safe_name(book.chapters[c].title)}.{fmt.extension}"
            for n, c in enumerate(chapters, start=1)]


def _safe_name(title: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in " -_,.'()" else "_" for ch in title)
    return cleaned.strip(" .")[:80] or "chapter"


def check_writable(paths: list[Path]) -> None:
    """Fail before any speech is spent if the output cannot be written."""
    folder = paths[0].parent
    target = folder if folder.exists() else folder.parent
    if not target.is_dir():
        raise OutputError("the output folder does not exist", target)
    try:
        if not folder.exists():
            folder.mkdir()
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".e2a-write-test"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write it: {_why_not_written(exc, target)}",
                          paths[0] if len(paths) == 1 else folder) from None


def _why_not_written(exc: OSError, folder: Path) -> str:
    """The OS's refusal in words about the folder (ENOENT in /proc says "No such file")."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"you may not write in {folder} (permission denied)"
    if exc.errno == errno.EROFS:
        return f"{folder} is on a read-only disk"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk of {folder} is full"
    if exc.errno == errno.ENOENT:
        return f"{folder} takes no new files (a system folder, not a place for audiobooks)"
    return f"{folder} refuses new files ({exc.strerror or exc})"


def refuse_to_overwrite(outputs: Sequence[Path]) -> None:
    """Never replace an audiobook that exists without being told to (``--overwrite``)."""
    existing = [path for path in outputs if path.exists()]
    if not existing:
        return
    if len(outputs) == 1:
        raise OutputError("already exists; add --overwrite to replace it, or choose another "
                          "name with -o", existing[0])
    raise OutputError(f"{len(existing)} of the {len(outputs)} chapter files already exist "
                      "here; add --overwrite to replace them, or choose another folder with -o",
                      existing[0].parent)


def prepare(request: ConvertRequest, book: Book | None = None) -> PreparedBook:
    """Read and plan for a preview; checks the output can be written. No lock, no voice."""
    book = book or read_book(request.book_path, request.reading)
    fmt = choose_format(request)
    chapters = parse_chapters(request.chapters, len(book.chapters), request.book_path)
    outputs = output_paths(request, book, chapters, fmt)
    check_writable(outputs)
    lexicon = request.lexicon if request.lexicon is not None else \
        for_book(request.book_path, AppPaths.load().data_dir)
    units = plan_book(book, request.plan, request.sentence_limit, request.voice.language,
                      lexicon)
    # The reader's own notes first (a cover dropped as unusable), then the voice's fit.
    warnings = tuple(w for w in [*book.notes, language_warning(book.metadata.language,
                                                               request.voice)] if w)
    return PreparedBook(request, book, tuple(chapters), fmt, tuple(outputs), tuple(units),
                        warnings, lexicon)


def primary_language(tag: str) -> str:
    """'en_US' / 'en-GB' / 'EN' / 'eng' → 'en' (e2a_node.language_tags)."""
    return primary(tag)


def _same_tag(a: str, b: str) -> bool:
    return normalize(a).lower() == normalize(b).lower()


def default_voice(language: str, voices: Sequence[VoiceInfo],
                  fallback: str = DEFAULT_VOICE) -> VoiceInfo | None:
    """The installed voice a book in ``language`` is read with when no voice is named.

    Same language only; Piper before slower engines; then the book's region (fr_CA for
    'fr-CA', fr_FR for a bare 'fr'); the bundled voice before others. Multilingual models
    are never picked unasked (they are slow and may carry a licence). ``None``: nothing
    speaks it.
    An unknown language gets the bundled voice.
    """
    if not primary_language(language):
        return next((v for v in voices if v.name == fallback), None)
    wanted = primary_language(language)
    speaking = [v for v in voices if primary_language(v.language) == wanted]
    if not speaking:
        return None
    home = f"{wanted}_{wanted.upper()}"  # fr_FR for 'fr': the region a bare tag most means
    return min(speaking, key=lambda v: (v.engine != "piper", not _same_tag(v.language, language),
                                        not _same_tag(v.language, home), v.name != fallback,
                                        v.name))


def language_warning(book_language: str, voice: EngineSettings) -> str | None:
    """A line for the user when the voice does not speak the book's language."""
    book, spoken = primary_language(book_language), primary_language(voice.language)
    if not book or not spoken or book == spoken:
        return None
    return (f"the book is in '{book_language}' but voice {voice.voice} speaks "
            f"'{voice.language}'; it will read with the wrong pronunciation (choose a voice "
            f"with --voice, see `e2a voices`)")


def remove_partial(paths: tuple[Path, ...] | list[Path]) -> None:
    """Remove half-written outputs so nothing partial poses as a result."""
    for path in paths:
        candidate = path.with_name(path.name + ".part")
        if candidate.exists():
            os.unlink(candidate)
