"""Find and run ffmpeg: the system one if it works, else the one in imageio-ffmpeg."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from typing import IO

from ..errors import AudioToolError


def _works(exe: str) -> bool:
    try:
        return subprocess.run([exe, "-hide_banner", "-version"], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of a working ffmpeg, or AudioToolError saying how to get one."""
    system = shutil.which("ffmpeg")
    if system and _works(system):
        return system
    try:
        import imageio_ffmpeg

        bundled = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        bundled = ""
    if bundled and _works(bundled):
        return bundled
    raise AudioToolError("no working ffmpeg found: install ffmpeg, or the imageio-ffmpeg "
                         "package (pip install imageio-ffmpeg)")


STDERR_TAIL = 256 * 1024
"""How much of ffmpeg's stderr run_ffmpeg reads back: its last bytes, where summaries are."""


def run_ffmpeg(args: Sequence[str], what: str) -> str:
    """Run ffmpeg quietly; return the end of its stderr (filters report there); raise on failure.

    It runs at normal priority on purpose: a niced ffmpeg is starved by the voice's
    busy threads, and every chapter's encode then piles up at the end of the book.
    Its stderr goes to a temporary file and only the last ``STDERR_TAIL`` bytes are
    read back (a filter's summary comes last), so a chatty run over a long chapter
    never costs this process memory in proportion to the chapter.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    with tempfile.TemporaryFile() as log:
        returncode = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=log).returncode
        stderr = read_tail(log)
    if returncode != 0:
        tail = stderr.strip().splitlines()[-3:]
        raise AudioToolError(f"ffmpeg failed while {what}: {' | '.join(tail)}")
    return stderr


def read_tail(log: IO[bytes]) -> str:
    """The last STDERR_TAIL bytes of ``log`` as text, from a line start, newlines as \\n."""
    size = log.seek(0, os.SEEK_END)
    log.seek(max(0, size - STDERR_TAIL))
    data = log.read()
    if size > STDERR_TAIL:
        data = data[data.find(b"\n") + 1:]  # drop the cut line
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
