"""Keep the computer awake while a book renders (wakepy), and let it sleep again after.

Plain Python, no Qt. Where no inhibitor works (a headless box, an unknown
desktop) it logs once and carries on: rendering still works, sleep is just not held off.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

log = logging.getLogger("e2a.keepawake")


class KeepAwake:
    """``hold()`` while work runs, ``release()`` when it ends or pauses; both idempotent."""

    def __init__(self) -> None:
        self._mode: Any = None

    @property
    def held(self) -> bool:
        return self._mode is not None

    def hold(self) -> None:
        if self._mode is not None:
            return
        try:
            from wakepy import keep

            mode = keep.running(on_fail="pass")
            mode.__enter__()
        except Exception as exc:  # no inhibitor here: say so, go on
            log.info("cannot keep this computer awake while converting (%s)", exc)
            return
        if not mode.active:
            log.info("no way to keep this computer awake was found; it may sleep mid-book")
        self._mode = mode

    def release(self) -> None:
        mode, self._mode = self._mode, None
        if mode is not None:
            with contextlib.suppress(Exception):
                mode.__exit__(None, None, None)
