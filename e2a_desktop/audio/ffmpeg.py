"""Find and run ffmpeg: the system one if it works, else the one in imageio-ffmpeg."""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Sequence

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


def run_ffmpeg(args: Sequence[str], what: str) -> str:
    """Run ffmpeg quietly; return its stderr (where filters report); raise on failure.

    It runs at normal priority on purpose: a niced ffmpeg is starved by the voice's
    busy threads, and every chapter's encode then piles up at the end of the book.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        raise AudioToolError(f"ffmpeg failed while {what}: {' | '.join(tail)}")
    return proc.stderr
