"""The job service: one conversion, driven from any thread by the CLI, the GUI and tests.

Start-up order (``start``): lock and open the job (planning it the first time),
build the scheduler, attach the job to the farm (the desktop's long-lived
FarmHost, or one made for this conversion, which starts serving LAN nodes: a
port in use fails here, before anything runs), then hand over to the supervisor
thread, which waits for the nodes asked for, starts the built-in node, waits for
the last unit, lets mastering finish, binds the book and detaches the job.

Commands: ``pause`` (no new units; units in flight are taken back, and every node,
the built-in one included, stops at its next sentence), ``resume``,
``cancel`` (returns promptly with the outcome; partial output removed, the work
kept for a resume), ``wait``. Events go out on the bus (eventbus.py); a
ProgressModel subscribed here gives ``snapshot()``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from e2a_node.engines import voice_sample_rate
from e2a_node.engines.base import Engine
from e2a_node.runner import NodeRunner
from e2a_node.settings import EngineSettings
from e2a_node.trust import NodeIdentity
from e2a_node.worker import NodeConfig, NodeWorker

from .audio.bind import BoundChapter, bind_book, write_chapter_file
from .config import AppPaths, NetworkSettings
from .convert import PreparedBook, remove_partial
from .errors import E2AError, OutputError
from .eventbus import EventBus
from .events import (
    Binding,
    Cancelled,
    JobFailed,
    JobFinished,
    JobStarted,
    Paused,
    Resumed,
    WaitingForNodes,
)
from .farm.farm import Farm
from .farm.host import FarmHost, FarmInfo, FarmOptions
from .farm.scheduler import Scheduler
from .job import Job, JobSettings
from .localnode import LOCAL_NAME, LOCAL_NODE, LocalLink
from .mastering import ChapterMastering
from .nodestate import NodeState
from .progress import ProgressModel, ProgressSnapshot
from .storage import storage_fault
from .store import UnitRecord
from .subtitles import write_beside

log = logging.getLogger(__name__)

FINISHED, CANCELLED, FAILED = "finished", "cancelled", "failed"
BOUND_META = "bound"
"""Job meta: "1" once a run wrote its audiobook, "" while a run is under way."""
FAREWELL_S = 20.0
"""After the last unit, how long LAN nodes still at work are given to hear "job over".

A node learns that the unit it speaks was finished elsewhere at its next heartbeat
(every 5 s at most), when its current sentence ends, and then asks once more. The
time overlaps the last chapter's encoding and the binding, and ends as soon as every
node has heard; only a node that vanished without a word makes the farm wait it out.
"""
ACTIVE_NODE_STATES = (NodeState.JOINED, NodeState.SPEAKING, NodeState.IDLE, NodeState.PAUSED,
                      NodeState.PAUSING, NodeState.STANDING_ASIDE, NodeState.GPU_FIRST,
                      NodeState.HEARING)


@dataclass(frozen=True)
class ConvertResult:
    outputs: tuple[Path, ...]
    duration: float
    chapters: int
    audio_rendered: float
    wall_seconds: float
    extras: tuple[Path, ...] = ()  # written beside the audiobook: subtitles, read-along EPUB
    warnings: tuple[str, ...] = ()  # an extra that could not be made (the book stands)

    @property
    def speed(self) -> float:
        """Audio seconds spoken in this run per wall second (× real time)."""
        return self.audio_rendered / self.wall_seconds if self.wall_seconds else 0.0


@dataclass(frozen=True)
class Outcome:
    """How a conversion ended: finished (with a result), cancelled, or failed (an error)."""

    state: str
    result: ConvertResult | None = None
    error: E2AError | None = None


class _Stop(Exception):
    """Raised inside the supervisor when the conversion is cancelled."""


BUILT_IN_NODE_NICE = 5
"""How far the built-in node's speech yields to the rest of this process (see NodeRunner).

