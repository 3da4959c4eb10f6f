"""Reference recordings for voice cloning, stored by content hash.

A job names its reference voice by id (the sha256 of a normalised 16-bit WAV),
never by a path: the engine finds ``voices/samples/ID.wav`` on its own machine,
and a node that lacks it can fetch it by that id. Checked once, when stored:
a readable WAV, 3–30 seconds, not silent.
"""

from __future__ import annotations

import hashlib
import os
import re
import wave
from pathlib import Path

import numpy as np

from ..errors import VoiceError

MIN_SECONDS = 3.0
MAX_SECONDS = 30.0
_ID = re.compile(r"^[0-9a-f]{64}$")


def samples_dir(voices_dir: Path) -> Path:
    return voices_dir / "samples"


def sample_path(voices_dir: Path, sample_id: str) -> Path:
    """Where the sample ``sample_id`` lives; refuses ids that are not a sha256."""
    if not _ID.match(sample_id):
        raise VoiceError(f"'{sample_id}' is not a voice sample id")
    return samples_dir(voices_dir) / f"{sample_id}.wav"


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono 16-bit samples and the rate of a PCM WAV file, or one clear VoiceError."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise VoiceError("the voice sample does not exist", path) from None
    except (wave.Error, EOFError, OSError) as exc:
        raise VoiceError(f"the voice sample is not a readable WAV file ({exc})", path) from None
    if width != 2:
        raise VoiceError(f"the voice sample must be 16-bit PCM WAV (it has {8 * width}-bit "
                         "samples)", path)
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
    return samples.mean(axis=1).astype(np.int16), rate


def check_sample(samples: np.ndarray, rate: int, path: Path) -> None:
    seconds = len(samples) / rate if rate else 0.0
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise VoiceError(f"the voice sample is {seconds:.1f} s long; it must be "
                         f"{MIN_SECONDS:g}–{MAX_SECONDS:g} s of one person speaking", path)
    peak = int(np.abs(samples.astype(np.int32)).max()) if len(samples) else 0
    if peak < 328:  # below -40 dBFS everywhere: nothing to clone
        raise VoiceError("the voice sample is silent", path)


def store_sample(path: Path, voices_dir: Path) -> str:
    """Check a recording, keep a mono copy under its content hash, return the id."""
    samples, rate = read_wav(path)
    check_sample(samples, rate, path)
    target_dir = samples_dir(voices_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = target_dir / f".{os.getpid()}.wav.tmp"
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    sample_id = hashlib.sha256(tmp.read_bytes()).hexdigest()
    os.replace(tmp, target_dir / f"{sample_id}.wav")
    return sample_id


def install_sample(data: bytes, sample_id: str, voices_dir: Path) -> Path:
    """Keep a sample received from a coordinator, if it is the one the job named.

    The bytes must hash to ``sample_id`` (so a peer cannot substitute another
    voice, nor make this node keep a file it did not ask for) and pass the same
    checks as a recording the user chose; anything else is a VoiceError.
    """
    target = sample_path(voices_dir, sample_id)
    if hashlib.sha256(data).hexdigest() != sample_id:
        raise VoiceError(f"the voice sample {sample_id[:12]}… received does not match its id")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{os.getpid()}.{sample_id[:12]}.tmp")
    try:
        tmp.write_bytes(data)
        samples, rate = read_wav(tmp)
        if rate < 8000 or rate > 192000:
            raise VoiceError(f"the voice sample has an odd sample rate ({rate} Hz)", target)
        check_sample(samples, rate, target)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
