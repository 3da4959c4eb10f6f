"""The window lets the person choose where this PC's voice runs, shows the GPUs it found,
remembers the choice, and the conversion uses it (issue 23: the GPU from every front end;
before, the window's built-in node was fixed to the CPU)."""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from e2a_desktop.farm.host import FarmOptions
from e2a_desktop.ui import core as core_module
from e2a_desktop.ui import prefs
from e2a_desktop.ui.main_window import MainWindow
from e2a_node import gpu
from e2a_node.gpu import GpuInfo, list_gpus
from tests.helpers.fakes import GateEngine

RTX = GpuInfo("NVIDIA GeForce RTX 3060", 10240)


@pytest.fixture
def a_gpu_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """This PC has one NVIDIA card (what list_gpus found, before the core is built)."""
    monkeypatch.setattr(core_module, "list_gpus", lambda: [("cuda:0", RTX)])


def test_the_device_choice_lists_the_gpu_and_the_conversion_runs_on_it(
        a_gpu_here: None, qtbot: QtBot, gate: type[GateEngine],
        make_window: Callable[[], MainWindow], sample_book: Path) -> None:
    window = make_window()
    combo = window.settings.device
    qtbot.waitUntil(lambda: combo.count() == 3)  # listed off the GUI thread
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Automatic", "CPU only",
                      "NVIDIA GeForce RTX 3060, 10.0 GB free (cuda:0)"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)  # by keyboard, as a person without a mouse would
    assert window.settings.chosen_device() == "cuda:0"
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    assert window.session is not None and window.session.conversion.device == "cuda:0"
    prefs.save(window.settings, window)
    again = make_window()  # the app opened again: the choice is remembered
    assert again.settings.chosen_device() == "cuda:0"


def test_a_remembered_gpu_that_is_gone_falls_back_to_automatic(
        make_window: Callable[[], MainWindow]) -> None:
    window = make_window()
    window.settings.select_device("cuda:3")
    assert window.settings.chosen_device() == "auto"


def test_unticking_this_pc_speaks_greys_out_its_device(
        make_window: Callable[[], MainWindow]) -> None:
    window = make_window()
    window.settings.render_here.setChecked(False)
    assert not window.settings.device.isEnabled()


def test_the_device_is_greyed_out_while_a_book_converts(
        qtbot: QtBot, gate: type[GateEngine], window: MainWindow, sample_book: Path) -> None:
    """It is handed to the conversion when the book starts: a change mid-book did nothing,
    while the other output choices were greyed out with "Cancel first"."""
    window.settings.select_voice("gate:gate")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(sample_book)
    qtbot.mouseClick(window.controls.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session is not None, timeout=60_000)
    device = window.settings.device
    assert not device.isEnabled()
    assert device.toolTip() == window.settings.subtitles.toolTip()  # "… Cancel first …"
    with qtbot.waitSignal(window.conversion_ended, timeout=120_000):
        gate.open()
    assert device.isEnabled() and "Cancel" not in device.toolTip()


def test_gpus_are_found_with_nvidia_smi_where_torch_is_not_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = tmp_path / "nvidia-smi"
    tool.write_text("#!/bin/sh\necho '0, NVIDIA GeForce RTX 3060, 10240'\n"
                    "echo '1, NVIDIA RTX A4000, 15000'\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(gpu, "_cache", {})
    assert list_gpus() == [("cuda:0", RTX), ("cuda:1", GpuInfo("NVIDIA RTX A4000", 15000))]


def test_gpus_are_listed_off_the_gui_thread_and_the_window_opens_without_waiting(
        monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, tmp_path: Path) -> None:
    """nvidia-smi may take its whole 5 s timeout: the window must not wait for it at start-up.
    Automatic and CPU are offered at once; the GPU, and a remembered choice of it, follow."""
    answered = threading.Event()
    asked_on: list[threading.Thread] = []

    def slow_listing() -> list[tuple[str, GpuInfo]]:
        asked_on.append(threading.current_thread())
        answered.wait(5)
        return [("cuda:0", RTX)]

    monkeypatch.setattr(core_module, "list_gpus", slow_listing)
    core = core_module.DesktopCore(farm=FarmOptions(code="482913",
                                                    mdns_interfaces=["127.0.0.1"]),
                                   output_folder=tmp_path)
    window = MainWindow(core)
    try:
        combo = window.settings.device
        assert not answered.is_set()  # built while the listing is still out
        qtbot.waitUntil(lambda: bool(asked_on))
        assert asked_on[0] is not threading.main_thread()
        assert [combo.itemData(i) for i in range(combo.count())] == ["auto", "cpu"]
        window.settings.select_device("cuda:0")  # as last time's choice is restored
        answered.set()
        qtbot.waitUntil(lambda: combo.count() == 3)
        assert window.settings.chosen_device() == "cuda:0"
    finally:
        answered.set()
        window.close()
        window.deleteLater()
        core.close()


def test_this_pcs_row_shows_the_chosen_device_before_its_first_unit(
        a_gpu_here: None, qtbot: QtBot, make_window: Callable[[], MainWindow]) -> None:
    """It said "CPU" until the first unit was spoken, whatever GPU had been chosen."""
    window = make_window()
    combo = window.settings.device
    qtbot.waitUntil(lambda: combo.count() == 3)

    def this_pc() -> str:
        nodes = window.nodes
        return str(nodes.data(nodes.index(0, 1), Qt.ItemDataRole.DisplayRole))

    assert this_pc() == "Automatic"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)
    assert this_pc() == "CUDA:0 · NVIDIA GeForce RTX 3060, 10.0 GB free"
    qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert this_pc() == "CPU"
    window.settings.select_device("cuda:0")
    prefs.save(window.settings, window)
    again = make_window()  # opened again: the remembered GPU is shown once it is listed
    qtbot.waitUntil(lambda: again.settings.device.count() == 3)
    assert again.nodes.data(again.nodes.index(0, 1), Qt.ItemDataRole.DisplayRole) == \
        "CUDA:0 · NVIDIA GeForce RTX 3060, 10.0 GB free"
