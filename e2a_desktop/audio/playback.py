"""Play a WAV file on this computer's speakers with what the system has (no Qt needed).

Windows plays through ``winsound`` (standard library); macOS through ``afplay``;
Linux through the first of PipeWire's ``pw-play``, PulseAudio's ``paplay``,
ALSA's ``aplay``. Playback runs in the background; ``stop`` ends it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import E2AError

LINUX_PLAYERS = ("pw-play", "paplay", "aplay")


class Playback:
    """One sound playing (or finished)."""

    def __init__(self, process: subprocess.Popen[bytes] | None) -> None:
        self._process = process

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
        elif sys.platform == "win32":
            import winsound

            winsound.PlaySound(None, 0)


def player_command(wav: Path) -> list[str] | None:
    """The command that plays ``wav`` here; None on Windows (winsound) or when none exists."""
    if sys.platform == "darwin":
        return ["afplay", str(wav)]
    for name in LINUX_PLAYERS:
        exe = shutil.which(name)
        if exe:
            return [exe, str(wav)]
    return None


def play_wav(wav: Path) -> Playback:
    """Start playing; E2AError when this computer has no way to play sound."""
    if sys.platform == "win32":
        import winsound

        winsound.PlaySound(str(wav), winsound.SND_FILENAME | winsound.SND_ASYNC)
        return Playback(None)
    command = player_command(wav)
    if command is None:
        raise E2AError("no audio player found (install PipeWire, PulseAudio or ALSA utils); "
                       "the sample was saved", wav)
    return Playback(subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL))
