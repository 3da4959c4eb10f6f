"""Window tests: a real DesktopCore (farm on loopback, fixed code) and the real window."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from e2a_desktop.farm.host import FarmOptions
from e2a_desktop.ui.app import load_style
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.main_window import MainWindow
from tests.helpers.fakes import GateEngine

CODE = "482913"


@pytest.fixture
def core(tmp_path: Path) -> Iterator[DesktopCore]:
    made = DesktopCore(farm=FarmOptions(code=CODE, mdns_interfaces=["127.0.0.1"]),
                       output_folder=tmp_path / "out")
    (tmp_path / "out").mkdir()
    yield made
    made.close()


@pytest.fixture
def window(qtbot: QtBot, core: DesktopCore, qapp: object) -> Iterator[MainWindow]:
    load_style(qapp)  # type: ignore[arg-type]
    win = MainWindow(core)
    qtbot.addWidget(win)
    win.show()
    yield win
    GateEngine.open()  # a sentence held at the gate must not hold up the teardown
    if win.session is not None:
        win.session.conversion.cancel(timeout=30)
    win.close()
    win.deleteLater()
    qtbot.wait(1)  # let Qt delete it now, on this thread
    gc.collect()  # and free Python's cycles of Qt objects here, not later on a worker thread
