"""Fetch one file over HTTP into a ``.part`` file: resumable, checked, with progress.

A broken download keeps its ``.part`` file; the next try (a retry here, or the
same command run again later) asks only for the missing bytes with an HTTP
Range request. Once complete, the file is checked against the catalogue's size
and md5, and its sha256 is computed for the store's record. Plain urllib, so
the store works without aiohttp, torch or a running event loop.
"""

from __future__ import annotations

import errno
import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import BinaryIO

from ..errors import VoiceError
from .catalogue import RemoteFile

CHUNK = 256 * 1024
USER_AGENT = "e2a-model-store/1"


class DownloadError(VoiceError):
    """A download failed; the message names the voice and what to do."""


@dataclass(frozen=True)
class DownloadProgress:
    """Bytes fetched so far of one file of a voice (``total`` 0 when unknown)."""

    voice: str
    file: str
    done: int
    total: int


ProgressCallback = Callable[[DownloadProgress], None]


@dataclass(frozen=True)
class Digests:
    size: int
    md5: str
    sha256: str


class _Broken(Exception):
    """The connection ended early; worth resuming."""


def fetch(remote: RemoteFile, part: Path, voice: str, progress: ProgressCallback | None = None,
          timeout: float = 30.0, retries: int = 3) -> Digests:
    """Download ``remote`` into ``part`` (resuming what is there) and check it."""
    part.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            _fetch_once(remote, part, voice, progress, timeout)
            break
        except (_Broken, HTTPException, urllib.error.URLError, TimeoutError,
                ConnectionError) as exc:
            if attempt == retries:
                reason = getattr(exc, "reason", None) or exc or "connection lost"
                raise DownloadError(f"voice {voice}: downloading {remote.name} failed "
                                    f"({reason}); run the same command again to resume "
                                    f"({_size(part)} kept)") from None
    return check(remote, part, voice)


def _fetch_once(remote: RemoteFile, part: Path, voice: str,
                progress: ProgressCallback | None, timeout: float) -> None:
    have = part.stat().st_size if part.exists() else 0
    if remote.size and have >= remote.size:
        return  # complete already (an earlier run broke after the last byte)
    request = urllib.request.Request(remote.url, headers={"User-Agent": USER_AGENT})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:
            return  # nothing left to send: the check decides whether the file is whole
        raise DownloadError(f"voice {voice}: the server answered {exc.code} {exc.reason} "
                            f"for {remote.url}") from None
    with response:
        if have and response.status != 206:
            have = 0  # the server ignores Range: start over
        length = response.headers.get("Content-Length")
        expected = have + int(length) if length and length.isdigit() else 0
        total = remote.size or expected
        done = have
        with open(part, "ab" if have else "wb") as out:
            while chunk := response.read(CHUNK):
                _write(out, chunk, part, voice)
                done += len(chunk)
                if progress is not None:
                    progress(DownloadProgress(voice, remote.name, done, total))
        if expected and done < expected:
            raise _Broken(f"connection closed after {done} of {expected} bytes")


def remote_size(remote: RemoteFile, timeout: float = 10.0) -> int:
    """The file's size as its server states it (a HEAD request), 0 when it does not say.

    Coqui's model list carries no sizes, yet a user should know that XTTS-v2 is gigabytes
    before agreeing to fetch it, and the free-space check needs the figure. Redirects (the
    Hugging Face and GitHub release CDNs) are followed as a download would follow them.
    """
    if remote.size:
        return remote.size
    request = urllib.request.Request(remote.url, method="HEAD",
                                     headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            length = response.headers.get("Content-Length") or ""
    except (HTTPException, urllib.error.URLError, TimeoutError, ConnectionError, ValueError):
        return 0
    return int(length) if length.isdigit() else 0


def _write(out: BinaryIO, chunk: bytes, part: Path, voice: str) -> None:
    try:
        out.write(chunk)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DownloadError(f"voice {voice}: the disk is full; free some space and run "
                                "the same command again to resume", part.parent) from None
        raise DownloadError(f"voice {voice}: cannot write ({exc.strerror or exc})",
                            part) from None


def check(remote: RemoteFile, part: Path, voice: str) -> Digests:
    """Size and md5 as the catalogue says; a bad file is deleted so a retry starts clean."""
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    size = 0
    with open(part, "rb") as data:
        while block := data.read(1 << 20):
            md5.update(block)
            sha256.update(block)
            size += len(block)
    problem = ""
    if remote.size and size != remote.size:
        problem = f"is {size} bytes, the catalogue says {remote.size}"
    elif remote.md5 and md5.hexdigest() != remote.md5.lower():
        problem = (f"fails its checksum (md5 {md5.hexdigest()}, the catalogue says "
                   f"{remote.md5})")
    if problem:
        part.unlink(missing_ok=True)
        raise DownloadError(f"voice {voice}: the downloaded {remote.name} {problem}; it was "
                            "deleted, nothing was installed")
    return Digests(size, md5.hexdigest(), sha256.hexdigest())


def _size(path: Path) -> str:
    size = path.stat().st_size if path.exists() else 0
    return f"{size / 1e6:.1f} MB"
