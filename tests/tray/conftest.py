"""Tray tests: the real tray app (fallback window offscreen) over a real coordinator on loopback.

The coordinator is reached by URL, not mDNS, so no other farm on this machine is
ever joined. Settings live in a temporary INI file and "home" is a temporary folder.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from e2a_desktop.farm.farm import Farm
from e2a_desktop.farm.server import FarmServer
from e2a_node.engines.base import Engine, EngineSettings
from e2a_node.idle import FakeIdleSource
from e2a_node.tray import pyside_guard
from e2a_node.tray.app import TrayApp
from e2a_node.tray.prefs import PrefsStore
from e2a_node.worker import NodeConfig
from tests.helpers.fakes import GateEngine, ToneEngine, gate_voice, tone_voice
from tests.helpers.farm_fixtures import CODE, make_farm
from tests.helpers.threads import no_new_threads_left

pyside_guard.install()  # as the tray does: thousands of emits must not abort the test run


@pytest.fixture(autouse=True)
def no_thread_leaks() -> Iterator[None]:
    with no_new_threads_left():
        yield


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Start-at-login entries go to a temporary home."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return folder


@dataclass
class Coordinator:
    farm: Farm
    url: str


@pytest.fixture
def coordinator(tmp_path: Path) -> Iterator[Coordinator]:
    """A real farm with a small book, served on loopback; leases last ten minutes, so a
    unit that comes back at once came back because it was handed back."""
    farm = make_farm(tmp_path / "farm", rate=ToneEngine.RATE, lease_ttl=600)
    server = FarmServer(farm, 0, "127.0.0.1", advertise=False)
    port = server.start()
    yield Coordinator(farm, f"http://127.0.0.1:{port}")
    GateEngine.open()
    server.stop()
    farm.job.close()


TrayFactory = Callable[..., TrayApp]


@pytest.fixture
def make_tray(qtbot: QtBot, tmp_path: Path, data_dir: Path) -> Iterator[TrayFactory]:
    """Builds the tray app as `e2a-node` would, with a fake idle source; tears it down."""
    made: list[TrayApp] = []

    def build(url: str | None = None, idle: FakeIdleSource | None = None,
              engine: Callable[[EngineSettings], Engine] = gate_voice, poll_ms: int = 50,
              start: bool = True, **config: object) -> TrayApp:
        settings = QSettings(str(tmp_path / "tray.ini"), QSettings.Format.IniFormat)
        node = NodeConfig(data_dir, name="tray-pc", url=url,
                          **config)  # type: ignore[arg-type]
        app = TrayApp(node, idle or FakeIdleSource(), PrefsStore(settings), use_tray=False,
                      engine_factory=engine, poll_ms=poll_ms)
        made.append(app)
        if app.window is not None:
            qtbot.addWidget(app.window)
        if start:
            app.show()
        return app

    yield build
    GateEngine.open()  # a sentence held at the gate must not hold up the teardown
    for app in made:
        app.quit()
        if app.window is not None:
            app.window.deleteLater()
        app.controller.menu.deleteLater()
    qtbot.wait(1)
    gc.collect()


__all__ = ["CODE", "Coordinator", "TrayFactory", "gate_voice", "tone_voice"]
