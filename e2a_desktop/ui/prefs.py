"""What the window remembers between runs (QSettings): the voice, the output, its size.

The format is QSettings' default (the registry on Windows, an INI file elsewhere);
tests point it at an INI file of their own.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from .settings_panel import SettingsPanel


def _store() -> QSettings:
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "e2a", "e2a")


def restore(panel: SettingsPanel, window: QMainWindow) -> None:
    """Show last time's choices; anything missing or no longer valid keeps its default."""
    store = _store()
    voice = store.value("voice/name", "", str)
    if voice:
        panel.select_voice(str(voice))
    speed = store.value("voice/speed", None)
    if speed is not None:
        with contextlib.suppress(ValueError):
            panel.speed.setValue(float(str(speed)))
    index = panel.format.findData(store.value("output/format", "", str))
    if index >= 0:
        panel.format.setCurrentIndex(index)
    folder = str(store.value("output/folder", "", str))
    if folder and Path(folder).is_dir():
        panel.folder.setText(folder)
    panel.split.setChecked(_flag(store.value("output/split", False)))
    panel.subtitles.setCurrentIndex(max(0, panel.subtitles.findData(
        str(store.value("output/subtitles", "", str)))))
    panel.read_along.setChecked(_flag(store.value("output/read_along", False)))
    # A remembered check stays off where it cannot listen (no PocketSphinx, another language).
    panel.verify.setChecked(_flag(store.value("output/verify_asr", False))
                            and not panel.asr_unavailable)
    panel.render_here.setChecked(_flag(store.value("farm/render_here", True)))
    panel.select_device(str(store.value("farm/device", "auto", str)))
    geometry = store.value("window/geometry", None)
    if isinstance(geometry, QByteArray | bytes):
        window.restoreGeometry(QByteArray(geometry))


def save(panel: SettingsPanel, window: QMainWindow) -> None:
    store = _store()
    voice = panel.chosen_voice()
    if voice is not None:
        store.setValue("voice/name", f"{voice.engine}:{voice.name}")
    store.setValue("voice/speed", round(panel.speed.value(), 2))
    store.setValue("output/format", str(panel.format.currentData()))
    store.setValue("output/folder", panel.folder.text())
    store.setValue("output/split", panel.split.isChecked())
    output = panel.output()
    store.setValue("output/subtitles", output.subtitles)
    store.setValue("output/read_along", output.read_along)
    store.setValue("output/verify_asr", output.verify == "asr")
    store.setValue("farm/render_here", panel.render_here.isChecked())
    store.setValue("farm/device", panel.device_to_remember())
    store.setValue("window/geometry", window.saveGeometry())
    store.sync()


def _flag(value: object) -> bool:
    """INI files give booleans back as the strings 'true'/'false'."""
    return value.lower() == "true" if isinstance(value, str) else bool(value)
