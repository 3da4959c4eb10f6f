"""Is this sound a voice reading the text? A cheap judge for every unit a node sends.

A node's upload passes the format checks whatever it holds: white noise, a tone or a
stretch of silence is a well-formed WAV. Speech has properties these do not, and they
cost one short FFT per 20 ms to see (pure numpy, a few milliseconds per unit):

- its level rises and falls with the syllables (tens of dB between a vowel and the
  gap after it); noise and tones hold one level;
- its spectrum keeps changing shape (vowels, nasals, fricatives); noise of any colour
  and a tone keep one shape;
- its energy lies in many harmonics and formants, never in one spectral line (a tone);
- its long-term spectrum falls with frequency (more below 1 kHz than above 2.5 kHz);
  white noise is flat;
- it is not clipped at full scale, not silent, has no long silence inside a sentence,
  and does not say the same stretch twice where the text does not.

Each threshold sits far from both sides: measured on real Piper speech (40 sentences,
one word to a paragraph) and on the signals it must refuse; ``tests/unit/
test_audio_judge.py`` holds those measurements to the margins. The judge refuses only
what no voice produces; it does not know whether the words are the right ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FULL_SCALE = 32000
"""A sample this loud is at the top of 16-bit range: a voice's peaks stay well below."""
MAX_CLIPPED_FRACTION = 0.002
"""Piper never reaches full scale; speech pushed 18 dB into clipping has 16 % there."""
SILENT_DB = -50.0
"""A unit whose loudest 40 ms stays below this is silence (Piper's peaks: about -8 to
-14 dBFS)."""
ACTIVE_BELOW_PEAK_DB = 35.0
"""A frame more than this far below the unit's loud frames counts as a pause."""
MIN_LEVEL_RANGE_DB = 8.0
"""Spread (10th to 90th percentile) of the speaking frames' level. Speech: 11-32 dB
(syllables); white, pink and brown noise: 0.8-4.0 dB; a steady tone: 0."""
MIN_SHAPE_CHANGE_DB = 2.0
"""How much the spectrum's shape moves from frame to frame (mean over nine bands of
each band's spread, level removed). Speech: 2.5 ("Ah.", one vowel) to 11; noise of
any colour, even with speech's own loudness contour imposed: 1.4-1.8; tones: under 0.7."""
MAX_LINE_FRACTION = 0.9
"""Share of a frame's energy in its strongest spectral line (median over frames).
Speech: 0.29-0.65 (energy spread over harmonics; a higher voice, with fewer harmonics
under its formants, sits higher); a sine, steady, pulsed or gliding: 0.95-1.0."""
MIN_TILT_DB = 0.0
"""Energy below 1 kHz over energy at 2.5-7.5 kHz, whole unit. Speech: +7.7 ("Shh.",
"Zzz.") to +26 dB; white noise: -7.6 dB."""
MAX_INNER_SILENCE_S = 1.5
"""Longest pause inside one sentence at speed 1 (Piper's longest at a comma or colon:
0.42 s); a sentence cut off and padded with silence leaves far more."""
PAUSE_SLACK_S = 1.0
"""Beyond the job's own pause between sentences, silence anywhere in a unit is a cut."""
MIN_REPEAT_S = 1.0
"""A stretch heard twice within one sentence, longer than this and longer than any
repetition in its text, is the voice looping (a known neural TTS failure). Real
sentences: at most 0.42 s alike ("She sells sea shells"); 1.6 s doubled: found 1.4 s."""
MAX_PAUSE_S = 10.0
"""The longest paragraph pause the settings allow, for a caller that does not know the
job's own."""
REPEAT_SIMILARITY = 0.93
REPEAT_GAP_FRAMES = 2
MIN_RHYTHM_S = 0.3
"""Below this much sound there is not one whole syllable to hear rise and fall (Piper's
shortest word, "A.", lasts 0.43 s): the level and shape checks wait for more."""
BLOCK_FRAMES = 2048
EDGES_HZ = (100, 200, 400, 700, 1100, 1700, 2500, 3500, 5000, 7500)


@dataclass(frozen=True)
class Verdict:
    """The judge's reading of a unit: ``reason`` is None when it sounds like speech."""

    reason: str | None
    level_range_db: float = 0.0
    shape_change_db: float = 0.0
    line_fraction: float = 0.0
    tilt_db: float = 0.0
    clipped: float = 0.0
    longest_silence_s: float = 0.0
    repeat_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class _Frames:
    hop: int
    level_db: np.ndarray  # every frame's level above 80 Hz, dBFS
    active: np.ndarray  # bool per frame: not a pause
    line: np.ndarray  # every frame's share of energy in its strongest line
    bands_db: np.ndarray  # every frame's band levels


