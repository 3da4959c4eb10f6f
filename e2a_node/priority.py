"""Lowering a process's CPU priority where the OS has no nice values (Windows).

Kept apart from the runner so the recogniser's and the judge's child processes can use it
without importing the node's worker."""

from __future__ import annotations

import logging
import sys
from typing import Any

log = logging.getLogger("e2a.node")

BELOW_NORMAL_PRIORITY_CLASS = 0x00004000
"""Windows' "Below normal" priority class (winbase.h)."""


def lower_priority_on_windows(kernel32: Any = None) -> bool:
    """Windows has no nice values: a process that must yield the CPU (the upload judge, a
    recogniser) takes the below-normal priority class instead, so speaking and serving
    the farm come first there too. True when it was lowered; elsewhere nothing is done
    (``kernel32`` stands in for Windows' own in tests)."""
    if kernel32 is None:
        if sys.platform != "win32":
            return False
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    try:
        return bool(kernel32.SetPriorityClass(kernel32.GetCurrentProcess(),
                                              BELOW_NORMAL_PRIORITY_CLASS))
    except OSError as exc:  # a locked-down PC: the process runs as before
        log.debug("could not lower this process's priority: %s", exc)
        return False
