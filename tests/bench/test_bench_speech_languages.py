"""Benchmark: the French, German, Spanish, Italian, Portuguese and Dutch front ends, in
CPU seconds per million characters.

Run on demand: `python -m pytest tests/bench -m bench -s -k speech_languages`. Two texts
per language: the lines of tests/unit/speech_cases_<code>.txt (dense with numbers, money
and abbreviations) repeated to a million characters, and prose made of those lines'
plain words.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from e2a_desktop.speech import spoken_text

pytestmark = pytest.mark.bench

MILLION = 1_000_000
LANGUAGES = ("fr", "de", "es", "it", "pt", "nl")


def _lines(language: str) -> list[str]:
    path = Path(__file__).parents[1] / "unit" / f"speech_cases_{language}.txt"
    return [line[2:] for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("< ")]


def _dense(language: str) -> str:
    text = "\n\n".join(_lines(language))
    return "\n\n".join([text] * (MILLION // len(text) + 1))[:MILLION]


def _prose(language: str) -> str:
    words = sorted({w.lower() for line in _lines(language)
                    for w in re.findall(r"[^\W\d_]{2,}", line)})
    rng = random.Random(1862)
    paragraphs, size = [], 0
    while size < MILLION:
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(30, 120)))
        paragraphs.append(paragraph.capitalize() + ".")
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def _cpu_per_million(text: str, language: str) -> float:
    began = time.process_time()
    spoken_text(text, language)
    return (time.process_time() - began) * MILLION / len(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_front_end_costs_little_cpu_per_million_characters(language: str) -> None:
    dense = _cpu_per_million(_dense(language), language)
    prose = _cpu_per_million(_prose(language), language)
    print(f"\nspeech front end ({language}): {dense:.2f} CPU s per million characters of "
          f"lines dense with numbers and abbreviations, {prose:.2f} s of prose")
    assert dense < 10 and prose < 5
