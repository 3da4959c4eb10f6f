"""One node per data folder: a second `e2a-node` on the same folder is refused.

Two nodes on one folder share one identity and one pairing secret: both join the farm as
the same node, each one's leases and uploads confusing the other's (a household test ran
two by accident). The lock is an OS file lock, so it goes with the process that held it
(a crash or a power cut leaves nothing stale behind).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import E2AError

LOCK_NAME = "node.lock"


class NodeRunning(E2AError):
    """Another e2a-node uses this data folder right now."""


class LockHeld(Exception):
    """Another process holds the lock."""


class FileLock:
    """An exclusive, non-blocking OS lock on a file, held until ``release`` (or until the
    process ends: nothing stale is left behind). LockHeld when another process holds it;
    an OSError opening the file (no permission, no room) goes to the caller as it is.
    The node's folder lock and the desktop's job lock are both this."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise LockHeld(str(path)) from None
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


class NodeLock(FileLock):
    """The lock on a node's folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            super().__init__(folder / LOCK_NAME)
        except LockHeld:
            raise NodeRunning("e2a-node is already running on this computer with this data "
                              "folder (its tray icon, or `e2a-node --headless`); stop it first, "
                              "or give this one its own folder with E2A_DATA_DIR", folder) from None


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
