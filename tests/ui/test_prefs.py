"""The window remembers voice, speed, output and its size across runs (QSettings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow
from tests.helpers.fakes import GateEngine


def test_settings_persist_between_runs_in_the_tests_own_ini_file(
        qtbot: QtBot, gate: type[GateEngine], make_window: Callable[[], MainWindow],
        tmp_path: Path, qsettings: Path) -> None:
    first = make_window()
    elsewhere = tmp_path / "books"
    elsewhere.mkdir()
    first.settings.select_voice("gate:gate")
    first.settings.speed.setValue(1.25)
    first.settings.format.setCurrentIndex(first.settings.format.findData("mp3"))
    first.settings.folder.setText(str(elsewhere))
    first.settings.split.setChecked(True)
    first.settings.render_here.setChecked(False)
    first.resize(760, 560)  # well within the offscreen screen (800 × 600), frame included
    size = first.size()
    first.close()
    assert list(qsettings.rglob("*.ini"))  # written where the test said, not the user's

    again = make_window()
    chosen = again.settings.chosen_voice()
    assert chosen is not None and (chosen.engine, chosen.name) == ("gate", "gate")
    assert again.settings.speed.value() == 1.25
    assert again.settings.output().format == "mp3"
    assert again.settings.output().folder == elsewhere
    assert again.settings.split.isChecked() and not again.settings.render_here.isChecked()
    assert again.size() == size and size.height() < 760
