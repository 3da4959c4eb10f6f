"""The whole conversion on one machine: read → plan → speak → master → bind.

This is the composition the CLI and the GUI drive. Rendering runs on the
built-in node; the farm (coordinator + LAN nodes) plugs into the same
scheduler, so a farm of one is simply this with nobody else leasing.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from e2a_node.engines import create_engine
from e2a_node.engines.base import Engine, VoiceSettings
from e2a_node.protocol import LEASE_DONE, Capabilities
from e2a_node.render import render_unit, write_wav

from .audio.bind import BoundChapter, bind_book, write_chapter_file
from .audio.formats import FORMATS, OutputFormat
from .config import AppPaths
from .ebook import read_book
from .ebook.model import Book
from .errors import BookError, E2AError, OutputError
from .events import Binding, Event, FarmStarted, JobFinished, JobStarted, Observer, UnitFinished
from .events import ignore as ignore_events
from .farm.farm import Farm
from .farm.pairing import (
    CoordinatorIdentity,
    PairingRegistry,
    format_code,
    new_farm_code,
    normalise_code,
)
from .farm.scheduler import Scheduler
from .farm.server import FarmServer
from .farm.uploads import UploadRejected
from .job import Job, JobSettings
from .mastering import ChapterMastering
from .plan import PlanSettings

LOCAL_NODE = "local"


@dataclass(frozen=True)
class FarmOptions:
    """How the coordinator serves LAN nodes while it converts."""

    port: int = 0
    code: str | None = None
    wait_nodes: int = 0
    lease_ttl: float = 60.0
    mdns_interfaces: list[str] | None = None
    name: str | None = None


@dataclass(frozen=True)
class ConvertRequest:
    """Everything `e2a convert` was asked to do."""

    book_path: Path
    output: Path | None = None
    format: str = "m4b"
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    plan: PlanSettings = field(default_factory=PlanSettings)
    chapters: str | None = None  # "1-3,7" (1-based), None for all
    split_chapters: bool = False
    farm: FarmOptions | None = None


@dataclass(frozen=True)
class ConvertResult:
    outputs: tuple[Path, ...]
    duration: float
    chapters: int
    audio_rendered: float
    wall_seconds: float

    @property
    def speed(self) -> float:
        """Audio seconds spoken in this run per wall second (× real time)."""
        return self.audio_rendered / self.wall_seconds if self.wall_seconds else 0.0


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
        if lo < 1 or hi > count or lo > hi:
            raise BookError(f"--chapters '{part.strip()}' is out of range: the book has "
                            f"{count} chapters", book_path)
        chosen.extend(i - 1 for i in range(lo, hi + 1) if i - 1 not in chosen)
    return sorted(chosen)


def output_paths(request: ConvertRequest, book: Book, chapters: list[int]) -> list[Path]:
    fmt = FORMATS[request.format]
    base = request.output or Path.cwd() / f"{request.book_path.stem}.{fmt.extension}"
    if not request.split_chapters:
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
        raise OutputError(f"cannot write here ({exc.strerror or exc})", folder) from None


class Converter:
    """Prepares a job from a request and runs it to a finished audiobook."""

    def __init__(self, request: ConvertRequest, paths: AppPaths, observer: Observer = ignore_events,
                 clock: Callable[[], float] = time.monotonic,
                 engine_factory: Callable[[VoiceSettings], Engine] | None = None) -> None:
        self.request = request
        self.paths = paths
        self.clock = clock
        self._observer = observer
        self._engine_factory = engine_factory or (lambda s: create_engine(s, paths.voices_dir))
        self.book = read_book(request.book_path)
        if request.format not in FORMATS:
            raise OutputError(f"unknown format '{request.format}' "
                              f"(choose {', '.join(FORMATS)})")
        self.fmt: OutputFormat = FORMATS[request.format]
        self.chapters = parse_chapters(request.chapters, len(self.book.chapters),
                                       request.book_path)
        self.outputs = output_paths(request, self.book, self.chapters)
        check_writable(self.outputs)
        self.engine = self._engine_factory(request.voice)
        self.job = Job.open_for(request.book_path, self.book,
                                JobSettings(request.voice, request.plan), paths, self._emit)
        self.job.store.release_all()  # leases of a previous run died with it
        farm_options = request.farm or FarmOptions()
        self.scheduler = Scheduler(self.job.store, clock, lease_ttl=farm_options.lease_ttl,
                                   chapters=self.chapters)
        identity = CoordinatorIdentity.load(paths.trust_dir, farm_options.name)
        self.code = normalise_code(farm_options.code or "") or new_farm_code()
        self.farm = Farm(self.job, self.scheduler, identity,
                         PairingRegistry(paths.trust_dir, self.code, clock),
                         self.engine.sample_rate)
        self.server: FarmServer | None = None
        self.mastering = ChapterMastering(self.job, self.fmt, self.chapters)
        self._rendered = 0.0

    def close(self) -> None:
        """Release the job (its store and its lock); the converter is done with."""
        self.job.close()

    def _emit(self, event: Event) -> None:
        if isinstance(event, UnitFinished) and event.accepted:
            self._rendered += event.audio_seconds
            if self.job.store.chapter_complete(event.chapter):
                self.mastering.submit_ready()
        self._observer(event)

    def started_event(self) -> JobStarted:
        units = [u for u in self.job.store.units() if u.chapter in self.chapters]
        done = [u for u in units if u.status == "done"]
        return JobStarted(self.book.metadata.title, len(self.chapters), len(units), len(done),
                          sum(u.chars for u in units), sum(u.chars for u in done),
                          sum(u.duration or 0.0 for u in done))

    def run(self, stop: threading.Event | None = None) -> ConvertResult:
        """Render what is missing, encode chapters as they complete, bind."""
        stop = stop or threading.Event()
        started = self.clock()
        self._observer(self.started_event())
        try:
            self._start_farm(stop)
            self.mastering.submit_ready()
            self.run_local_node(stop)
            if stop.is_set():
                raise KeyboardInterrupt
            self.farm.closing = True  # nodes asking for work now hear "job over"
            if self.server is not None:
                self.server.stop_soon(grace=1.0)
            self.mastering.wait()
            result = self._bind()
        finally:
            self.mastering.close()
            if self.server is not None:
                self.server.stop()
        wall = self.clock() - started
        self._observer(JobFinished(result[0], result[1], len(self.chapters)))
        return ConvertResult(result[0], result[1], len(self.chapters), self._rendered, wall)

    def _start_farm(self, stop: threading.Event) -> None:
        options = self.request.farm
        if options is None:
            return
        self.server = FarmServer(self.farm, options.port,
                                 mdns_interfaces=options.mdns_interfaces)
        port = self.server.start()
        ident = self.farm.identity
        self._observer(FarmStarted(ident.name, format_code(self.code), port, ident.fingerprint,
                                   options.wait_nodes))
        while len([n for n in self.farm.nodes if n != LOCAL_NODE]) < options.wait_nodes:
            if stop.wait(0.1):
                raise KeyboardInterrupt

    def run_local_node(self, stop: threading.Event) -> None:
        """The built-in node: the same lease/accept path as LAN nodes, minus HTTP."""
        voice = self.request.voice
        caps = Capabilities("this PC (built-in)", "cpu", {voice.engine: [voice.voice]})
        while not stop.is_set():
            response = self.farm.lease(LOCAL_NODE, caps)
            if response.status == LEASE_DONE:
                return
            if response.assignment is None:
                stop.wait(min(response.retry_after, 0.2))
                continue
            unit = response.assignment

            def beat(_done: int, _total: int, unit_id: int = unit.unit_id) -> None:
                if stop.is_set():
                    raise KeyboardInterrupt
                self.farm.heartbeat(LOCAL_NODE, unit_id)

            audio = render_unit(self.engine, unit.sentences, unit.breaks, voice,
                                on_sentence=beat)
            tmp = self.job.upload_tmp(unit.unit_id, LOCAL_NODE)
            write_wav(tmp, audio.samples, audio.sample_rate)
            try:
                self.farm.accept_upload(LOCAL_NODE, unit.unit_id, tmp,
                                        [(s.start, s.end) for s in audio.spans])
            except UploadRejected as exc:  # our own voice produced something unusable
                raise E2AError(f"the voice produced unusable audio for unit {unit.unit_id}: "
                               f"{exc}") from None

    def _bind(self) -> tuple[tuple[Path, ...], float]:
        chapters = [
            BoundChapter(self.mastering.encoded_path(c), self.book.chapters[c].title,
                         _duration(self.mastering.encoded_path(c)))
            for c in self.chapters
        ]
        metadata, cover = self.book.metadata, self.book.cover
        if not self.request.split_chapters:
            self._observer(Binding(self.outputs[0]))
            bind_book(chapters, metadata, cover, self.fmt, self.outputs[0], self.job.folder)
        else:
            for n, (chapter, out) in enumerate(zip(chapters, self.outputs, strict=True), 1):
                self._observer(Binding(out))
                write_chapter_file(chapter, n, len(chapters), metadata, cover, self.fmt, out,
                                   self.job.folder)
        return tuple(self.outputs), sum(c.duration for c in chapters)


def _duration(path: Path) -> float:
    """Exact length of an encoded chapter (mutagen reads the container, no ffprobe)."""
    import mutagen

    info = mutagen.File(str(path))
    if info is None or info.info is None:
        raise OutputError("cannot read back the encoded chapter", path)
    return float(info.info.length)


def remove_partial(paths: list[Path]) -> None:
    """Remove half-written outputs so nothing partial poses as a result."""
    for path in paths:
        for candidate in (path.with_name(path.name + ".part"),):
            if candidate.exists():
                os.unlink(candidate)
