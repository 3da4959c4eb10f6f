"""Convert, Pause, Resume, Cancel, and one progress bar with minutes, speed and ETA."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..progress import ProgressSnapshot, format_duration

START_KEY = "Ctrl+Return"


class ConvertControls(QWidget):
    """Signals: ``start_requested``, ``pause_requested``, ``resume_requested``,
    ``cancel_requested``, ``play_requested``, ``show_requested``, ``open_failed(str)``
    (nothing here opens the audiobook or its folder: the sentence that says where it is)."""

    start_requested = Signal()
    pause_requested = Signal()
    resume_requested = Signal()
    cancel_requested = Signal()
    play_requested = Signal()
    show_requested = Signal()
    open_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Progress")
        self.status = QLabel("Ready to convert")
        self.status.setObjectName("progressStatus")
        self.mode = "idle"
        self._held = ""  # a status that progress does not write over (Stopping…)
        self.start = self._button("Convert", self.start_requested, START_KEY, "primary")
        self.pause = self._button("Pause", self.pause_requested, "")
        self.resume = self._button("Resume", self.resume_requested, "")
        # One owner for Ctrl+.: it pauses or resumes, whichever of the two is shown.
        self.pause_or_resume = QShortcut(QKeySequence("Ctrl+."), self)
        self.pause_or_resume.activated.connect(self._on_pause_or_resume)
        for button in (self.pause, self.resume):
            button.setToolTip(f"{button.text()} (Ctrl+.)")
        self.cancel = self._button("Cancel", self.cancel_requested, "")
        self.play = self._button("▶ Play", self.play_requested, "")
        self.show_folder = self._button("Show in folder", self.show_requested, "")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        column = QWidget()
        inner = QHBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.bar, 1)
        layout.addWidget(self.status, 2)
        layout.addWidget(column, 3)
        for button in (self.play, self.show_folder, self.pause, self.resume, self.cancel,
                       self.start):
            layout.addWidget(button)
        self.outputs: tuple[Path, ...] = ()  # the finished audiobook's files
        self.play_requested.connect(self._on_play)
        self.show_requested.connect(self._on_show)
        self.set_mode("idle")

    def tab_stops(self) -> tuple[QWidget, ...]:
        """Its buttons left to right (those hidden in a mode are passed over)."""
        return (self.play, self.show_folder, self.pause, self.resume, self.cancel, self.start)

    def _on_pause_or_resume(self) -> None:
        if self.pause.isVisible():
            self.pause_requested.emit()
        elif self.resume.isVisible():
            self.resume_requested.emit()

    def _on_play(self) -> None:
        if self.outputs:
            self._open(self.outputs[0])

    def _on_show(self) -> None:
        if self.outputs:
            self._open(self.outputs[0].parent)

    def _open(self, path: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            what = "folder" if path.is_dir() else "file"
            self.open_failed.emit(f"No program on this computer opens this {what}. "
                                  f"It is here: {path}")

    def _button(self, text: str, signal: object, shortcut: str,
                kind: str = "") -> QPushButton:
        button = QPushButton(text)
        if shortcut:
            button.setShortcut(shortcut)
            button.setToolTip(f"{text} ({shortcut})")
        if kind:
            button.setProperty("kind", kind)
        button.clicked.connect(signal)
        return button

    def set_mode(self, mode: str) -> None:
        """idle, running, paused, stopping, done."""
        visible = {
            "idle": (self.start,), "running": (self.pause, self.cancel),
            "paused": (self.resume, self.cancel), "stopping": (), "done":
                (self.play, self.show_folder, self.start),
        }[mode]
        for button in (self.start, self.pause, self.resume, self.cancel, self.play,
                       self.show_folder):
            button.setVisible(button in visible)
        self.mode = mode
        self._held = ""
        text = "Convert again" if mode == "done" else "Convert"
        if self.start.text() != text:
            # setText takes the shortcut from the text's mnemonic (none): Ctrl+Return was
            # gone after the first finished book while the tooltip still offered it.
            self.start.setText(text)
            self.start.setShortcut(QKeySequence(START_KEY))
            self.start.setToolTip(f"{text} ({START_KEY})")

    def show_stopping(self, text: str) -> None:
        """Cancel pressed: say so until the conversion ends (the next progress tick wrote
        "36 %… about 4 min left" over it, as if nothing had been pressed)."""
        self.set_mode("stopping")
        self._held = text
        self.status.setText(text)

    def show_progress_idle(self) -> None:
        self.bar.setValue(0)
        self.status.setText("Ready to convert")

    def show_progress(self, snap: ProgressSnapshot) -> None:
        self.bar.setValue(int(snap.fraction * 1000))
        eta = snap.eta_seconds
        parts = [f"{snap.fraction:.0%}", f"{format_duration(snap.audio_done)} of audio"]
        if snap.speed:
            parts.append(f"{snap.speed:.1f}× real time")
        if eta is not None and snap.state == "running":
            parts.append(snap.eta_text)
        if snap.state == "paused":
            parts.append(snap.pause_text)
        self.status.setText(self._held or " · ".join(parts))
