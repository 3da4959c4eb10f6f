"""Window tests: a real DesktopCore (farm on loopback, fixed code) and the real window."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from e2a_desktop.farm.host import FarmOptions
from e2a_desktop.ui.app import load_style
from e2a_desktop.ui.core import DesktopCore
from e2a_desktop.ui.dialogs import KEEP
from e2a_desktop.ui.main_window import MainWindow
from e2a_node.tray import pyside_guard
from tests.helpers.fakes import GateEngine

CODE = "482913"

pyside_guard.install()  # as the app does: thousands of emits must not abort the test run


@pytest.fixture(autouse=True)
def cycles_collected_on_this_thread() -> Iterator[None]:
    """No automatic cycle collection while a window test runs, one pass here after it.

    A collection that a worker thread (the farm's, the event bus's) happens to start frees
    Qt objects' wrappers there: their C++ destructors take Qt's connection lock while this
    thread, holding Python's lock, waits for that same lock (a suite run hung in
    QApplication.setStyle while the farm thread sat in ~QObject). The teardown's own
    ``gc.collect`` below frees the test's cycles on this thread instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


@pytest.fixture(autouse=True)
def qsettings(tmp_path: Path) -> Iterator[Path]:
    """The window's QSettings go to an INI file of this test, never the user's."""
    folder = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def core(tmp_path: Path) -> Iterator[DesktopCore]:
    made = DesktopCore(farm=FarmOptions(code=CODE, mdns_interfaces=["127.0.0.1"]),
                       output_folder=tmp_path / "out")
    (tmp_path / "out").mkdir()
    yield made
    made.close()


@pytest.fixture
def make_window(qtbot: QtBot, core: DesktopCore, qapp: object) -> Iterator[
        Callable[[], MainWindow]]:
    """Windows over the same core, as after a restart of the app; all closed at the end."""
    made: list[MainWindow] = []

    def make() -> MainWindow:
        load_style(qapp)  # type: ignore[arg-type]
        win = MainWindow(core)  # closed below, after its conversion is stopped (not by qtbot,
        win.show()              # which would close it mid-job and meet the keep-it question)
        made.append(win)
        return win

    yield make
    GateEngine.open()  # a sentence held at the gate must not hold up the teardown
    for win in made:
        if win.session is not None:
            win.session.conversion.cancel(timeout=30)
        # Should a stop take longer than that (a test failed mid-job on a loaded machine),
        # never meet the modal keep-it question here: it would hang the whole run.
        win.ask_keep = lambda: KEEP  # type: ignore[method-assign]
        win.close()
        win.deleteLater()
    qtbot.wait(1)  # let Qt delete them now, on this thread
    gc.collect()  # and free Python's cycles of Qt objects here, not later on a worker thread


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    return make_window()
