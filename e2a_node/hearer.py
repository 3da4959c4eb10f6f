"""A node's spare time for the farm's word check (``--verify asr``): units lent to hear.

At the book's end a node has nothing to speak while its coordinator still hears the
backlog of units with one recogniser. The farm then lends it a unit another node spoke:
the node fetches its audio (into memory; it never opens a file it was not asked to), hears
it with the recogniser the farm names (the same one, so its scores compare with the job's
others), at low priority in a process of its own, and sends back what it heard. The
verdict is the coordinator's: it compares that with the unit's text, which the node is
never sent. A node says which recognisers it has in its Capabilities; without one it is
lent nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
import wave
from collections.abc import Callable

import numpy as np

from .client import CoordinatorClient, RequestRefused
from .protocol import MAX_TRANSCRIPT_CHARS, HearAssignment, HeardReport
from .recognisers import Transcriber, recognisers_here, transcriber_named

log = logging.getLogger("e2a.node")

MAX_HEARD_AUDIO_S = 600.0
"""A unit is a minute of speech at most; anything longer is not heard (the farm hears it)."""
POLL_S = 0.1
"""How often a node hearing a unit checks whether it was stopped or paused."""


class BadAudio(ValueError):
    """The bytes the farm sent are not a 16-bit mono WAV this node will hear."""


def pcm_of(wav: bytes) -> tuple[np.ndarray, int]:
    """A WAV's samples and rate, read from memory; BadAudio for anything else."""
    try:
        with wave.open(io.BytesIO(wav), "rb") as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), \
                reader.getframerate()
            frames = reader.getnframes()
            if channels != 1 or width != 2 or not 8000 <= rate <= 48000:
                raise BadAudio(f"{channels} channel(s), {8 * width}-bit, {rate} Hz")
            if frames > rate * MAX_HEARD_AUDIO_S:
                raise BadAudio(f"{frames / rate:.0f} s long")
            data = reader.readframes(frames)
    except (wave.Error, EOFError) as exc:
        raise BadAudio(str(exc) or "not a WAV") from None
    return np.frombuffer(data[:len(data) // 2 * 2], dtype="<i2"), rate


class Hearer:
    """This node's recognisers, each loaded once (in its own niced process) when first lent
    a unit, and ended with ``close``."""

    def __init__(self, find: Callable[[], tuple[str, ...]] = recognisers_here,
                 make: Callable[[str, str], Transcriber] = transcriber_named) -> None:
        self._find = find
        self._make = make
        self._names: tuple[str, ...] | None = None
        self._loaded: dict[tuple[str, str], Transcriber] = {}

    def names(self) -> tuple[str, ...]:
        """The recognisers this PC has (looked for once: nothing is loaded)."""
        if self._names is None:
            try:
                self._names = self._find()
            except Exception as exc:  # (a broken install must not stop the node speaking)
                log.info("no recogniser to hear units with: %s", exc)
                self._names = ()
        return self._names

    async def async_hear(self, client: CoordinatorClient, lent: HearAssignment,
                         halted: Callable[[], bool]) -> None:
        """Hear a lent unit and say what was heard; "could not" (None) if this node
        stops, the recogniser fails or its time runs out, so the farm hears it at once."""
        began = time.monotonic()
        try:
            audio = await client.async_hearing_audio(lent.unit_id)
        except RequestRefused:  # heard meanwhile, or the farm took it back: nothing to do
            return
        heard: str | None = None
        try:
            pcm, rate = pcm_of(audio)
            del audio
            heard = await self._async_transcribe(lent, pcm, rate, halted,
                                                 began + lent.seconds)
        except (BadAudio, RuntimeError, ValueError, ImportError, OSError) as exc:
            log.warning("could not hear unit %d for the farm (%s); it hears it itself",
                        lent.unit_id, exc)
        if heard is not None:
            heard = heard[:MAX_TRANSCRIPT_CHARS]
        with contextlib.suppress(RequestRefused):
            await client.async_heard(lent.unit_id, HeardReport(lent.token, heard))
        if heard is not None:
            log.info("unit %d heard for the farm's word check (%s) in %.1f s", lent.unit_id,
                     lent.recogniser, time.monotonic() - began)

    async def _async_transcribe(self, lent: HearAssignment, pcm: np.ndarray, rate: int,
                                halted: Callable[[], bool], deadline: float) -> str | None:
        """What the recogniser heard; None if stopped or out of time (its process ends)."""
        if lent.recogniser not in self.names():
            raise ValueError(f"no recogniser '{lent.recogniser}' here")
        key = (lent.recogniser, lent.language)
        transcriber = self._loaded.get(key)
        if transcriber is None:
            transcriber = self._loaded[key] = self._make(*key)
        hearing = asyncio.ensure_future(asyncio.to_thread(transcriber.transcribe, pcm, rate))
        while not hearing.done():
            if halted() or time.monotonic() > deadline:
                self._end(key)  # (its process ends; the thread waiting on it returns)
                with contextlib.suppress(Exception):
                    await hearing
                return None
            await asyncio.wait({hearing}, timeout=POLL_S)
        return hearing.result()

    def _end(self, key: tuple[str, str]) -> None:
        transcriber = self._loaded.pop(key, None)
        close = getattr(transcriber, "close", None)
        if callable(close):
            close()

    def close(self) -> None:
        """End every recogniser's process (the node stops, or the book is over)."""
        for key in list(self._loaded):
            self._end(key)