At the end of a book the last chapter's encode and the binding run here and nowhere
else: speech at normal priority delays them while the LAN nodes sit idle."""


class Conversion:
    """One prepared book's conversion. Thread-safe; see the module docstring."""

    def __init__(self, prepared: PreparedBook, paths: AppPaths, *, bus: EventBus | None = None,
                 host: FarmHost | None = None, clock: Callable[[], float] = time.monotonic,
                 engine_factory: Callable[[EngineSettings], Engine] | None = None,
                 network: NetworkSettings | None = None, device: str = "auto",
                 local_node: bool = True, job_meta: dict[str, str] | None = None,
                 shown_before: tuple[Path, float] | None = None) -> None:
        self.prepared = prepared
        self.request = prepared.request
        self.paths = paths
        self.clock = clock
        if host is not None and bus is None:
            raise ValueError("a shared FarmHost needs the bus its farm publishes on")
        self._own_bus = bus is None
        self.bus = bus or EventBus()
        self._own_host = host is None
        self.host = host or FarmHost(paths, prepared.request.farm, clock=clock,
                                     serve=prepared.request.farm is not None,
                                     emit=self.bus.emit, network=network)
        self.progress = ProgressModel(clock)
        self._unsubscribe = self.bus.subscribe(self.progress)
        # None: the built-in node makes its own engines, on the device it was given (a
        # factory of ours here once loaded every voice on the CPU, whatever was asked).
        self._engine_factory = engine_factory
        self.device = device
        """Where this PC's voice runs ("auto", "cpu", "cuda:0", "mps"): the user's choice."""
        self._use_local_node = local_node  # False: this PC only coordinates (LAN nodes speak)
        self._job_meta = dict(job_meta or {})  # kept in the job's store (a front end's notes)
        self._shown_before = shown_before
        """(job folder, fraction) a front end last showed for a run it stopped: if this is
        that job, its bar goes on from there (ProgressModel.carry)."""
        self._changed = threading.Event()
        self._done = threading.Event()
        self._halt = threading.Event()  # set when the end begins: helper threads leave
        self._cancel = threading.Event()
        self._failure: E2AError | None = None
        self._outcome: Outcome | None = None
        self.job: Job | None = None
        self._attached = False
        self._local: NodeRunner | None = None
        self._local_link: LocalLink | None = None
        self._mastering: ChapterMastering | None = None
        self._threads: list[threading.Thread] = []

    # -- commands -----------------------------------------------------------------------

    def start(self) -> None:
        """Open the job and start serving; raises E2AError (job busy, port in use)."""
        request, prepared = self.request, self.prepared
        sample_rate = voice_sample_rate(request.voice, self.paths.voices_dir)
        if self.farm.has_job:
            raise E2AError("the farm is rendering another book; wait for it or stop it")
        self.job = Job.open_for(request.book_path, prepared.book,
                                JobSettings(request.voice, request.pauses, request.plan,
                                            request.reading),
                                self.paths, self.bus.emit, planned=list(prepared.units),
                                lexicon=prepared.lexicon.digest)
        try:
            self.job.keep_voice_sample(self.paths.voices_dir)
            self.job.store.set_meta({**self._job_meta, BOUND_META: ""})  # a run under way
            self.job.store.release_all()  # leases of a previous run died with it
            lease_ttl = (request.farm or FarmOptions()).lease_ttl
            scheduler = Scheduler(self.job.store, self.clock, lease_ttl=lease_ttl,
                                  chapters=prepared.chapters)
            self._mastering = ChapterMastering(self.job, prepared.fmt, list(prepared.chapters))
            if self._shown_before is not None and self._shown_before[0] == self.job.folder:
                self.progress.carry(self._shown_before[1])
            self.bus.emit(self._started_event())
            self.farm.attach(self.job, scheduler, sample_rate, self._on_accepted,
                             verify=self._verifier())
            self._attached = True
            self.host.start()
        except BaseException:
            self._release()
            self._unsubscribe()
            if self._own_bus:
                self.bus.close()  # start() failed: nothing else will close it
            raise
        self._started_at = self.clock()
        self._spawn(self._supervise, "e2a-job")
        self._spawn(self._reap, "e2a-reaper")

    def pause(self) -> None:
        """Stop spending CPU: no new units, and units in flight are taken back (a node
        stops at its next sentence; this PC's own node at once). Idempotent."""
        if self._attached and not self.farm.paused and not self._done.is_set():
            self.farm.pause()
            self.bus.emit(Paused())
            if self._local is not None:
                self._local.worker.pause()

    def resume(self) -> None:
        if self._attached and self.farm.paused and not self._done.is_set():
            self.farm.resume()
            self.bus.emit(Resumed())
            if self._local is not None:
                self._local.worker.resume()

    @property
    def paused(self) -> bool:
        return self._attached and self.farm.paused

    @property
    def farm(self) -> Farm:
        return self.host.farm

    @property
    def farm_info(self) -> FarmInfo | None:
        return self.host.info

    def cancel(self, timeout: float | None = 30.0) -> Outcome | None:
        """Stop now; returns the outcome (finished, if it was too late to stop)."""
        self._cancel.set()
        self._changed.set()
        if self._local is not None:
            self._local.worker.stop()
        return self.wait(timeout)

    def wait(self, timeout: float | None = None) -> Outcome | None:
        """Block until the conversion ends; None if ``timeout`` passed first."""
        if not self._done.wait(timeout):
            return None
        return self._outcome

    def run(self) -> Outcome:
        """Start and wait (the CLI's way); Ctrl-C cancels and re-raises."""
        self.start()
        try:
            outcome = self.wait()
        except KeyboardInterrupt:
            self.cancel()
            raise
        assert outcome is not None
        return outcome

    def snapshot(self) -> ProgressSnapshot:
        return self.progress.snapshot()

    @property
    def work_folder(self) -> Path | None:
        return self.job.folder if self.job is not None else None

    # -- start-up pieces ------------------------------------------------------------------

    def _started_event(self) -> JobStarted:
        assert self.job is not None
        chapters = set(self.prepared.chapters)
        units = [u for u in self.job.store.units() if u.chapter in chapters]
        done = [u for u in units if u.status == "done"]
        unfinished = {u.chapter for u in units if u.status != "done"}
        return JobStarted(self.prepared.book.metadata.title, len(chapters), len(units),
                          len(done), sum(u.chars for u in units), sum(u.chars for u in done),
                          sum(u.duration or 0.0 for u in done), tuple(sorted(chapters)),
                          tuple(sorted({u.chapter for u in done})),
                          tuple(sorted({u.chapter for u in done} - unfinished)))

    def _verifier(self) -> Callable[[np.ndarray, int, Sequence[str]], str | None] | None:
        """``--verify asr``: the recogniser that hears each unit's words, or None."""
        if self.request.verify != "asr":
            return None
        from .audio.asr import AsrVerifier, transcriber_for

        try:
            return AsrVerifier(transcriber_for(self.request.voice.language)).reason
        except (ImportError, ValueError) as exc:
            raise E2AError(asr_unavailable(exc)) from None

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()  # then listed: a conversion cancelled at once may end (and join the
        self._threads.append(thread)  # list) before this line; a thread not started cannot join

    def _start_local_node(self) -> None:
        config = NodeConfig(self.paths.data_dir, name=LOCAL_NAME, device=self.device)
        self._local_link = LocalLink(self.farm, self._fail)
        worker = NodeWorker(config, engine_factory=self._engine_factory,
                            link=self._local_link, identity=NodeIdentity(LOCAL_NODE, LOCAL_NAME))
        if self.farm.paused:  # paused while it waited for the LAN nodes
            worker.pause()
        self._local = NodeRunner(worker, "e2a-local-node", self._on_local_exit,
                                 nice=BUILT_IN_NODE_NICE)
        self._local.start()

    # -- what the threads do ----------------------------------------------------------------

    def _on_accepted(self, unit: UnitRecord) -> None:
        """Called by the farm after a unit's audio is stored: its chapter's encoder takes it."""
        assert self._mastering is not None
        self._mastering.submit_ready(unit.chapter)
        self._changed.set()

    def _on_local_exit(self, error: BaseException | None) -> None:
        if isinstance(error, E2AError):
            self._fail(error)
        elif error is not None:
            self._fail(E2AError(f"the built-in node stopped: {error}"))

    def _fail(self, error: E2AError) -> None:
        if self._failure is None:
            self._failure = error
        self._changed.set()

    def _check(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self.farm.storage_failure is not None:  # found by a node's upload
            raise self.farm.storage_failure
        if self._cancel.is_set():
            raise _Stop

    def _reap(self) -> None:
        """Re-queue lapsed leases and notice silent nodes, whether or not anyone leases."""
        # From the request, not the farm's scheduler: a conversion cancelled at once has
        # detached its job before this thread first runs (the farm then has no scheduler).
        interval = min(1.0, (self.request.farm or FarmOptions()).lease_ttl / 10)
        while not self._halt.wait(interval):
            try:
                self.farm.sweep()
            except Exception:  # a sweep that fails now may pass next time; never kill the job
                log.exception("lease sweep failed")

    def _supervise(self) -> None:
        try:
            outcome = self._convert()
        except _Stop:
            outcome = Outcome(CANCELLED)
        except E2AError as exc:
            outcome = Outcome(FAILED, error=exc)
        except Exception as exc:  # a full disk, or a bug: reported, the work kept
            fault = storage_fault(exc, self.job.folder) if self.job is not None else None
            if fault is None:
                log.exception("conversion failed")
            outcome = Outcome(FAILED, error=fault or E2AError(f"internal error: {exc!r}"))
        self._finish(outcome)

    def _convert(self) -> Outcome:
        assert self._mastering is not None
        self._wait_for_nodes()
        if self._use_local_node:
            self._start_local_node()
        self._mastering.submit_ready()
        while not self.farm.scheduler.finished():
            self._changed.wait(0.5)
            self._changed.clear()
            self._check()
        self.farm.closing = True  # nodes asking for work now hear "job over"
        farewell_until = self.clock() + FAREWELL_S
        if self._own_host:
            self.host.stop_soon(grace=FAREWELL_S)
        # A unit accepted just now may not have queued its chapter yet: queue what is due.
        self._mastering.submit_ready()
        self._mastering.wait(self._check)
        self._check()
        outputs, duration, extras = self._bind()
        assert self.job is not None
        warnings: list[str] = []
        if self.request.read_along:
            extras, warnings = self._read_along(extras)
        # The chapters asked for are in the book: finished, though other chapters of the
        # same job (never asked for) stay unspoken; "Books waiting" no longer lists it.
        with contextlib.suppress(sqlite3.Error, OSError):  # a listing's note: never fatal
            self.job.store.set_meta({BOUND_META: "1"})
        self._let_nodes_hear_the_end(farewell_until)
        self.bus.flush(5)
        wall = self.clock() - self._started_at
        rendered = self.progress.snapshot().audio_this_run
        result = ConvertResult(outputs, duration, len(self.prepared.chapters), rendered, wall,
                               extras, tuple(warnings))
        return Outcome(FINISHED, result)

    def _read_along(self, extras: tuple[Path, ...]) -> tuple[tuple[Path, ...], list[str]]:
        """The read-along EPUB after the audiobook, in the service so every front end (the
        CLI, the window, a queue) gets it; one that cannot be made is a warning."""
        from .readalong import read_along_beside, readalong_path

        assert self.job is not None
        request = self.request
        self.bus.emit(Binding(readalong_path(self.prepared.outputs, request.split_chapters)))
        written, why = read_along_beside(self.prepared, self.job.folder)
        if written is None:
            return extras, [f"no read-along EPUB: {why}"]
        return (*extras, written), []

    def _let_nodes_hear_the_end(self, until: float) -> None:
        """Keep serving until every LAN node still at work was told the job is over.

        Otherwise a node polling slowly finds the port closed, and `e2a-node
        --one-job` cannot tell a finished job from a crashed coordinator.
        """
        while self.host.info is not None and self.clock() < until:
            if not any(s.state in ACTIVE_NODE_STATES for n, s in self.farm.nodes.items()
                       if n != LOCAL_NODE):
                return
            self._changed.wait(0.1)
            self._changed.clear()

    def _wait_for_nodes(self) -> None:
        """Hold this PC's own node back until N nodes came, the time is up, or all is done.

        Nodes that come are given units at once; the wait only keeps the built-in
        node from taking the book before they arrive. It never outlasts the book
        (remote nodes may speak every unit meanwhile) nor the time limit.
        """
        options = self.request.farm or FarmOptions()
        wanted, deadline = options.wait_nodes, self.clock() + options.wait_nodes_for
        told: tuple[int, int] | None = None
        while not self.farm.scheduler.finished():
            joined = len(self.farm.askers() - {LOCAL_NODE})
            left = deadline - self.clock()
            if joined >= wanted:
                return
            if left <= 0:
                self.bus.emit(WaitingForNodes(joined, wanted, 0.0, gave_up=True))
                return
            if told != (joined, int(left) // 30):  # on each arrival, and every 30 s
                told = (joined, int(left) // 30)
                self.bus.emit(WaitingForNodes(joined, wanted, left))
            self._changed.wait(0.2)
            self._changed.clear()
            self._check()

    def _bind(self) -> tuple[tuple[Path, ...], float, tuple[Path, ...]]:
        assert self.job is not None and self._mastering is not None
        mastering, prepared = self._mastering, self.prepared
        chapters = [
            BoundChapter(mastering.encoded_path(c), prepared.book.chapters[c].title,
                         _duration(mastering.encoded_path(c)))
            for c in prepared.chapters
        ]
        metadata, cover = prepared.book.metadata, prepared.book.cover
        if not self.request.split_chapters:
            self.bus.emit(Binding(prepared.outputs[0]))
            bind_book(chapters, metadata, cover, prepared.fmt, prepared.outputs[0],
                      self.job.folder)
        else:
            for n, (chapter, out) in enumerate(zip(chapters, prepared.outputs, strict=True), 1):
                self._check()
                self.bus.emit(Binding(out))
                write_chapter_file(chapter, n, len(chapters), metadata, cover, prepared.fmt,
                                   out, self.job.folder)
        extras: tuple[Path, ...] = ()
        if self.request.subtitles:
            settings = self.job.settings
            extras = tuple(write_beside(self.job.store, prepared.chapters, chapters,
                                        prepared.outputs,
                                        settings.pauses.at_speed(settings.engine.speed),
                                        self.request.subtitles))
        return prepared.outputs, sum(c.duration for c in chapters), extras

    def _finish(self, outcome: Outcome) -> None:
        """Stop every helper, release the job, tell observers, wake waiters."""
        self._halt.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=10)
        if self._local is not None:
            self._local.stop()
        if self._local_link is not None:
            self._local_link.close()
        if self._mastering is not None:
            self._mastering.close()
        if outcome.state != FINISHED:
            remove_partial(self.prepared.outputs)
        units_done, units_total = self._unit_counts()
        self._release()
        if outcome.state == FINISHED and outcome.result is not None:
            result = outcome.result
            self.bus.emit(JobFinished(result.outputs, result.duration, result.chapters))
        elif outcome.state == CANCELLED:
            self.bus.emit(Cancelled(units_done, units_total))
        else:
            self.bus.emit(JobFailed(str(outcome.error)))
        self.bus.flush(10)
        self._outcome = outcome
        self._done.set()
        self._unsubscribe()
        if self._own_bus:
            self.bus.close()

    def _unit_counts(self) -> tuple[int, int]:
        if self.job is None:
            return 0, 0
        counts = self.job.store.counts(self.prepared.chapters)
        return counts["done"], sum(counts.values())

    def _release(self) -> None:
        """Detach the job from the farm, stop a farm of our own, close the job's store."""
        if self._attached:
            self.farm.detach()
            self._attached = False
        if self._own_host:
            self.host.stop()
        if self.job is not None:
            self.job.close()


def asr_unavailable(exc: ImportError | ValueError) -> str:
    """One line for a --verify asr that cannot listen: what to install, or why not."""
    if isinstance(exc, ImportError):
        from e2a_node.recognisers import pocketsphinx_missing

        return f"--verify asr {pocketsphinx_missing()}"
    return str(exc)


def check_asr(language: str) -> None:
    """Before any speech: an E2AError (one line) when --verify asr cannot listen."""
    from .audio.asr import transcriber_for

    try:
        transcriber_for(language)
    except (ImportError, ValueError) as exc:
        raise E2AError(asr_unavailable(exc)) from None


def _duration(path: Path) -> float:
    """Exact length of an encoded chapter (mutagen reads the container, no ffprobe)."""
    import mutagen

    info = mutagen.File(str(path))
    if info is None or info.info is None:
        raise OutputError("cannot read back the encoded chapter", path)
    return float(info.info.length)
