"""Waiting on a condition from a test that shares its asyncio loop with the code under test.

The worker runs as a task on the test's own loop, so a blocking wait would stop it;
this polls the condition between turns of the loop instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def async_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Return once ``condition()`` holds; fail naming ``what`` after ``seconds``."""
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
