"""The time left in a conversion: smoothed, so it counts down instead of swinging.

A raw estimate (what is left at this run's pace) jumps: units are accepted in lumps,
the nodes change as they come and go, and the book's end is spoken by fewer nodes
than its middle. Seen in the window: 1:08:28 → 2:13:24 → 21:24 within a minute, and a
figure growing at 84–89 %. The shown figure counts down by the time that passes and
moves towards the raw estimate gradually, more slowly upwards than downwards. Pure.
"""

from __future__ import annotations

import math

SETTLE_S = 45.0
"""The shown figure moves about two thirds of the way to a lower raw estimate in this long."""
SETTLE_UP_S = 180.0
"""...and to a higher one in this long: a slow stretch rarely lasts, a fast one often does."""
MIN_RUNNING_S = 10.0
"""No figure before the run has been speaking this long: the first units say little."""


class TimeLeft:
    """Feeds on raw estimates; ``update`` returns the smoothed seconds left (or None)."""

    def __init__(self) -> None:
        self._value: float | None = None
        self._at = 0.0

    def update(self, now: float, running_s: float, spoken_chars: float,
               chars_left: float) -> float | None:
        """``running_s``: this run's time spent unpaused; ``spoken_chars``: spoken in it."""
        if running_s < MIN_RUNNING_S or spoken_chars <= 0:
            return None
        raw = max(0.0, chars_left) * running_s / spoken_chars
        if self._value is None:
            self._value, self._at = raw, now
            return raw
        passed = max(0.0, now - self._at)
        counted = max(0.0, self._value - passed)  # the last figure, counted down
        settle = SETTLE_UP_S if raw > counted else SETTLE_S
        weight = 1.0 - math.exp(-passed / settle)
        self._value, self._at = counted + weight * (raw - counted), now
        return self._value

    def hold(self, now: float) -> None:
        """Paused or not running: the figure does not count down meanwhile."""
        self._at = now


def about(seconds: float) -> str:
    """A time left as a person would say it: rounded, with "about"."""
    minutes = seconds / 60
    if minutes < 1:
        return "less than a minute left"
    if minutes < 10:
        return f"about {round(minutes)} min left"
    step = 5 if minutes < 120 else 10
    rounded = int(step * round(minutes / step))
    hours, mins = divmod(rounded, 60)
    if not hours:
        return f"about {mins} min left"
    return f"about {hours} h {mins:02d} min left" if mins else f"about {hours} h left"
