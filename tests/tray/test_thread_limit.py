"""CPU threads in the tray limit the cores the voice speaks on, from the next unit on."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from pytestqt.qtbot import QtBot

from e2a_node.engines.base import Engine, EngineSettings, Speech
from e2a_node.worker import pin_current_thread
from tests.helpers.fakes import ToneEngine
from tests.tray.conftest import CODE, Coordinator, TrayFactory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or
                                len(os.sched_getaffinity(0)) < 2,
                                reason="per-thread CPU affinity: Linux with 2+ cores")


def test_pinning_limits_only_the_calling_thread() -> None:
    seen: list[int] = []

    def pinned() -> None:
        pin_current_thread(1)
        seen.append(len(os.sched_getaffinity(0)))
        pin_current_thread(None)
        seen.append(len(os.sched_getaffinity(0)))

    everyone = len(os.sched_getaffinity(0))
    thread = threading.Thread(target=pinned)
    thread.start()
    thread.join()
    assert seen == [1, everyone]
    assert len(os.sched_getaffinity(0)) == everyone  # this thread was never touched


class CoreCounter(ToneEngine):
    cores: list[int] = []

    def speak(self, text: str) -> Speech:
        CoreCounter.cores.append(len(os.sched_getaffinity(0)))
        return super().speak(text)


def counting_voice(voice: EngineSettings) -> Engine:
    engine = CoreCounter()
    engine.load(voice)
    return engine


def test_the_tray_thread_limit_reaches_the_speaking_thread(
        qtbot: QtBot, coordinator: Coordinator, make_tray: TrayFactory) -> None:
    CoreCounter.cores = []
    tray = make_tray(url=coordinator.url, code=CODE, engine=counting_voice, start=False)
    window = tray.window
    window.threads.setCurrentIndex(window.threads.findData(1))
    window.threads.activated.emit(window.threads.currentIndex())
    tray.show()
    qtbot.waitUntil(lambda: tray.controller.state.units_done >= 1, timeout=30_000)
    assert CoreCounter.cores and set(CoreCounter.cores) == {1}
