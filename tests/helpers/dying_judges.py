"""Judges that die in the judge's process (``farm.judging``), as a killed one would.

Importable by name in that process, so not defined in a test module (pytest imports
those under names the child cannot find).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from e2a_desktop.audio.judge import Verdict, judge

MARKER = "E2A_TEST_JUDGE_DIES_UNLESS"
"""The file whose absence makes ``dies_once`` die (it creates it as it does)."""


def dies_once(samples: np.ndarray, rate: int, spans: Sequence[tuple[float, float]],
              sentences: Sequence[str], max_pause_s: float, speed: float) -> Verdict:
    """Dies on the first unit any process of it sees, then judges as the real judge."""
    marker = Path(os.environ[MARKER])
    if not marker.exists():
        marker.write_text("died once")
        os._exit(137)
    return judge(samples, rate, spans, sentences, max_pause_s=max_pause_s, speed=speed)


def always_dies(samples: np.ndarray, rate: int, spans: Sequence[tuple[float, float]],
                sentences: Sequence[str], max_pause_s: float, speed: float) -> Verdict:
    """Dies on every unit (a unit that kills the judge wherever it runs)."""
    os._exit(137)
