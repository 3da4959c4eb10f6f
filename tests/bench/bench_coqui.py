"""Real-time factor of a Coqui model on this machine's best device, next to Piper on the CPU.

    python -m tests.bench.bench_coqui --model xtts_v2 --language en --voice-sample me.wav
    python -m tests.bench.bench_coqui --model tiny      # a random tiny VITS, built here

The model must be installed in the user data dir (`e2a voices --download NAME`), except
``tiny``. RTF = seconds spent speaking / seconds of audio (below 1: faster than real time).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from e2a_node.config import AppPaths
from e2a_node.engines.base import Engine
from e2a_node.engines.coqui import CoquiEngine
from e2a_node.engines.piper import PiperEngine
from e2a_node.settings import EngineSettings
from e2a_node.voices.samples import store_sample

SENTENCES = [
    "The old keeper climbed the stairs slowly, one step at a time.",
    "Nobody had asked him to stay after the lamp was automated, but he stayed anyway.",
    "Every evening he wiped the salt from the windows and watched the ships pass.",
    "Sometimes a sailor waved, and he waved back, though they could not see him.",
]


def real_time_factor(engine: Engine, rounds: int) -> tuple[float, float]:
    """(RTF, seconds of audio) over ``rounds`` passes of the sentences, after a warm-up."""
    engine.speak(SENTENCES[0])
    spent = audio = 0.0
    for _ in range(rounds):
        for sentence in SENTENCES:
            start = time.perf_counter()
            speech = engine.speak(sentence)
            spent += time.perf_counter() - start
            audio += speech.duration
    return spent / audio, audio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--language", default="en")
    parser.add_argument("--voice-sample", type=Path)
    parser.add_argument("--device", default="")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import torch

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    voices = AppPaths.load().voices_dir
    if args.model == "tiny":
        from tests.integration.test_coqui import build_tiny_vits

        voices = Path(tempfile.mkdtemp()) / "voices"
        build_tiny_vits(voices / "coqui" / "tiny")
    sample = store_sample(args.voice_sample, voices) if args.voice_sample else ""
    engine = CoquiEngine(voices, device)
    start = time.perf_counter()
    engine.load(EngineSettings(engine="coqui", voice=args.model, model=args.model,
                               language=args.language, reference_voice=sample))
    loaded = time.perf_counter() - start
    rtf, audio = real_time_factor(engine, args.rounds)
    name = torch.cuda.get_device_name() if device.startswith("cuda") else "CPU"
    print(f"coqui {args.model} on {device} ({name}): RTF {rtf:.3f} over {audio:.0f} s "
          f"of audio; loaded in {loaded:.1f} s")
    piper = PiperEngine(None, "cpu")
    piper.load(EngineSettings())
    rtf, audio = real_time_factor(piper, args.rounds)
    print(f"piper en_US-joe-medium on the CPU: RTF {rtf:.3f} over {audio:.0f} s of audio")


if __name__ == "__main__":
    main()
