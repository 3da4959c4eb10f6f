"""Offline recognisers: what ``--verify asr`` hears a unit say, on the coordinator or on a
node with spare time (the farm gives such a node units to hear at the book's end).

Here, not in the desktop's ``audio`` package, because a node hears too and a node never
imports the desktop. The comparison of what was heard with the unit's text, and its
thresholds, stay on the coordinator (``e2a_desktop.audio.asr``): a node only writes down
what it heard.

Which recogniser: faster-whisper where it is installed with a model already on this PC
(its Hugging Face cache; nothing is downloaded), else PocketSphinx. Either runs in a
process of its own at low priority (``InChildProcess``): PocketSphinx holds Python's
global lock while it decodes (a 20 s unit: the coordinator's other threads ran 6 times in
a minute), which a thread beside a farm's event loop would turn into stalled requests.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .priority import lower_priority_on_windows

log = logging.getLogger(__name__)

ASR_RATE = 16000
"""PocketSphinx's model hears 16 kHz mono."""
HEARING_NICE = 10
"""The recogniser's process runs this much nicer: speaking and serving the farm come first."""
WHISPER_PREFERENCE = ("base", "small", "tiny")
"""Installed faster-whisper models, best first: on a CPU, base hears Piper almost word for
word at a few times real time; small is slower, tiny misses more; larger ones are slow."""


class Transcriber(Protocol):
    """An offline recogniser; ``name`` is said in the output so the user knows which ran."""

    name: str
    language: str

    def transcribe(self, pcm: np.ndarray, rate: int) -> str: ...


class PocketSphinx:
    """CMU PocketSphinx with the US English model its wheel carries (no download)."""

    name = "pocketsphinx"
    language = "en"

    def __init__(self) -> None:
        from pocketsphinx import Decoder  # optional: pip install 'e2a[verify]'

        self._decoder = Decoder(samprate=ASR_RATE, loglevel="FATAL")
        self._lock = threading.Lock()  # one decoder, one utterance at a time

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        audio = to_16k(pcm, rate)
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(audio.tobytes(), full_utt=True)
            self._decoder.end_utt()
            hypothesis = self._decoder.hyp()
        return hypothesis.hypstr if hypothesis is not None else ""


class FasterWhisper:
    """faster-whisper (CTranslate2) with a model already on this PC; one CPU thread."""

    language: str

    def __init__(self, model_dir: Path, language: str) -> None:
        from faster_whisper import WhisperModel  # optional, and only with a model present

        self.name = f"faster-whisper ({whisper_name(model_dir)})"
        self.language = language
        self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8",
                                   cpu_threads=1)

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        audio = to_16k(pcm, rate).astype(np.float32) / 32768.0
        segments, _info = self._model.transcribe(audio, language=self.language, beam_size=1,
                                                 vad_filter=False)
        return " ".join(segment.text for segment in segments)


class InChildProcess:
    """A recogniser in a process of its own, started when first needed, niced.

    The coordinator's thread that asks waits on a pipe (no lock held), so the farm's
    event loop and the chapters' encoders never wait for the recogniser, and it can take
    one core at most. A process that died is started again for the next unit.
    """

    def __init__(self, factory: Callable[..., Transcriber], args: tuple[Any, ...], name: str,
                 language: str, nice: int = HEARING_NICE) -> None:
        self.name = name
        self.language = language
        self._factory, self._args, self._nice = factory, args, nice
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: Any = None

    def transcribe(self, pcm: np.ndarray, rate: int) -> str:
        with self._lock:
            conn = self._started()
            try:
                conn.send((np.ascontiguousarray(pcm, dtype="<i2").tobytes(), rate))
                kind, text = conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._stop()
                raise RuntimeError(f"{self.name} stopped: {exc}") from None
        if kind != "text":
            raise RuntimeError(f"{self.name} failed: {text}")
        return str(text)

    def _started(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        context = multiprocessing.get_context("spawn")  # (fork is unsafe beside threads)
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, name="e2a-recogniser", daemon=True,
                                        args=(theirs, self._factory, self._args, self._nice))
        self._process.start()
        theirs.close()
        self._conn = ours
        return ours

    def _stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError, BrokenPipeError):
                self._conn.send(None)
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)
            self._process = None

    def close(self) -> None:
        """End the recogniser's process (the job is over), even while it hears a unit:
        the thread waiting for that unit's words is told it stopped."""
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
        with self._lock:
            self._stop()