def judge(samples: np.ndarray, rate: int, spans: Sequence[tuple[float, float]] = (),
          sentences: Sequence[str] = (), max_pause_s: float = MAX_PAUSE_S,
          speed: float = 1.0) -> Verdict:
    """Judge mono int16 ``samples``; ``spans`` are the sentences' [start, end] seconds.

    ``max_pause_s`` is the longest pause the job puts between sentences (as heard);
    ``sentences`` (the texts of ``spans``) excuse repeats the text itself makes.
    """
    pcm = np.asarray(samples, dtype=np.int16)
    clipped = _clipped_fraction(pcm)
    if clipped > MAX_CLIPPED_FRACTION:
        return Verdict(f"the audio is clipped ({clipped:.1%} of it at full scale)",
                       clipped=clipped)
    frames = _frames(pcm, rate)
    if not len(frames.level_db) or frames.level_db.max() < SILENT_DB:
        return Verdict("the audio is silent", clipped=clipped)
    level_range, shape, line, tilt = _spectral_facts(frames)
    facts = dict(level_range_db=level_range, shape_change_db=shape, line_fraction=line,
                 tilt_db=tilt, clipped=clipped)
    if line > MAX_LINE_FRACTION:
        return Verdict("the audio is a steady tone, not speech", **facts)
    heard = frames.active.sum() * frames.hop / rate
    if heard >= MIN_RHYTHM_S and (level_range < MIN_LEVEL_RANGE_DB
                                  or shape < MIN_SHAPE_CHANGE_DB):
        return Verdict("the audio is steady noise, not speech (no syllables in it)", **facts)
    if tilt < MIN_TILT_DB:
        return Verdict("the audio is hiss, not speech (its spectrum is flat)", **facts)
    step = frames.hop / rate
    longest = _longest_run(~frames.active) * step
    facts["longest_silence_s"] = longest
    if longest > max_pause_s + PAUSE_SLACK_S + MAX_INNER_SILENCE_S / speed:
        return Verdict(f"the audio has {longest:.1f} s of silence in it", **facts)
    if spans:
        total = len(frames.active)
        before = _longest_run(~frames.active[:int(spans[0][0] / step)]) * step
        after = _longest_run(~frames.active[min(total, int(spans[-1][1] / step) + 4):]) * step
        if max(before, after) > PAUSE_SLACK_S:
            return Verdict(f"the audio has {max(before, after):.1f} s of silence outside "
                           "its sentences", **facts)
    worst_repeat = 0.0
    for i, (start, end) in enumerate(spans):
        a, b = int(start / step), int(end / step)
        inner = _longest_run(~frames.active[a:b]) * step
        facts["longest_silence_s"] = max(longest, inner)
        if inner > MAX_INNER_SILENCE_S / speed:
            return Verdict(f"sentence {i + 1} has {inner:.1f} s of silence inside it", **facts)
        repeat = _longest_repeat(frames, a, b, step)
        worst_repeat = max(worst_repeat, repeat)
        facts["repeat_s"] = worst_repeat
        allowed = max(MIN_REPEAT_S / speed,
                      _text_repeat_s(sentences[i] if i < len(sentences) else "", end - start))
        if repeat > allowed:
            return Verdict(f"sentence {i + 1} says a {repeat:.1f} s stretch twice", **facts)
    return Verdict(None, **facts)


def _clipped_fraction(pcm: np.ndarray) -> float:
    if not len(pcm):
        return 0.0
    return float(np.mean(np.abs(pcm.astype(np.int32)) >= FULL_SCALE))


