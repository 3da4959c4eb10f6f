"""A book's zip archive, read within bounds: entry count, each member's size, the total.

``zipfile`` alone trusts the archive: ``read()`` unpacks a member whatever its size (a
1.5 MB EPUB held a 1 GiB chapter), and looking a name up case-insensitively rebuilt the
whole name table per miss (30,000 entries with 3,000 missing spine items took minutes).
Here the entry count is read from the archive's end record before zipfile loads its
directory, a member is read through a stream that stops one byte past its bound, and
the case-insensitive index is built once.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import IO

from .limits import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS_BYTES, MAX_ENTRIES, LimitExceeded, size_text

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_EOCD_SEARCH = 65_536 + 22  # the end record and the longest archive comment


def entry_count(stream: IO[bytes]) -> int:
    """Entries the archive's end record declares (zip64 too); 0 when none is found."""
    stream.seek(0, 2)
    size = stream.tell()
    start = max(0, size - _EOCD_SEARCH)
    stream.seek(start)
    tail = stream.read()
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return 0
    count = int(struct.unpack_from("<H", tail, at + 10)[0])
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and tail[locator:locator + 4] == _ZIP64_LOCATOR:
        offset = int(struct.unpack_from("<Q", tail, locator + 8)[0])
        stream.seek(offset)
        record = stream.read(56)
        if record[:4] == b"PK\x06\x06" and len(record) == 56:
            count = int(struct.unpack_from("<Q", record, 32)[0])
    return count


class BookZip(zipfile.ZipFile):
    """A read-only zip whose members are read within the bounds of ``limits``."""

    def __init__(self, path: Path, total_limit: int = MAX_DOCUMENTS_BYTES) -> None:
        with open(path, "rb") as stream:
            count = entry_count(stream)
        if count > MAX_ENTRIES:
            raise LimitExceeded(f"the archive holds {count:,} files, more than the "
                                f"{MAX_ENTRIES:,} e2a reads in one book")
        super().__init__(path)
        self._total_limit = total_limit
        self._total = 0
        self._index: dict[str, str] | None = None

    def member_name(self, path: str) -> str | None:
        """The entry for ``path``: exact, else by case and UTF-8 spelling (see ``utf8_name``)."""
        if path in self.NameToInfo:
            return path
        if self._index is None:
            self._index = {}
            for info in self.infolist():
                self._index.setdefault(utf8_name(info).lower(), info.filename)
        return self._index.get(path.lower())

    def check_declared(self, paths: list[str]) -> None:
        """Refuse before parsing anything when the files to be read (each time it is
        read) declare more than the archive's total: a declared size is an upper bound,
        as zipfile never unpacks a member past it."""
        total = 0
        for path in paths:
            name = self.member_name(path)
            size = self.getinfo(name).file_size if name else 0
            if size > MAX_DOCUMENT_BYTES:  # name the one file that is too large
                raise LimitExceeded(_too_big(path, size, MAX_DOCUMENT_BYTES))
            total += size
        if total > self._total_limit:
            raise LimitExceeded(self._total_message())

    def read_capped(self, name: str, limit: int = MAX_DOCUMENT_BYTES,
                    counted: bool = True) -> bytes:
        """A member's bytes; LimitExceeded past ``limit``, or past the archive's total when
        ``counted`` (text, not the cover, which its own check bounds)."""
        data = read_member(self, name, limit)
        if counted:
            self._total += len(data)
            if self._total > self._total_limit:
                raise LimitExceeded(self._total_message())
        return data

    def _total_message(self) -> str:
        return (f"the book's text files unpack to more than {size_text(self._total_limit)} "
                "together (a zip bomb?); e2a refuses it")


def read_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """A member's bytes through a stream that stops one byte past ``limit`` (the declared
    size may lie); LimitExceeded naming the member when it is larger."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise LimitExceeded(_too_big(name, info.file_size, limit))
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded(_too_big(name, len(data), limit))
    return data


def _too_big(name: str, size: int, limit: int) -> str:
    return (f"'{name}' inside the book unpacks to {size_text(size)}, more than the "
            f"{size_text(limit)} e2a reads from one file (a zip bomb?); e2a refuses it")


def utf8_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its writer meant it: UTF-8 even when the flag is missing."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename
