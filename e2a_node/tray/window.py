"""Where no system tray exists: a small window with the same controls as the tray's menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .controller import TrayController
from .icons import icon_for
from .status import TrayView


def _button(action: QAction) -> QPushButton:
    """A push button that runs ``action`` and follows its text, visibility and enabled state."""
    button = QPushButton(action.text())

    def sync() -> None:
        button.setText(action.text())
        button.setVisible(action.isVisible())
        button.setEnabled(action.isEnabled())

    action.changed.connect(sync)
    button.clicked.connect(action.trigger)
    sync()
    return button


def _checkbox(action: QAction) -> QCheckBox:
    """A check box bound both ways to a checkable ``action``."""
    box = QCheckBox(action.text())

    def sync() -> None:
        box.blockSignals(True)
        box.setText(action.text())
        box.setChecked(action.isChecked())
        box.setEnabled(action.isEnabled())
        box.blockSignals(False)

    action.changed.connect(sync)
    action.toggled.connect(lambda _on: sync())
    box.toggled.connect(action.setChecked)
    sync()
    return box


class FallbackWindow(QWidget):
    """The node's state and controls in a window (closing it quits, as Quit would)."""

    def __init__(self, controller: TrayController) -> None:
        super().__init__()
        self.controller = controller
        self.setWindowTitle("e2a node")
        self.badge = QLabel()
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-weight: 600; font-size: 14px")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: #555")
        self.joins = [_button(action) for action in controller.joins]  # a farm on offer each
        for button in self.joins:
            button.setStyleSheet("font-weight: 600")
        self.join = self.joins[0]
        self.pause = _button(controller.pause)
        self.idle_only = _checkbox(controller.idle_only)
        self.use_gpu = _checkbox(controller.use_gpu)
        self.get_voices = _checkbox(controller.get_voices)
        self.start_at_login = _checkbox(controller.start_at_login)
        self.threads = QComboBox()
        for action in controller.threads.actions():
            self.threads.addItem(action.text(), action.data())
        self.threads.setCurrentIndex(self.threads.findData(controller.prefs.threads))
        self.threads.activated.connect(self._on_threads)
        controller.threads.triggered.connect(
            lambda a: self.threads.setCurrentIndex(self.threads.findData(a.data())))
        self._layout()
        controller.view_changed.connect(self._show)
        self._show(controller.view)

    def _layout(self) -> None:
        c = self.controller
        top = QHBoxLayout()
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.addWidget(self.headline)
        words.addWidget(self.detail)
        top.addLayout(words, 1)
        grid = QGridLayout()
        grid.addWidget(self.idle_only, 0, 0, 1, 2)
        grid.addWidget(self.use_gpu, 1, 0, 1, 2)
        grid.addWidget(self.get_voices, 2, 0, 1, 2)
        grid.addWidget(QLabel("CPU threads"), 3, 0)
        grid.addWidget(self.threads, 3, 1)
        grid.addWidget(self.start_at_login, 4, 0, 1, 2)
        buttons = QHBoxLayout()
        for action in (c.farms, c.open_log):
            buttons.addWidget(_button(action))
        buttons.addStretch(1)
        buttons.addWidget(_button(c.quit))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for button in self.joins:
            layout.addWidget(button)
        layout.addWidget(self.pause)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)

    def _on_threads(self, index: int) -> None:
        self.controller.thread_action(int(self.threads.itemData(index))).trigger()

    def _show(self, view: TrayView) -> None:
        self.badge.setPixmap(icon_for(view.look).pixmap(48, 48))
        self.headline.setText(view.headline)
        self.detail.setText(view.detail)
        self.detail.setVisible(bool(view.detail))
        self.setWindowIcon(icon_for(view.look))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.controller.quit_requested.emit()
        super().closeEvent(event)
