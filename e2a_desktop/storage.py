"""Disk trouble (full, read-only, no permission) turned into one line a person can act on.

The job folder is written all the time: every accepted unit, every encoded
chapter, the SQLite store. When the disk fills up or the folder becomes
read-only, the error can surface as an OSError from a write, or as
``sqlite3.OperationalError("database or disk is full")`` from the store, on any
of several threads. ``storage_fault`` recognises both and says what happened and
what to do; the store rolls its transaction back, so nothing accepted is lost and
the same command resumes once there is room.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from .errors import E2AError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_SQLITE_FULL = ("disk is full", "database or disk is full")
_SQLITE_READ_ONLY = ("readonly database", "unable to open database", "disk i/o error")


class StorageFault(E2AError):
    """The job folder cannot be written. Work already accepted is safe; resume later."""


def storage_fault(exc: BaseException, folder: Path) -> StorageFault | None:
    """A StorageFault for a full or unwritable disk; None for any other error."""
    full = read_only = False
    if isinstance(exc, OSError):
        full, read_only = exc.errno in _FULL, exc.errno in _READ_ONLY
    elif isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        full = any(s in text for s in _SQLITE_FULL)
        read_only = any(s in text for s in _SQLITE_READ_ONLY)
    if full:
        return StorageFault("the disk is full; free some space and start the same "
                            "conversion again: the work done so far is kept", folder)
    if read_only:
        return StorageFault("this folder cannot be written (read-only or no permission); "
                            "fix that and start the same conversion again: the work done so "
                            "far is kept", folder)
    return None
