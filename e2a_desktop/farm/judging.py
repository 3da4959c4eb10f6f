"""The upload judge in a process of its own, so the farm's event loop never waits for it.

``audio.judge`` is numpy in many small steps (its repeat search walks one diagonal at a
time) and holds Python's global lock for most of a unit's judging. On the coordinator
that lock is shared with the event loop answering leases: with 200 nodes uploading, the
judging thread held it over half the time and a lease waited behind it (p99 of hundreds
of ms on two cores). In a process of its own the judge has its own lock, runs niced, and
the thread that asks only waits on a pipe.

The farm turns it on (``use_process``) and ends it with the job (``close``); until then,
and in short tests, the judge runs in the calling thread as before. A process that dies
while judging (killed, out of memory) is started again and the unit judged again, so no
unit is lost or accepted unjudged; after ``MAX_TRIES`` deaths on one unit it is judged in
this thread. A process that cannot start at all leaves the judge in this thread for the
rest of the session, said once in the log.

Run as ``python -m e2a_desktop.farm.judging`` (a bundled app: its own executable with
``CHILD_FLAG``), it is that process: it reads units on
stdin and writes verdicts on stdout, each a length-prefixed pickle, until stdin closes.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from e2a_node.priority import lower_priority_on_windows

from ..audio.judge import MAX_PAUSE_S, Verdict, judge

log = logging.getLogger(__name__)

JUDGE_NICE = 10
"""The judge's process runs this much nicer than the farm (as the recogniser's): answering
nodes comes first. In the capacity bench (200 nodes, two busy cores) nice 15 and 19 left
fewer slow leases than 5 and judged as many units; not 19 itself, because beside a voice
speaking on every core a process that nice gets about 1/70 of a core, too little for a
farm's uploads, and every upload waits for its verdict."""
MAX_TRIES = 3
"""Processes one unit may see die before it is judged in this thread instead."""
_HEADER = struct.Struct("<Q")
_READY = "ready"

Judge = Callable[..., Verdict]


class JudgeUnavailable(RuntimeError):
    """The judge's process could not be started (the message says why)."""


class JudgeDied(RuntimeError):
    """The judge's process died on one unit ``MAX_TRIES`` times, or was closed meanwhile."""


class JudgeProcess:
    """One long-lived judging process, started on first use; one unit at a time.

    ``target`` is the judge the process runs (a module-level function, found by name in
    the child); tests put one there that dies, to see a unit survive it.
    """

    def __init__(self, nice: int | None = None, target: Judge = judge) -> None:
        self._nice = JUDGE_NICE if nice is None else nice
        self._target = f"{target.__module__}:{target.__qualname__}"
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._closed = False
        self.started = 0
        """Processes started so far (a restart after a death counts)."""

    def judge(self, data: bytes, rate: int, spans: Sequence[tuple[float, float]],
              sentences: Sequence[str], max_pause_s: float, speed: float) -> Verdict:
        """The verdict on mono 16-bit little-endian ``data``, as ``audio.judge`` gives it.

        Raises JudgeUnavailable when the process cannot start, JudgeDied when it died on
        this unit ``MAX_TRIES`` times (or was closed), and whatever the judge raised.
        """
        message = (data, rate, list(spans), list(sentences), max_pause_s, speed)
        with self._lock:
            for attempt in range(1, MAX_TRIES + 1):
                process = self._started()
                try:
                    _send(process.stdin, message)
                    kind, answer = _receive(process.stdout)
                except (EOFError, OSError, pickle.UnpicklingError):
                    code = self._stop()
                    log.warning("The audio judge's process stopped (exit code %s) while "
                                "judging a unit; judging it again in a new one (try %d of %d)",
                                code, attempt, MAX_TRIES)
                    continue
                if kind == "error":
                    raise answer
                verdict: Verdict = answer
                return verdict
        raise JudgeDied(f"the audio judge's process died {MAX_TRIES} times on one unit")

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        if self._process is not None:
            log.warning("The audio judge's process had stopped (exit code %s); starting "
                        "a new one", self._stop())
        if self._closed:
            raise JudgeDied("the audio judge's process was closed")
        env = dict(os.environ)  # (a source checkout that is not installed: found here)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")) if p)
        try:
            process = subprocess.Popen(
                [*child_command(), str(self._nice), self._target],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True, env=env)
        except OSError as exc:
            raise JudgeUnavailable(f"cannot start {sys.executable}: {exc}") from None
        try:
            ready = _receive(process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            ready = None
        if ready != (_READY, self._target):
            process.kill()
            code = process.wait()
            raise JudgeUnavailable(f"its process ended as it started (exit code {code})")
        self._process = process
        self.started += 1
        return process

    def _stop(self) -> int | None:
        """End the process (closing its input ends it); its exit code."""
        process, self._process = self._process, None
        if process is None:
            return None
        for pipe in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        try:
            return process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def pid(self) -> int | None:
        """The running process's id (None when none runs): for tests and profiles."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def close(self) -> None:
        """End the process, even while it judges a unit (that unit's thread is told it
        stopped and judges the unit in its own thread)."""
        self._closed = True
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        with self._lock:
            self._stop()


class _Shared:
    """The module's switch and its one process, shared by every farm in this process."""

    def __init__(self) -> None:
        self.wanted = False
        self.unavailable: str | None = None
        self.process: JudgeProcess | None = None
        self.lock = threading.Lock()


_shared = _Shared()


def use_process(enabled: bool = True) -> None:
    """Judge uploads in a process of their own from now on (the farm calls this as a job
    starts); False: in the calling thread. Nothing starts until a unit is judged."""
    with _shared.lock:
        _shared.wanted = enabled
        _shared.unavailable = None  # asked afresh: a process may start this time
    if not enabled:
        close()


def close() -> None:
    """End the judge's process (the job or the farm is over); started again if needed."""
    with _shared.lock:
        process, _shared.process = _shared.process, None
    if process is not None:
        process.close()


def judge_pcm(data: bytes, rate: int, spans: Sequence[tuple[float, float]] = (),
              sentences: Sequence[str] = (), max_pause_s: float = MAX_PAUSE_S,
              speed: float = 1.0, in_thread: Judge = judge) -> Verdict:
    """``audio.judge``'s verdict on ``data`` (mono int16, little-endian), in the judge's
    process when the farm asked for one, else here. ``in_thread`` is the judge used here:
    one a test put in the real one's place is used here always (the process would not
    know it)."""
    process = _process_for(in_thread)
    if process is not None:
        try:
            return process.judge(data, rate, spans, sentences, max_pause_s, speed)
        except JudgeUnavailable as exc:
            with _shared.lock:
                _shared.unavailable = str(exc)
            log.warning("The audio judge cannot run in a process of its own (%s); it "
                        "judges in the coordinator's thread, which may slow its answers",
                        exc)
        except JudgeDied as exc:
            log.warning("%s; judging it in the coordinator's thread", exc)
    return in_thread(np.frombuffer(data, dtype="<i2"), rate, spans, sentences,
                     max_pause_s=max_pause_s, speed=speed)


def _process_for(in_thread: Judge) -> JudgeProcess | None:
    with _shared.lock:
        if not _shared.wanted or _shared.unavailable or in_thread is not judge:
            return None
        if _shared.process is None:
            _shared.process = JudgeProcess()
        return _shared.process


def judge_pid() -> int | None:
    """The judge's process id while one runs (for a benchmark's profile)."""
    process = _shared.process
    return process.pid() if process is not None else None


atexit.register(close)


def _send(pipe: IO[bytes] | None, message: object) -> None:
    assert pipe is not None
    blob = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_HEADER.pack(len(blob)))
    pipe.write(blob)
    pipe.flush()


