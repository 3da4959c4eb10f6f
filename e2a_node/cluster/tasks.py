"""What a cluster worker runs: ``e2a.speak_unit`` and ``e2a.capabilities``.

A worker process loads the job's voice on its first unit and keeps it for every
unit after (a voice takes seconds to load, a unit seconds to speak); another job
with another voice replaces it. The unit is spoken by the same ``render_unit`` as
every other node, so the audio and sentence timings are the same whoever speaks.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import AppPaths
from ..engines import available_voices, engine_class
from ..engines.base import Engine
from ..errors import VoiceError
from ..gpu import describe_gpu
from ..protocol import Capabilities
from ..render import render_unit
from ..settings import Break, EngineSettings, SettingsError, SpeechSettings
from .app import CAPABILITIES, SPEAK_UNIT

if TYPE_CHECKING:
    from celery import Celery, Task

log = logging.getLogger("e2a.node")

ENGINE_RETRIES = 2
"""An engine error (out of memory for a moment, a GPU reset) is retried twice with back-off
on the same worker before the unit fails back to the coordinator, which leases it again."""


class UnitRefused(Exception):
    """A unit this worker cannot speak at all (no such voice, bad settings): not retried.

    Carries a plain message: the coordinator prints it as it is."""


@dataclass(frozen=True)
class WorkerSettings:
    """How this worker's processes speak; set before the worker starts (inherited by
    its pool's processes)."""

    voices_dir: Path
    device: str = "cpu"
    name: str = ""


_settings = WorkerSettings(AppPaths.load().voices_dir)
_engine: tuple[EngineSettings, Engine] | None = None
_engine_lock = threading.Lock()


def configure(settings: WorkerSettings) -> None:
    global _settings, _engine
    _settings, _engine = settings, None


def _engine_for(voice: EngineSettings) -> Engine:
    """The loaded voice, loading it on this process's first unit of a job."""
    global _engine
    with _engine_lock:
        if _engine is None or _engine[0] != voice:
            if _engine is not None:
                _engine[1].unload()
                _engine = None
            engine = engine_class(voice.engine)(_settings.voices_dir, _settings.device)
            engine.load(voice)
            _engine = (voice, engine)
        return _engine[1]


def capabilities() -> dict[str, Any]:
    """What this worker can speak (installed voices) and on which device."""
    engines: dict[str, list[str]] = {}
    for voice in available_voices(_settings.voices_dir):
        engines.setdefault(voice.engine, []).append(voice.name)
    device = _engine[1].device_used if _engine is not None else (
        "cpu" if _settings.device == "auto" else _settings.device)
    gpu = describe_gpu(device)
    name = _settings.name or socket.gethostname()
    caps = Capabilities(name, device, engines, gpu.name if gpu else "",
                        gpu.free_mb if gpu else 0, hints=True)
    return caps.to_json()


def speak(job: dict[str, Any], unit: dict[str, Any],
          progress: Any = None) -> dict[str, Any]:
    """Speak one unit; ``progress(done, total)`` after each sentence.

    Returns ``{"wav": bytes, "spans": [[start, end], …], "seconds": s, "device": d}``.
    Raises UnitRefused for a unit no retry can help, other exceptions for engine errors.
    """
    try:
        speech = SpeechSettings.from_json(job["settings"])
        sentences = [str(s) for s in unit["sentences"]]
        breaks = [Break.of(b) for b in unit["breaks"]]  # bools from an older dispatcher
        rate = int(job["sample_rate"])
    except (KeyError, TypeError, ValueError, SettingsError) as exc:
        raise UnitRefused(f"a malformed unit: {exc}") from None
    if len(breaks) != len(sentences):
        raise UnitRefused("a malformed unit: sentences and breaks differ in number")
    if speech.engine.reference_voice:
        raise UnitRefused("cloned voices (a voice sample) are not carried to cluster workers")
    began = time.monotonic()
    try:
        engine = _engine_for(speech.engine)
    except VoiceError as exc:
        raise UnitRefused(f"worker {_settings.name or socket.gethostname()}: {exc}") from None
    if engine.sample_rate != rate:
        raise UnitRefused(f"worker {_settings.name or socket.gethostname()}: voice "
                          f"{speech.engine.label} speaks at {engine.sample_rate} Hz here, the "
                          f"job expects {rate} Hz (another version of the voice)")
    pauses = speech.pauses.at_speed(speech.engine.speed)
    audio = render_unit(engine, sentences, breaks, pauses, on_sentence=progress)
    spent = time.monotonic() - began
    log.info("unit %s done: %.1f s of audio in %.1f s (%.1fx real time)", unit.get("unit_id"),
             audio.duration, spent, audio.duration / spent if spent else 0.0)
    return {"wav": audio.wav_bytes(), "spans": [[s.start, s.end] for s in audio.spans],
            "seconds": time.monotonic() - began, "device": engine.device_used,
            "pid": os.getpid()}


def register(app: Celery) -> None:
    """Define the tasks on a worker's app (the coordinator only sends them by name)."""
    from celery.exceptions import SoftTimeLimitExceeded  # a hung engine: not tried again

    @app.task(name=SPEAK_UNIT, bind=True, max_retries=ENGINE_RETRIES,
              autoretry_for=(Exception,), dont_autoretry_for=(UnitRefused, SoftTimeLimitExceeded),
              retry_backoff=2, retry_backoff_max=30, retry_jitter=True)
    def speak_unit(self: Task, job: dict[str, Any], unit: dict[str, Any]) -> dict[str, Any]:
        def progress(done: int, total: int) -> None:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

        return speak(job, unit, progress)

    @app.task(name=CAPABILITIES)
    def worker_capabilities() -> dict[str, Any]:
        return capabilities()