def _serve(conn: Connection, factory: Callable[..., Transcriber], args: tuple[Any, ...],
           nice: int) -> None:
    """The recogniser's process: audio in, what it heard out, until told to stop."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            # As nice as ``nice``, not that much more than its parent: started from the
            # coordinator's hearing thread (niced already, which Linux passes on) it ran at
            # 19 and a busy PC starved it (68 s for one unit beside two nodes).
            os.nice(max(0, nice - os.nice(0)))
    elif nice > 0:
        lower_priority_on_windows()
    transcriber = factory(*args)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the coordinator is gone
            return
        if message is None:
            return
        data, rate = message
        try:
            conn.send(("text", transcriber.transcribe(np.frombuffer(data, dtype="<i2"), rate)))
        except Exception as exc:  # one unit the recogniser cannot hear: say so, go on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def to_16k(pcm: np.ndarray, rate: int) -> np.ndarray:
    """16-bit mono at 16 kHz, as the recogniser's model was trained. Linear interpolation
    after a 3-tap smoothing: what folds back from above 8 kHz is faint in speech and the
    recogniser does not mind it (numpy only, no scipy)."""
    samples = pcm.astype(np.float32)
    if rate != ASR_RATE:
        if rate > ASR_RATE:
            samples = np.convolve(samples, np.array([0.25, 0.5, 0.25], np.float32), "same")
        times = np.arange(0, len(samples) / rate, 1 / ASR_RATE)
        samples = np.interp(times, np.arange(len(samples)) / rate, samples)
    return np.clip(samples, -32768, 32767).astype("<i2")


def transcriber_for(language: str, models: Iterable[Path] | None = None,
                    detached: bool = True) -> Transcriber:
    """The best recogniser installed for a voice's language: faster-whisper with a model
    on this PC (``models``: where to look; the Hugging Face cache by default), else
    PocketSphinx (English). ``detached``: in a process of its own (``InChildProcess``).
    An ImportError or ValueError says what to install or why none fits (the CLI turns
    them into one line)."""
    from .language_tags import primary

    tongue = primary(language)
    model = whisper_model(tongue, whisper_models() if models is None else models)
    factory: Callable[..., Transcriber]
    args: tuple[Any, ...]
    if model is not None:
        factory, args = FasterWhisper, (model, tongue)
        name = f"faster-whisper ({whisper_name(model)})"
    elif tongue != "en":
        raise ValueError(f"--verify asr listens with PocketSphinx, whose model is English; "
                         f"this voice speaks '{language}' (faster-whisper with a multilingual "
                         f"model installed would hear it)")
    else:
        import pocketsphinx  # noqa: F401  (said here: the child process would only fail)

        factory, args, name = PocketSphinx, (), PocketSphinx.name
    log.info("--verify asr listens with %s", name)
    if not detached or getattr(sys, "frozen", False):  # (a bundle cannot spawn itself)
        return factory(*args)
    return InChildProcess(factory, args, name, tongue)


def whisper_models(home: Path | None = None) -> list[Path]:
    """faster-whisper models in the Hugging Face cache (where faster-whisper keeps what it
    downloaded): each snapshot folder that holds a model."""
    if home is None:
        hub = os.environ.get("HF_HUB_CACHE")
        base = Path(hub) if hub else Path(os.environ.get(
            "HF_HOME", Path.home() / ".cache" / "huggingface")) / "hub"
    else:
        base = home
    try:
        return sorted(base.glob("models--*--faster-whisper-*/snapshots/*"))
    except OSError:
        return []


def whisper_name(model: Path) -> str:
    """A model's name ("base.en") from its folder or its cache entry's."""
    for part in (model.name, model.parent.parent.name):
        if "faster-whisper-" in part:
            return part.split("faster-whisper-", 1)[1]
    return model.name


def whisper_model(language: str, models: Iterable[Path]) -> Path | None:
    """The installed model to hear ``language`` with, if faster-whisper is importable:
    an English-only one (``*.en``) only for English; by ``WHISPER_PREFERENCE``."""
    found = [m for m in models if (m / "model.bin").is_file() and (m / "config.json").is_file()
             and (language == "en" or not whisper_name(m).endswith(".en"))]
    if not found:
        return None
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return None

    def rank(model: Path) -> tuple[int, str]:
        size = whisper_name(model).removesuffix(".en")
        order = WHISPER_PREFERENCE.index(size) if size in WHISPER_PREFERENCE else \
            len(WHISPER_PREFERENCE)
        return order, whisper_name(model)

    return min(found, key=rank)


def listening_problem(language: str, models: Iterable[Path] | None = None) -> str:
    """Why ``--verify asr`` cannot listen to a voice of ``language`` here ("": it can).

    Cheap, for a window that greys its box out with the reason: no model is loaded (an
    installed faster-whisper model only imports faster-whisper)."""
    from importlib.util import find_spec

    from .language_tags import primary

    tongue = primary(language or "en")
    if whisper_model(tongue, whisper_models() if models is None else models) is not None:
        return ""
    if tongue != "en":
        return (f"PocketSphinx, the offline recogniser, knows English only; this voice "
                f"speaks '{language}' (faster-whisper with a multilingual model would hear it)")
    if find_spec("pocketsphinx") is None:
        return pocketsphinx_missing()
    return ""


def pocketsphinx_missing(frozen: bool | None = None) -> str:
    """What to do about a missing PocketSphinx, as this installation can act on it: an
    installed app (a frozen bundle: .deb, installer) has no pip to run."""
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    if frozen:
        return "needs PocketSphinx (the offline recogniser), which is not part of this installation"
    return "needs PocketSphinx: pip install 'e2a[verify]' (its English model comes with it)"


def recognisers_here(models: Iterable[Path] | None = None) -> tuple[str, ...]:
    """The recognisers this PC can hear with, by the names ``transcriber_for`` gives them
    (a node says them in its Capabilities); cheap: nothing is loaded."""
    from importlib.util import find_spec

    names: list[str] = []
    found = whisper_models() if models is None else list(models)
    for language in ("en", "xx"):  # an English-only model, then a multilingual one
        model = whisper_model(language, found)
        if model is not None:
            names.append(f"faster-whisper ({whisper_name(model)})")
    if find_spec("pocketsphinx") is not None:
        names.append(PocketSphinx.name)
    return tuple(dict.fromkeys(names))


def transcriber_named(name: str, language: str, models: Iterable[Path] | None = None,
                      detached: bool = True) -> Transcriber:
    """The recogniser called ``name`` for a voice's ``language``: the one the farm's
    coordinator hears with, so that a unit heard here scores as one heard there (the
    check compares a unit with its job's usual score). ValueError if it is not here."""
    from .language_tags import primary

    tongue = primary(language or "en")
    factory: Callable[..., Transcriber]
    args: tuple[Any, ...]
    if name == PocketSphinx.name and tongue == "en":
        import pocketsphinx  # noqa: F401  (said here: the child process would only fail)

        factory, args = PocketSphinx, ()
    else:
        found = [m for m in (whisper_models() if models is None else models)
                 if f"faster-whisper ({whisper_name(m)})" == name]
        model = whisper_model(tongue, found)
        if model is None:
            raise ValueError(f"no recogniser '{name}' for '{language}' on this PC")
        factory, args = FasterWhisper, (model, tongue)
    if not detached or getattr(sys, "frozen", False):
        return factory(*args)
    return InChildProcess(factory, args, name, tongue)