def _receive(pipe: IO[bytes] | None) -> Any:
    assert pipe is not None
    head = _read_exactly(pipe, _HEADER.size)
    return pickle.loads(_read_exactly(pipe, _HEADER.unpack(head)[0]))


def _read_exactly(pipe: IO[bytes], size: int) -> bytes:
    blob = pipe.read(size)
    if blob is None or len(blob) < size:
        raise EOFError("the pipe closed")
    return blob


CHILD_FLAG = "--e2a-audio-judge"
"""How a bundled app (PyInstaller: no Python to run ``-m`` with) is asked to be the judge's
process: its entry point hands ``sys.argv[2:]`` to ``serve_child`` before anything else."""


def child_command() -> list[str]:
    """The command that starts the judge's process: this Python running this module, or
    a bundled app's own executable with ``CHILD_FLAG``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", __name__]


def serve_child(args: Sequence[str]) -> None:
    """The judge's process as a bundled app's entry point starts it (``CHILD_FLAG``)."""
    _serve(int(args[0]), args[1])


def _serve(nice: int, target: str) -> None:
    """The judge's process: units in on stdin, verdicts out, until stdin closes."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)
    elif nice > 0:
        lower_priority_on_windows()
    # Ctrl+C in a terminal reaches this process too: the coordinator decides when it
    # ends (by closing its input), so no second traceback is printed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    module, _, name = target.partition(":")
    run: Judge = getattr(__import__(module, fromlist=[name]), name)
    # The verdicts' pipe is our stdout: anything printed goes to stderr instead.
    verdicts = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    units = sys.stdin.buffer
    _send(verdicts, (_READY, target))
    while True:
        try:
            data, rate, spans, sentences, max_pause_s, speed = _receive(units)
        except EOFError:  # the coordinator closed the pipe, or is gone
            return
        try:
            answer: tuple[str, object] = ("verdict", run(
                np.frombuffer(data, dtype="<i2"), rate, spans, sentences,
                max_pause_s=max_pause_s, speed=speed))
        except Exception as exc:  # the judge's own error: raised in the coordinator
            answer = ("error", exc if _picklable(exc) else RuntimeError(repr(exc)))
        try:
            _send(verdicts, answer)
        except OSError:  # the coordinator ended while this unit was judged
            return


def _picklable(exc: Exception) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.argv[2])
