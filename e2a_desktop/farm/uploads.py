"""Checks on audio a node uploads, before the coordinator accepts it.

Nothing a peer sends is trusted: the file must be a mono 16-bit WAV at the job's
rate, whole (not truncated), long enough and not too long for its text, with one
timing span per sentence, and it must sound like speech (``audio.judge``: not silence,
noise, a tone or clipping, no long silence inside a sentence, no stretch said twice).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio.judge import judge
from .judging import judge_pcm

MIN_CHARS_PER_SECOND = 3.0
MAX_CHARS_PER_SECOND = 60.0
SHORT_TEXT_SLACK_S = 3.0
"""A voice's lead-in, pauses and spelled-out symbols do not shrink with the text, so a
unit of a few characters ("IV.", a foreign word) may take seconds to say."""
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


class UploadRejected(ValueError):
    """The upload is not acceptable; the message says why (sent back to the node).

    ``counted`` is True once the node has been given its strike for it (or when no
    strike is due: the node was not allowed to send it at all); ``status`` is the
    HTTP status a remote node gets.
    """

    def __init__(self, reason: str, counted: bool = False, status: int = 422) -> None:
        super().__init__(reason)
        self.counted = counted
        self.status = status


@dataclass(frozen=True)
class CheckedAudio:
    duration: float
    spans: list[tuple[float, float]]


class NotSpeech(UploadRejected):
    """A well-formed upload the judge does not hear as speech of its text.

    ``checked`` is the audio as the format checks found it: a unit refused this way
    by several nodes (the same text fails everywhere) may still be kept, flagged.
    """

    def __init__(self, reason: str, checked: CheckedAudio) -> None:
        super().__init__(reason)
        self.checked = checked


class ImplausibleLength(UploadRejected):
    """Audio far too long or short for its text by the fixed bounds any voice keeps.

    On a unit's first speaking this stops our own voice's book (a voice reading a
    language it does not speak spells out letters for minutes: better said at once than
    a whole book of it). On a unit the judge has already refused, it is the voice
    babbling on that text (XTTS on a one-word title), judged like any refusal: spoken
    again, and kept, flagged, if every try fails. ``checked`` holds the audio's length
    and its sentence timings, checked to be in order.
    """

    def __init__(self, reason: str, checked: CheckedAudio) -> None:
        super().__init__(reason)
        self.checked = checked


class SpeakingRate:
    """The job's own voice's pace, learned sentence by sentence from accepted units.

    The fixed bounds (``plausible_seconds``) must hold for any voice at any speed, so
    they are wide. Once a job has accepted ``LEARN_FROM`` sentences of some length, a
    sentence whose span is far off that voice's own pace is refused: far too short, its
    words were dropped (a sentence cut out leaves a span of nothing); far too long, the
    voice repeated itself or babbled. "Far" is learned too: six robust standard
    deviations of log(characters per second), never closer than a factor of
    ``MIN_FACTOR`` (a sentence of numbers or a URL is read at half the book's pace).
    Short sentences are not judged by it: their lead-in weighs more than their text.
    """

    LEARN_FROM = 12
    MIN_CHARS = 20
    MIN_FACTOR = 2.0
    SIGMAS = 6.0

    def __init__(self) -> None:
        self._rates: list[float] = []  # log(chars per second) of accepted sentences

    def add(self, sentences: Sequence[str], spans: Sequence[tuple[float, float]]) -> None:
        """Learn from a unit the job accepted."""
        for text, (start, end) in zip(sentences, spans, strict=False):
            if len(text) >= self.MIN_CHARS and end > start:
                self._rates.append(float(np.log(len(text) / (end - start))))

    def bounds(self, chars: int) -> tuple[float, float] | None:
        """Shortest and longest believable time to say ``chars`` characters; None while
        the pace is not learned or the text is too short to judge."""
        if chars < self.MIN_CHARS or len(self._rates) < self.LEARN_FROM:
            return None
        rates = np.array(self._rates)
        middle = float(np.median(rates))
        spread = self.SIGMAS * 1.4826 * float(np.median(np.abs(rates - middle)))
        width = max(float(np.log(self.MIN_FACTOR)), spread)
        return chars / float(np.exp(middle + width)), chars / float(np.exp(middle - width))

    def check(self, sentences: Sequence[str], spans: Sequence[tuple[float, float]]) -> None:
        """Raise UploadRejected, saying which sentence and which way, when one is far off."""
        for number, (text, (start, end)) in enumerate(
                zip(sentences, spans, strict=False), 1):
            limits = self.bounds(len(text))
            if limits is None:
                continue
            shortest, longest = limits
            said = end - start
            if said < shortest:
                raise UploadRejected(f"sentence {number} takes {said:.1f} s, far too short "
                                     f"for its {len(text)} characters at this voice's pace "
                                     f"({shortest:.1f} s at least): words were dropped")
            if said > longest:
                raise UploadRejected(f"sentence {number} takes {said:.1f} s, far too long "
                                     f"for its {len(text)} characters at this voice's pace "
                                     f"({longest:.1f} s at most): repeated or babbled")


def plausible_seconds(chars: int, speed: float) -> tuple[float, float]:
    """Shortest and longest audio believable for ``chars`` characters at ``speed``."""
    return (chars / (MAX_CHARS_PER_SECOND * speed),
            chars / (MIN_CHARS_PER_SECOND * speed) + SHORT_TEXT_SLACK_S)


def size_limit(chars: int, sample_rate: int, speed: float) -> int:
    """Largest plausible WAV for ``chars`` characters (slowest plausible speech)."""
    seconds = plausible_seconds(chars, speed)[1] + 2
    return min(MAX_UPLOAD_BYTES, int(seconds * sample_rate * 2) + 4096)


def parse_spans(header: str, sentences: int) -> list[tuple[float, float]]:
    """The sentence timings a node sent: one [start, end] pair per sentence, in seconds.

    Refused as malformed: not such a list (nested thousands deep, too), negative or
    backwards times, or every sentence said in no time at all (all zeros), which no
    voice does and which would leave the book's subtitles and chapter marks nowhere.
    """
    try:
        raw = json.loads(header)
        spans = [(float(a), float(b)) for a, b in raw]
    except (ValueError, TypeError, RecursionError):
        raise UploadRejected("sentence timings are not a list of [start, end] pairs") from None
    if len(spans) != sentences:
        raise UploadRejected(f"expected {sentences} sentence timings, got {len(spans)}")
    if not all(0.0 <= start <= end for start, end in spans):  # (NaN fails this too)
        raise UploadRejected("sentence timings are negative or end before they start")
    if spans and not any(end > start for start, end in spans):
        raise UploadRejected("sentence timings are all zero")
    return spans


def check_wav(path: Path, expected_rate: int, chars: int, speed: float,
              spans: list[tuple[float, float]], sentences: Sequence[str] = (),
              max_pause_s: float = 0.75, pace: SpeakingRate | None = None,
              verify: Callable[[np.ndarray, int, Sequence[str]], str | None] | None = None
              ) -> CheckedAudio:
    """Validate an uploaded WAV; raise UploadRejected with the reason.

    ``sentences`` (the unit's texts) and ``max_pause_s`` (the job's longest pause
    between sentences, as heard) tell the judge which repeats and silences the text
    and the settings explain; ``pace``, the job's learned speaking rate, refuses a
    sentence far too short or long for its text at this voice's own pace. ``verify``
    (``--verify asr``) hears the words and returns why they are wrong, or None.
    """
    channels, width, rate, data = read_wav(path)
    if channels != 1 or width != 2:
        raise UploadRejected(f"expected mono 16-bit audio, got {channels} channel(s) of "
                             f"{width * 8}-bit")
    if rate != expected_rate:
        raise UploadRejected(f"expected {expected_rate} Hz, got {rate} Hz")
    frames = len(data) // 2
    duration = frames / rate
    previous = 0.0
    for start, end in spans:
        if not previous - 0.01 <= start <= end <= duration + 0.05:
            raise UploadRejected("sentence timings are out of order or outside the audio")
        previous = end
    shortest, longest = plausible_seconds(chars, speed)
    if not shortest <= duration <= longest:
        raise ImplausibleLength(f"{duration:.1f} s of audio is implausible for {chars} "
                                "characters", CheckedAudio(duration, spans))
    # In the judge's own process once the farm asked for one (judging.py): there it
    # does not hold the lock the farm's event loop needs.
    verdict = judge_pcm(data, rate, spans, sentences, max_pause_s=max_pause_s, speed=speed,
                        in_thread=judge)
    if verdict.reason is not None:
        raise NotSpeech(verdict.reason, CheckedAudio(duration, spans))
    if pace is not None:
        try:
            pace.check(sentences, spans)
        except UploadRejected as exc:
            raise NotSpeech(str(exc), CheckedAudio(duration, spans)) from None
    if verify is not None:
        wrong = verify(np.frombuffer(data, dtype="<i2"), rate, sentences)
        if wrong is not None:
            raise NotSpeech(wrong, CheckedAudio(duration, spans))
    return CheckedAudio(duration, spans)


def read_wav(path: Path) -> tuple[int, int, int, bytes]:
    """(channels, bytes per sample, rate, PCM) of a plain PCM WAV, every size checked.

    Not the ``wave`` module: its chunk reader believes a chunk's claimed size (a fmt
    chunk claiming 0xfffffff0 bytes ended in a RuntimeError). Here each chunk must
    fit in the file, the format must be PCM and the data must be whole.
    """
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise UploadRejected(f"not a readable WAV file ({exc.strerror})") from None
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise UploadRejected("not a readable WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    at = 12
    while at + 8 <= len(blob):
        name, size = blob[at:at + 4], struct.unpack_from("<I", blob, at + 4)[0]
        body = at + 8
        if name == b"data":
            if fmt is None:
                raise UploadRejected("not a readable WAV file (audio before its format)")
            data = blob[body:body + size]
            if len(data) < size or len(data) % (fmt[1] * fmt[2] or 1):
                raise UploadRejected("the audio is truncated")
            return fmt[1], fmt[2], fmt[3], data
        if size > len(blob) - body:
            raise UploadRejected(f"not a readable WAV file (a chunk claims {size} bytes)")
        if name == b"fmt ":
            if size < 16:
                raise UploadRejected("not a readable WAV file (short format chunk)")
            tag, channels, rate, _rate, _align, bits = struct.unpack_from("<HHIIHH", blob, body)
            if tag != 1 or bits % 8 or not channels or not bits:  # PCM only, as wave read
                raise UploadRejected(f"not a readable WAV file (format {tag}, {bits} bits)")
            fmt = (tag, channels, bits // 8, rate)
        at = body + size + (size & 1)  # chunks are padded to an even length
    raise UploadRejected("not a readable WAV file (no audio data)")

