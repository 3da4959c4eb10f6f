"""`e2a`: info, voices, convert. Errors end as one line naming the file, exit 2."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import AppPaths
from .errors import E2AError

# The rest is imported where a command needs it: `e2a` alone opens the window, which should
# not wait for every language's speech rules, numpy and the voice catalogue to load.
if TYPE_CHECKING:
    from e2a_node.engines import VoiceInfo

    from .convert import ConvertRequest, PreparedBook
    from .ebook.model import Book
    from .ebook.options import ReadOptions
    from .review import JobReview
    from .service import Conversion, ConvertResult

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def _include(text: str) -> frozenset[str]:
    """'index,toc' → the parts to read anyway (argparse type); unknown names are refused."""
    from .ebook.options import SKIPPED_KINDS

    parts = frozenset(p.strip().lower() for p in text.split(",") if p.strip())
    unknown = parts - SKIPPED_KINDS - {"all"}
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown part(s) {', '.join(sorted(unknown))}; choose from all, "
            + ", ".join(sorted(SKIPPED_KINDS)))
    return parts


def _reading_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--include", type=_include, default=frozenset(), metavar="PARTS",
                        help="read parts skipped by default, e.g. index,toc,licence (or all)")
    parser.add_argument("--read-code", action="store_true",
                        help='read code listings aloud instead of "code listing omitted"')


def _reading(args: argparse.Namespace) -> ReadOptions:
    from .ebook.options import ReadOptions

    return ReadOptions(args.include, "read" if args.read_code else "announce")


def _parser() -> argparse.ArgumentParser:
    from . import textcmd, voicecmd

    parser = argparse.ArgumentParser(
        prog="e2a", description="Turn an ebook into an audiobook. `e2a` alone opens the "
        "window (`e2a BOOK` opens it with that book); the commands below work without it.")
    parser.add_argument("--version", action="version", version=f"e2a {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    info = sub.add_parser("info", help="show a book's title, author, chapters")
    info.add_argument("book", type=Path)
    info.add_argument("--json", action="store_true", help="machine-readable output")
    _reading_arguments(info)

    voices = sub.add_parser("voices", help="installed voices; --available, --download, "
                            "--remove NAME")
    voicecmd.add_arguments(voices)

    text = sub.add_parser("text", help="print what will be spoken, one sentence a line")
    textcmd.add_arguments(text)
    _reading_arguments(text)

    jobs = sub.add_parser("jobs", help="list the work folders of conversions and their size")
    jobs.add_argument("--clean", action="store_true",
                      help="delete the work folders of finished books (frees the disk; "
                           "converting such a book again speaks it again)")
    jobs.add_argument("--all", action="store_true",
                      help="with --clean: unfinished books too (they start over)")

    convert = sub.add_parser("convert", help="convert a book into an audiobook")
    _convert_arguments(convert)

    report = sub.add_parser("report", help="what a conversion holds: chapters, units, and "
                            "the units the audio check flagged, with where they are heard",
                            description="Give the book and the options you converted it with "
                            "(they name its work folder).")
    _convert_arguments(report)

    redo = sub.add_parser("redo", help="speak one unit again (a bad word, a glitch you "
                          "heard) and bind the book again, nothing else re-spoken",
                          description="Give the book and the options you converted it with, "
                          "and where: --at H:MM:SS in the audiobook, or --chapter N "
                          "--sentence M (as `e2a text` counts them). With neither, the parts "
                          "whose words your lexicon now says otherwise are spoken again "
                          "(after you edited BOOK.lexicon.txt, or with --lexicon FILE).")
    _convert_arguments(redo)

    batch = sub.add_parser("batch", help="convert a shelf of books one after another "
                           "(folders are searched), each bound as it finishes",
                           description="Convert every book named or found in the folders "
                           "named (with their subfolders), with the same options. A book "
                           "that fails is reported and the others go on; books whose "
                           "audiobook exists are skipped, so a batch run again goes on where "
                           "it stopped. -o names the folder the audiobooks go into.")
    _convert_arguments(batch, shelf=True)
    where = redo.add_mutually_exclusive_group()
    where.add_argument("--at", type=_time, metavar="H:MM:SS",
                       help="the time in the audiobook where you heard it")
    where.add_argument("--chapter", type=int, metavar="N", dest="redo_chapter",
                       help="with --sentence: chapter N (1-based)")
    redo.add_argument("--sentence", type=int, metavar="M",
                      help="with --chapter: sentence M of that chapter (1-based)")
    return parser


def _time(text: str) -> float:
    """H:MM:SS, M:SS or seconds (argparse type)."""
    from .review import parse_time

    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _convert_arguments(convert: argparse.ArgumentParser, shelf: bool = False) -> None:
    """The options of `e2a convert`; report and redo take them too, since they name the
    job's work folder (the same book and options find the same folder), and batch, which
    takes books and folders instead of one book."""
    from .audio.formats import FORMATS
    from .plan import PlanSettings

    if shelf:
        convert.add_argument("books", type=Path, nargs="+", metavar="BOOK_OR_FOLDER")
    else:
        convert.add_argument("book", type=Path)
    convert.add_argument("-o", "--output", type=Path, help="output file, or a folder to "
                         "write it into under BOOK's name (with --split-chapters: the folder "
                         "of chapter files); default: BOOK's name in the current folder")
    convert.add_argument("--overwrite", action="store_true", help="replace an output that "
                         "already exists (without it, converting again is refused)")
    convert.add_argument("--voice", help="voice name, or ENGINE:VOICE (see `e2a voices`); "
                         "default: an installed voice in the book's language")
    convert.add_argument("--language", help="language to read in (default: the book's; "
                         "picks the voice, or tells a multilingual model what to speak)")
    convert.add_argument("--engine", choices=("piper", "coqui"), help="with --model: the "
                         "engine of that model")
    convert.add_argument("--model", help="a Coqui model installed with `e2a voices "
                         "--download`, e.g. xtts_v2 or tts_models/en/ljspeech/vits")
    convert.add_argument("--speaker", default="", metavar="NAME", help="a multi-speaker "
                         "model's voice (see `e2a voices`; default: the model's first)")
    convert.add_argument("--voice-sample", type=Path, metavar="WAV", help="XTTS: a 3–30 s "
                         "recording of the voice to clone (16-bit WAV)")
    convert.add_argument("--speed", type=float, default=1.0, help="speaking rate relative to "
                         "the voice's normal one, 0.25 up to what the voice reaches (Piper: 1.9)")
    convert.add_argument("--device", type=_device, default="auto", help="where this PC's "
                         "voice runs: auto (a GPU where the voice's engine can use one), cpu, "
                         "cuda, cuda:N or mps (default: auto)")
    convert.add_argument("--format", choices=sorted(FORMATS),
                         help="output format (default: from -o's extension, else m4b)")
    convert.add_argument("--chapters", help="chapters to convert, e.g. 1-3,7 (1-based)")
    convert.add_argument("--split-chapters", action="store_true",
                         help="one file per chapter instead of one book file")
    convert.add_argument("--lexicon", type=Path, metavar="FILE", help="your pronunciations "
                         "for this book, 'word = how to say it' a line (default: "
                         "BOOK.lexicon.txt beside the book, if there; the global lexicon.txt "
                         "in e2a's data folder is read too); changing it later re-speaks only "
                         "the parts it changes")
    convert.add_argument("--verify", choices=("asr",), default="", help="asr: an offline "
                         "recogniser (PocketSphinx, English) hears every unit; one missing "
                         "words or saying others is spoken again (pip install 'e2a[verify]')")
    convert.add_argument("--subtitles", choices=("srt", "vtt"), help="also write "
                         "sentence-timed subtitles beside the audiobook (BOOK.srt or BOOK.vtt; "
                         "with --split-chapters, one per chapter file)")
    convert.add_argument("--read-along", action="store_true", help="also write an EPUB 3 "
                         "whose sentences light up as its audio plays (BOOK.readalong.epub "
                         "beside the audiobook, or beside the folder of chapter files)")
    _reading_arguments(convert)
    farm = convert.add_argument_group("farm (other PCs running e2a-node help render)")
    farm.add_argument("--no-farm", action="store_true",
                      help="render on this PC only; do not serve LAN nodes")
    farm.add_argument("--port", type=int, default=0,
                      help="port for nodes (default: any free port; fix it for firewalls)")
    farm.add_argument("--code", help="farm code nodes must enter once (default: random)")
    farm.add_argument("--farm-name", help="name nodes see (default: this computer's name)")
    farm.add_argument("--wait-nodes", type=int, default=0, metavar="N",
                      help="hold this PC's own rendering until N nodes have joined")
    farm.add_argument("--wait-nodes-for", type=float, default=300.0, metavar="S",
                      help="with --wait-nodes: start anyway after S seconds (default 300)")
    convert.add_argument("--cluster", metavar="URL", help="render on a Celery cluster "
                         "instead (workers run `e2a-node --cluster URL`): "
                         "redis://[:password@]host:6379/0 or rediss://; --wait-nodes N "
                         "waits for N workers. Needs pip install 'e2a[cluster]'")
    convert.add_argument("--lease-ttl", type=float, default=60.0, help=argparse.SUPPRESS)
    convert.add_argument("--unit-chars", type=int, default=PlanSettings.target_chars,
                         help=argparse.SUPPRESS)


def cmd_info(args: argparse.Namespace) -> int:
    from .ebook import read_book

    book = read_book(args.book, _reading(args))
    for note in book.notes:  # e.g. a cover dropped as unusable
        print(f"e2a: warning: {note}", file=sys.stderr)
    meta = book.metadata
    chapters = [{"number": i, "title": c.title, "characters": len(c.text)}
                for i, c in enumerate(book.chapters, start=1)]
    data = {
        "title": meta.title, "author": meta.author, "language": meta.language,
        "language_detected": meta.language_detected,
        "date": meta.date, "description": meta.description, "format": book.source_format,
        "cover": book.cover is not None, "characters": book.char_count,
        "chapters": chapters,
    }
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    guessed = " (detected from the text)" if meta.language_detected else ""
    print(f"Title:    {meta.title}\nAuthor:   {meta.author or '-'}\n"
          f"Language: {meta.language}{guessed}\nCover:    {'yes' if book.cover else 'no'}\n"
          f"Chapters: {len(book.chapters)} ({book.char_count:,} characters; "
          "the numbers are those --chapters takes)")
    for chapter in chapters:
        print(f"  {chapter['number']:3d}. {chapter['title']}  ({chapter['characters']:,} chars)")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    from . import voicecmd

    return voicecmd.run(args)


def format_size(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def cmd_jobs(args: argparse.Namespace) -> int:
    from .jobs import list_jobs, remove_job

    jobs = list_jobs(AppPaths.load())
    if args.clean:
        freed = [job for job in jobs if (job.finished or args.all) and remove_job(job)]
        print(f"removed {len(freed)} job folder(s), freed "
              f"{format_size(sum(j.size_bytes for j in freed))}")
        jobs = [job for job in jobs if job not in freed]
    for job in jobs:
        state = "finished" if job.finished else f"{job.units_done}/{job.units_total} units"
        print(f"{job.title[:40]:40}  {state:>14}  {format_size(job.size_bytes):>8}  {job.folder}")
    if not jobs and not args.clean:
        print("no conversions on this computer")
    return 0


def _request(args: argparse.Namespace, paths: AppPaths, book: Book) -> ConvertRequest:
    from e2a_node.settings import EngineSettings, SettingsError

    from . import voicecmd
    from .convert import ConvertRequest, FarmOptions
    from .lexicon import for_book
    from .plan import PlanSettings

    voice, language, limit = voicecmd.choose_for_convert(args, paths.voices_dir,
                                                         book.metadata.language)
    try:
        if args.speed > voice.max_speed:
            raise E2AError(f"voice {voice.name} speaks at most {voice.max_speed:g}x the normal "
                           f"rate; --speed {args.speed:g} is too fast")
        sample = voicecmd.reference_voice(args, paths.voices_dir)
        settings = EngineSettings(engine=voice.engine, voice=voice.name, language=language,
                                  speed=args.speed, model=voice.name if voice.engine ==
                                  "coqui" else "", reference_voice=sample,
                                  speaker=_speaker(args.speaker, voice))
        plan = PlanSettings(target_chars=args.unit_chars,
                            max_chars=max(args.unit_chars, PlanSettings.max_chars))
    except (SettingsError, ValueError) as exc:
        raise E2AError(str(exc)) from None
    farm = None if args.no_farm else FarmOptions(
        args.port, args.code, args.wait_nodes, args.wait_nodes_for, args.lease_ttl,
        name=args.farm_name)
    return ConvertRequest(args.book, args.output, args.format, settings, plan=plan,
                          chapters=args.chapters, split_chapters=args.split_chapters, farm=farm,
                          sentence_limit=limit, reading=_reading(args),
                          subtitles=args.subtitles, verify=args.verify,
                          read_along=bool(getattr(args, "read_along", False)),
                          lexicon=for_book(args.book, paths.data_dir,
                                           getattr(args, "lexicon", None)))


def _speaker(asked: str, voice: VoiceInfo) -> str:
    """The --speaker for ``voice``, checked here where the model lists its speakers (the
    engine checks again when it loads, for models whose names only it can read)."""
    if asked and voice.speakers and asked not in voice.speakers:
        more = " …" if len(voice.speakers) > 12 else ""
        raise E2AError(f"{voice.engine}:{voice.name} has no speaker '{asked}' (it has: "
                       f"{', '.join(voice.speakers[:12])}{more})")
    if asked and voice.engine != "coqui":
        raise E2AError(f"--speaker is for multi-speaker Coqui models; {voice.name} has one voice")
    return asked or (voice.speakers[0] if voice.speakers else "")


def _device(text: str) -> str:
    """auto, cpu, cuda, cuda:N or mps (argparse type)."""
    from e2a_node.gpu import parse_device

    try:
        return parse_device(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_convert(args: argparse.Namespace) -> int:
    from .convert import refuse_to_overwrite

    paths = AppPaths.load()
    paths.writable(paths.data_dir)  # a read-only or full data folder: one line, not a trace
    if args.cluster:  # a missing extra, a wrong password, no Redis: one line, first
        from e2a_node.cluster.app import check_broker

        check_broker(args.cluster)
    prepared = _prepared(args, paths)
    if not args.overwrite:
        refuse_to_overwrite(prepared.outputs)
        if args.read_along:
            refuse_to_overwrite([_read_along_path(prepared)])
    if args.verify:  # before any speech: PocketSphinx missing, or not an English voice
        _check_verify(prepared.request.voice.language)
    return _convert(args, prepared, paths)


def _check_verify(language: str) -> None:
    from .service import check_asr

    check_asr(language)


def _prepared(args: argparse.Namespace, paths: AppPaths) -> PreparedBook:
    from .convert import prepare
    from .ebook import read_book

    book = read_book(args.book, _reading(args))
    return prepare(_request(args, paths, book), book)


def _convert(args: argparse.Namespace, prepared: PreparedBook, paths: AppPaths) -> int:
    """Run a prepared conversion in the terminal (convert, and redo once its unit is back
    in the queue), its progress drawn and its result summed up."""
    from .service import FINISHED, Conversion
    from .terminal import TerminalProgress

    for warning in prepared.warnings:
        print(f"e2a: warning: {warning}", file=sys.stderr)
    voice = prepared.request.voice
    speaker = f", speaker {voice.speaker}" if voice.speaker else ""
    print(f"voice {voice.engine}:{voice.voice} ({voice.language}){speaker}, device {args.device}"
          + ("" if args.device == "cpu" else " (the one used is shown once the voice loads)"),
          file=sys.stderr)
    conversion = _cluster_conversion(args, prepared, paths) if args.cluster else \
        Conversion(prepared, paths, device=args.device)
    conversion.bus.subscribe(TerminalProgress(conversion.progress))
    try:
        outcome = conversion.run()
    except KeyboardInterrupt:
        print("\ninterrupted: everything spoken so far is kept; run the same command again "
              "to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    if outcome.state != FINISHED or outcome.result is None:
        raise outcome.error or E2AError("the conversion stopped")
    _report(outcome.result, conversion)
    for extra in outcome.result.extras:  # the job service wrote it, for every front end
        if extra.name.endswith(".readalong.epub"):
            print(f"wrote {extra} (read-along EPUB)")
    for warning in outcome.result.warnings:
        print(f"e2a: warning: {warning}", file=sys.stderr)
    return 0


def _read_along_path(prepared: PreparedBook) -> Path:
    from .readalong import readalong_path

    return readalong_path(prepared.outputs, prepared.request.split_chapters)


def _read_along(prepared: PreparedBook, folder: Path) -> None:
    """The read-along EPUB of a finished job, or one warning line (the book stands). The
    job service writes it after binding (--read-along); this is its line for the terminal."""
    from .readalong import read_along_beside

    written, why = read_along_beside(prepared, folder)
    if written is not None:
        print(f"wrote {written} (read-along EPUB)")
    else:
        print(f"e2a: warning: no read-along EPUB: {why}", file=sys.stderr)


def _job_review(args: argparse.Namespace, paths: AppPaths,
                prepared: PreparedBook) -> JobReview:
    """The job BOOK was converted into with these options, its units placed in time."""
    from .jobid import JobSettings
    from .review import find_job, review_prepared

    request = prepared.request
    folder = find_job(paths, args.book, JobSettings(request.voice, request.pauses,
                                                    request.plan, request.reading))
    return review_prepared(folder, prepared)


def cmd_report(args: argparse.Namespace) -> int:
    from .review import clock
    from .terminal import plural

    paths = AppPaths.load()
    prepared = _prepared(args, paths)
    job = _job_review(args, paths, prepared)
    voice = prepared.request.voice
    total = sum(c.seconds for c in job.chapters)
    print(f"{job.title}: voice {voice.engine}:{voice.voice}, "
          f"{plural(len(job.chapters), 'chapter')}, "
          f"{clock(total)} spoken\n  work files: {job.folder}")
    width = min(48, max((len(c.title) for c in job.chapters), default=10))
    for chapter in job.chapters:
        total_units = len(chapter.units)
        state = chapter.state
        start = clock(chapter.start) if chapter.start is not None else "-:--:--"
        units = plural(total_units, "unit")
        print(f"  {chapter.number:3d}. {chapter.title[:width]:{width}}  {start}  "
              f"{units}, {state}")
    _report_hearing(job.folder)
    if not job.flagged:
        print("the audio check flagged nothing: every spoken unit passed it")
        return 0
    print(f"the audio check flagged {plural(len(job.flagged), 'unit')}, kept only because "
          "every try failed; listen there, then `e2a redo` with the same options and --at:")
    for unit_id, why in sorted(job.flagged.items()):
        placed, holder = job.placed(unit_id), job.chapter_of(unit_id)
        if placed is None or holder is None:
            continue  # a unit of a chapter not in this audiobook
        at = clock(placed.start) if placed.start is not None else "(not spoken)"
        text = " ".join(placed.unit.text.split())
        print(f"  chapter {holder.number} at {at} (unit {unit_id}): {why}\n"
              f"    \"{text[:100]}{'…' if len(text) > 100 else ''}\"")
    return 0


def _report_hearing(folder: Path) -> None:
    """--verify asr: which recogniser heard the units, and those a stop left unheard."""
    import json

    from .farm.farm import HEARD_ON_NODES_KEY, RECOGNISER_KEY, UNHEARD_KEY
    from .job import STORE_NAME
    from .store import JobStore
    from .terminal import plural

    store = JobStore(folder / STORE_NAME)
    try:
        meta = store.meta()
    finally:
        store.close()
    if RECOGNISER_KEY in meta:
        print(f"every unit's words were checked by {meta[RECOGNISER_KEY]} (--verify asr)")
    on_nodes = meta.get(HEARD_ON_NODES_KEY, "0")
    if on_nodes.isdigit() and int(on_nodes) > 0:
        print(f"  {plural(int(on_nodes), 'unit')} of them heard on other PCs with spare time")
    try:
        unheard = json.loads(meta.get(UNHEARD_KEY, "[]"))
    except ValueError:
        unheard = []
    if unheard:
        print(f"  except {len(unheard)} unit(s) kept unheard: the conversion stopped while "
              "they awaited the recogniser")


def cmd_redo(args: argparse.Namespace) -> int:
    from .review import clock, requeue_for_redo, unit_at, unit_of_sentence

    if (args.redo_chapter is None) != (args.sentence is None):
        raise E2AError("--chapter and --sentence go together (or give --at H:MM:SS)")
    paths = AppPaths.load()
    paths.writable(paths.data_dir)
    prepared = _prepared(args, paths)
    if args.at is None and args.redo_chapter is None:
        return _redo_lexicon(args, prepared, paths)
    job = _job_review(args, paths, prepared)
    placed = unit_at(job, args.at) if args.at is not None else \
        unit_of_sentence(job, args.redo_chapter, args.sentence)
    unit = placed.unit
    if unit.status != "done":
        raise E2AError(f"that part of chapter {unit.chapter + 1} is not spoken yet; "
                       "`e2a convert` with the same options speaks it")
    text = " ".join(unit.text.split())
    at = f" at {clock(placed.start)}" if placed.start is not None else ""
    print(f"speaking again: chapter {unit.chapter + 1}{at}, "
          f"\"{text[:100]}{'…' if len(text) > 100 else ''}\"", file=sys.stderr)
    requeue_for_redo(job.folder, unit, args.book)
    return _convert(args, prepared, paths)  # its outputs are replaced: that is the point


def _redo_lexicon(args: argparse.Namespace, prepared: PreparedBook, paths: AppPaths) -> int:
    """`e2a redo BOOK` with no place: speak again the parts the lexicon now changes."""
    from .job import LEXICON_META, STORE_NAME, text_changes
    from .jobid import JobSettings
    from .review import find_job
    from .store import JobStore

    request = prepared.request
    folder = find_job(paths, args.book, JobSettings(request.voice, request.pauses,
                                                    request.plan, request.reading))
    store = JobStore(folder / STORE_NAME)
    try:
        if store.meta().get(LEXICON_META, "") == prepared.lexicon.digest:
            raise E2AError("nothing to speak again: the book was spoken with this lexicon. "
                           "Give the place you heard: --at H:MM:SS, or --chapter N "
                           "--sentence M")
        changes = text_changes(store, prepared.units)
    finally:
        store.close()
    if changes.empty:
        print("the lexicon's changes touch no word of this book: nothing to speak again",
              file=sys.stderr)
        return 0
    parts = len(changes.retexted)
    whole = f", {len(changes.replanned)} chapter(s) planned anew" if changes.replanned else ""
    print(f"speaking again what the lexicon changes: {parts} part(s){whole}, in "
          f"{len(changes.stale_chapters)} chapter(s)", file=sys.stderr)
    return _convert(args, prepared, paths)  # the job takes the new text; outputs replaced


def cmd_batch(args: argparse.Namespace) -> int:
    from .audio.formats import FORMATS
    from .batch import ShelfBook, Skipped, books_in, run_batch, summary

    paths = AppPaths.load()
    paths.writable(paths.data_dir)
    if args.cluster:
        from e2a_node.cluster.app import check_broker

        check_broker(args.cluster)
    books, problems = books_in(args.books)
    for problem in problems:
        print(f"e2a: warning: {problem}", file=sys.stderr)
    if not books:
        raise E2AError("no books to convert")
    root: Path = args.output or Path.cwd()
    if root.exists() and not root.is_dir():
        raise E2AError("for a batch, -o names the folder the audiobooks go into", root)
    extension = FORMATS[args.format or "m4b"].extension

    def convert_one(book: ShelfBook) -> None:
        folder = root / book.subfolder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise E2AError(f"cannot make the folder ({exc.strerror or exc})", folder) from None
        one = argparse.Namespace(**vars(args))
        one.book = book.path
        name = book.name or book.path.stem
        one.output = folder / name if args.split_chapters else \
            folder / f"{name}.{extension}"
        prepared = _prepared(one, paths)
        there = [path for path in prepared.outputs if path.exists()]
        if there and not args.overwrite:
            raise Skipped(f"{there[0].name} is there already (--overwrite converts it again)")
        if _convert(one, prepared, paths) == EXIT_INTERRUPTED:
            raise KeyboardInterrupt

    result = run_batch(books, convert_one, lambda line: print(line, file=sys.stderr))
    for line in summary(result, len(books)):
        print(line)
    if result.stopped:
        return EXIT_INTERRUPTED
    return 0 if result.ok else EXIT_ERROR


def _cluster_conversion(args: argparse.Namespace, prepared: PreparedBook,
                        paths: AppPaths) -> Conversion:
    """`--cluster URL`: the units go to Celery workers (e2a_desktop.cluster)."""
    from .cluster.conversion import ClusterConversion

    return ClusterConversion(prepared, paths, args.cluster, wait_workers=args.wait_nodes,
                             wait_workers_for=args.wait_nodes_for)


def _report(result: ConvertResult, conversion: Conversion) -> None:
    from .jobs import folder_size
    from .progress import format_duration
    from .terminal import node_summary, plural

    where = result.outputs[0] if len(result.outputs) == 1 else result.outputs[0].parent
    spoken = (f"spoken at {result.speed:.1f}x real time" if result.audio_rendered
              else "nothing new to speak (resumed from earlier runs)")
    print(f"wrote {where}\n  length {format_duration(result.duration)}, "
          f"{plural(result.chapters, 'chapter')}, {spoken}")
    for line in node_summary(conversion.snapshot().nodes):
        print(line)
    folder = conversion.work_folder
    if folder is not None:
        print(f"work files: {format_size(folder_size(folder))} in {folder} "
              "(`e2a jobs --clean` deletes those of finished books)")


def _cmd_text(args: argparse.Namespace) -> int:
    from . import textcmd

    return textcmd.run(args, _reading(args))


def _interrupt(_signum: int, _frame: object) -> None:
    """SIGTERM (logout, shutdown, `kill`) stops like Ctrl-C: work kept, a clean message."""
    raise KeyboardInterrupt


COMMANDS = ("info", "voices", "jobs", "convert", "batch", "text", "report", "redo")


def _wants_window(argv: Sequence[str]) -> bool:
    """`e2a` alone, or `e2a BOOK`, opens the window; anything else is a command."""
    if not argv:
        return True
    first = argv[0]
    return first not in COMMANDS and not first.startswith("-") and Path(first).exists()


def open_window(argv: Sequence[str]) -> int:
    try:
        from .ui.app import run_gui
    except ImportError:
        print("e2a: the window needs PySide6: pip install 'e2a[gui]'. Without it, use the "
              f"commands: e2a {{{','.join(COMMANDS)}}} (e2a --help)", file=sys.stderr)
        return EXIT_ERROR
    return run_gui(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_window(argv):
        return open_window(argv)
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    handlers = {"info": cmd_info, "voices": cmd_voices, "jobs": cmd_jobs,
                "convert": cmd_convert, "batch": cmd_batch, "report": cmd_report,
                "redo": cmd_redo,
                "text": _cmd_text}
    try:
        return handlers[args.command](args)
    except E2AError as exc:
        print(f"e2a: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
