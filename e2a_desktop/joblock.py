"""One e2a at a time per job folder: a second conversion of the same book is refused.

Two coordinators on one job store would each believe the other's leases dead
and speak every unit twice. The lock is an OS file lock, so it vanishes with the
process that held it (a crash or power cut leaves nothing stale behind).
"""

from __future__ import annotations

from pathlib import Path

from e2a_node.single import FileLock, LockHeld

from .errors import E2AError

LOCK_NAME = "job.lock"


class JobBusy(E2AError):
    """Another e2a process is converting this book right now."""


class JobLock(FileLock):
    """The lock on a job folder."""

    def __init__(self, folder: Path, book_path: Path) -> None:
        try:
            super().__init__(folder / LOCK_NAME)
        except LockHeld:
            raise JobBusy("this book is already being converted by another e2a on this "
                          "computer; wait for it to finish or stop it first", book_path) from None