def _frames(pcm: np.ndarray, rate: int) -> _Frames:
    """40 ms Hann frames every 20 ms: level, band levels and line share, above 80 Hz.

    Below 80 Hz no voice has anything to say; cutting it keeps brown noise's slow
    wander from passing for a syllable rhythm. Done in blocks, so a long upload
    (64 MB, half an hour) costs a few MB of memory, not gigabytes.
    """
    hop = max(1, rate // 50)
    win = hop * 2
    count = max(0, (len(pcm) - win) // hop + 1)
    freqs = np.fft.rfftfreq(win, 1 / rate)
    edges = [e for e in EDGES_HZ if e < rate / 2 * 0.95]
    window = np.hanning(win).astype(np.float32)
    levels, lines, bands = [], [], []
    for first in range(0, count, BLOCK_FRAMES):
        last = min(count, first + BLOCK_FRAMES)
        x = pcm[first * hop:(last - 1) * hop + win].astype(np.float32) / 32768.0
        index = np.arange(win)[None, :] + hop * np.arange(last - first)[:, None]
        spectra = np.abs(np.fft.rfft(x[index] * window, axis=1)) ** 2
        spectra[:, freqs < 80] = 0.0
        total = spectra.sum(axis=1)
        # Parseval with the Hann window's power (3/8): a frame's mean square, in dBFS.
        levels.append(10 * np.log10(total * 2 / (0.375 * win * win) + 1e-10))
        peak = spectra.argmax(axis=1)
        cumulative = np.concatenate([np.zeros((len(spectra), 1)),
                                     np.cumsum(spectra, axis=1)], axis=1)
        rows = np.arange(len(spectra))
        lo = np.clip(peak - 2, 0, spectra.shape[1])
        hi = np.clip(peak + 3, 0, spectra.shape[1])
        lines.append((cumulative[rows, hi] - cumulative[rows, lo]) / (total + 1e-20))
        bands.append(np.stack([spectra[:, (freqs >= a) & (freqs < b)].sum(axis=1)
                               for a, b in zip(edges, edges[1:], strict=False)], axis=1))
    if not levels:
        nothing = np.zeros(0)
        return _Frames(hop, nothing, nothing.astype(bool), nothing,
                       np.zeros((0, len(edges) - 1)))
    level = np.concatenate(levels)
    active = level > max(SILENT_DB - 5, float(np.percentile(level, 95)) - ACTIVE_BELOW_PEAK_DB)
    return _Frames(hop, level, active, np.concatenate(lines),
                   10 * np.log10(np.concatenate(bands) + 1e-12))


def _spectral_facts(frames: _Frames) -> tuple[float, float, float, float]:
    """(level range dB, shape change dB, strongest-line fraction, tilt dB)."""
    level = frames.level_db[frames.active]
    level_range = float(np.percentile(level, 90) - np.percentile(level, 10))
    bands = frames.bands_db[frames.active]
    shape = bands - bands.mean(axis=1, keepdims=True)
    shape_change = float(np.mean(np.std(shape, axis=0)))
    line = float(np.median(frames.line[frames.active]))
    power = (10 ** (bands / 10)).sum(axis=0)
    edges = EDGES_HZ[:bands.shape[1] + 1]
    low = sum(p for p, lo in zip(power, edges[:-1], strict=True) if lo < 1000)
    high = sum(p for p, lo in zip(power, edges[:-1], strict=True) if lo >= 2500)
    tilt = float(10 * np.log10((low + 1e-20) / (high + 1e-20)))
    return level_range, shape_change, line, tilt


def _longest_run(flags: np.ndarray) -> int:
    """Length of the longest run of True in ``flags``."""
    if not len(flags) or not flags.any():
        return 0
    padded = np.concatenate([[0], flags.astype(np.int8), [0]])
    changes = np.flatnonzero(np.diff(padded))
    return int((changes[1::2] - changes[::2]).max())


def _longest_repeat(frames: _Frames, a: int, b: int, step: float) -> float:
    """Longest stretch of sentence frames [a, b) heard again later in the sentence, s.

    Compares the sentence with itself (a self-similarity matrix of 20 ms spectral
    frames, level included) and follows each diagonal: a doubled stretch is a long
    diagonal run of near-identical frames. Pauses are left out: two silences are alike.
    """
    bands = frames.bands_db[a:b]
    active = frames.active[a:b]
    if len(bands) < 8:
        return 0.0
    centred = bands - bands.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True) + 1e-9
    unit = centred / norms
    both_active = active[:, None] & active[None, :]
    similar = (unit @ unit.T > REPEAT_SIMILARITY) & both_active
    both_quiet = ~active[:, None] & ~active[None, :]
    best = 0
    shortest_lag = max(1, int(0.15 / step))  # a frame is like its neighbours
    for lag in range(shortest_lag, len(bands) - best):
        alike = np.diagonal(similar, lag)
        if alike.sum() <= best:
            continue
        # A run goes on through a pause heard in both places; it counts the speech.
        going = _bridged(alike | np.diagonal(both_quiet, lag), REPEAT_GAP_FRAMES)
        best = max(best, min(lag, _longest_sum(alike, going)))
    return best * step


def _bridged(flags: np.ndarray, gap: int) -> np.ndarray:
    """``flags`` with each run of at most ``gap`` False frames set True: a frame at a
    syllable's edge, over the pause threshold on one side only, does not end a run."""
    padded = np.concatenate([[1], flags.astype(np.int8), [1]])
    changes = np.flatnonzero(np.diff(padded))
    out = flags.copy()
    for start, end in zip(changes[::2], changes[1::2], strict=True):
        if end - start <= gap:
            out[start:end] = True
    return out


def _longest_sum(counted: np.ndarray, going: np.ndarray) -> int:
    """Most ``counted`` frames in one unbroken run of ``going`` frames."""
    breaks = np.flatnonzero(~going)
    totals = np.add.reduceat(counted.astype(np.int32),
                             np.concatenate([[0], breaks]).astype(np.intp))
    return int(totals.max()) if len(totals) else 0

def _text_repeat_s(sentence: str, seconds: float) -> float:
    """How long a repeat the text itself makes ("well, well, well"), in seconds."""
    words = re.findall(r"\w+", sentence.lower())
    if not words or seconds <= 0:
        return 0.0
    longest = 0
    for size in range(1, len(words) // 2 + 1):
        seen: set[tuple[str, ...]] = set()
        for i in range(len(words) - size + 1):
            gram = tuple(words[i:i + size])
            if gram in seen:
                longest = max(longest, sum(len(w) + 1 for w in gram))
            seen.add(gram)
    chars = max(1, len(sentence))
    return 1.5 * longest / chars * seconds + 0.3
