"""One e2a at a time per job folder: a second conversion of the same book is refused.

Two coordinators on one job store would each believe the other's leases dead
and speak every unit twice. The lock is an OS file lock, so it vanishes with the
process that held it (a crash or power cut leaves nothing stale behind).
"""

from __future__ import annotations

import os
from pathlib import Path

from e2a_node.single import lock_exclusively

from .errors import E2AError

LOCK_NAME = "job.lock"


class JobBusy(E2AError):
    """Another e2a process is converting this book right now."""


class JobLock:
    """An exclusive, non-blocking lock on a job folder, held until ``release``."""

    def __init__(self, folder: Path, book_path: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            lock_exclusively(self._fd)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise JobBusy("this book is already being converted by another e2a on this "
                          "computer; wait for it to finish or stop it first", book_path) from None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None
