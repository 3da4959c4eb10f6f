"""Benchmark: the English speech front end, in CPU seconds per million characters.

Run on demand: `python -m pytest tests/bench -m bench -s -k speech`. Two texts: the
real-book lines of tests/unit/speech_cases_en.txt (dense with numbers, money and
abbreviations) repeated to a million characters, and plain prose of the same size.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from e2a_desktop.speech import spoken_text

pytestmark = pytest.mark.bench

CASES = Path(__file__).parents[1] / "unit" / "speech_cases_en.txt"
MILLION = 1_000_000
_WORDS = ("the a of and to in he she was had said it that his her with for on at by Holmes "
          "Watson street door room night morning letter man woman house face eyes hand")


def _dense() -> str:
    lines = [line[2:] for line in CASES.read_text(encoding="utf-8").splitlines()
             if line.startswith("< ")]
    text = "\n\n".join(lines)
    return "\n\n".join([text] * (MILLION // len(text) + 1))[:MILLION]


def _prose() -> str:
    rng = random.Random(1892)
    words = _WORDS.split()
    paragraphs, size = [], 0
    while size < MILLION:
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(30, 120)))
        paragraph = paragraph.capitalize() + "."
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _cpu_per_million(text: str) -> float:
    began = time.process_time()
    spoken_text(text, "en")
    return (time.process_time() - began) * MILLION / len(text)


def test_the_front_end_costs_little_cpu_per_million_characters() -> None:
    dense, prose = _cpu_per_million(_dense()), _cpu_per_million(_prose())
    print(f"\nspeech front end (English): {dense:.2f} CPU s per million characters of "
          f"real-book lines dense with numbers and abbreviations, {prose:.2f} s of prose")
    assert dense < 10 and prose < 5
