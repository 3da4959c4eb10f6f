"""The desktop's long-lived parts: paths, the event bus, the farm, voices, sleep, samples.

Built once by app.py (the composition root) and handed to the window. The farm
starts here and lives as long as the app, so nodes pair and show as ready before
a book is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from e2a_node.engines import available_voices
from e2a_node.engines.base import VoiceInfo
from e2a_node.farm_tag import farm_label
from e2a_node.gpu import GpuInfo, list_gpus
from e2a_node.settings import EngineSettings

from ..audio.playback import Playback, play_wav
from ..config import AppPaths, NetworkSettings
from ..ebook.model import Chapter
from ..errors import E2AError
from ..eventbus import EventBus
from ..farm.host import FarmHost, FarmOptions
from ..keepawake import KeepAwake
from ..lexicon import Lexicon
from ..sample import SampleSpeaker
from .bridge import CoreBridge, run_task
from .tray_icon import TrayIcon, tray_tip

log = logging.getLogger("e2a.ui")


class DesktopCore:
    """What the window talks to; owns the farm and the bus until ``close``."""

    def __init__(self, paths: AppPaths | None = None, farm: FarmOptions | None = None,
                 output_folder: Path | None = None, serve: bool = True) -> None:
        self.paths = paths or AppPaths.load()
        network = NetworkSettings.load()
        self.bus = EventBus()
        self.bridge = CoreBridge(self.bus)
        self.voices: list[VoiceInfo] = available_voices(self.paths.voices_dir)
        self.gpus: list[tuple[str, GpuInfo]] | None = None  # None: not listed yet
        self._gpu_waiters: list[Callable[[list[tuple[str, GpuInfo]]], None]] = []
        self.output_folder = output_folder or Path.home()
        self.farm_problem = ""
        options = farm or FarmOptions(mdns_interfaces=network.mdns_list)
        self.host = FarmHost(self.paths, options, emit=self.bus.emit, network=network,
                             serve=serve)
        try:
            self.host.start()
        except E2AError as exc:  # a farm of one still converts; say why nodes cannot join
            self.farm_problem = f"other PCs cannot join: {exc}"
            log.warning("%s", self.farm_problem)
            self.host = FarmHost(self.paths, options, emit=self.bus.emit, serve=False)
        self._awake = KeepAwake()
        self._samples = SampleSpeaker(self.paths.voices_dir)
        self._playing: Playback | None = None
        self.tray = TrayIcon()
        self.doing = ""  # what the tray's tooltip says the app is doing ("": nothing)

    def find_gpus(self, on_found: Callable[[list[tuple[str, GpuInfo]]], None]) -> None:
        """``on_found(gpus)`` on the GUI thread once the GPUs are listed (call from it).

        Listing runs nvidia-smi, which may take up to its 5 s timeout: never at
        start-up on the GUI thread. The list is kept for windows opened later.
        """
        if self.gpus is not None:
            on_found(self.gpus)
            return
        self._gpu_waiters.append(on_found)
        if len(self._gpu_waiters) == 1:
            run_task(list_gpus, self._on_gpus_found, lambda _why: self._on_gpus_found([]))

    def _on_gpus_found(self, gpus: list[tuple[str, GpuInfo]]) -> None:
        self.gpus = gpus
        waiters, self._gpu_waiters = self._gpu_waiters, []
        for on_found in waiters:
            try:
                on_found(gpus)
            except RuntimeError as exc:  # its window was closed meanwhile; tell the others
                if "already deleted" not in str(exc):
                    raise

    def keep_awake(self, on: bool) -> None:
        if on:
            self._awake.hold()
        else:
            self._awake.release()

    def play_sample(self, chapter: Chapter, language: str, voice: EngineSettings,
                    lexicon: Lexicon | None = None) -> Path:
        """Speak and play a sample (on a worker thread); returns the WAV's path."""
        wav = self._samples.speak_sample(chapter, language, voice, lexicon)
        if self._playing is not None:
            self._playing.stop()
        self._playing = play_wav(wav)
        return wav

    def play_file(self, wav: Path) -> None:
        """Play a WAV (a part of the audiobook), stopping whatever plays; E2AError when
        this computer has no player."""
        if self._playing is not None:
            self._playing.stop()
        self._playing = play_wav(wav)

    def show_tray(self) -> bool:
        """Put the icon in the tray (when the window shows), named as it is now; False
        where the desktop has no tray."""
        self.tray.set_tip(self.tray_tooltip())
        return self.tray.show()

    def notify(self, title: str, text: str) -> None:
        """A desktop notification where the system offers one (a tray); else nothing."""
        self.tray.set_tip(self.tray_tooltip())
        self.tray.notify(title, text)

    def tray_tooltip(self) -> str:
        info = self.host.info
        return tray_tip(farm_label(info.name, info.fingerprint) if info else "", self.doing)

    def show_doing(self, doing: str) -> None:
        """What the app is doing, for the tray icon's tooltip ("": nothing now)."""
        self.doing = doing
        self.tray.set_tip(self.tray_tooltip())

    def close(self) -> None:
        self.tray.close()
        self._awake.close()
        if self._playing is not None:
            self._playing.stop()
        self.host.stop()
        self.bridge.close()
        self.bus.close()
