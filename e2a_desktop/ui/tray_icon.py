"""The window's icon in the system tray: its tooltip names the farm (and the book converting),
a click brings the window back, and it carries the "Audiobook ready" notice.

It is put in the tray when the window shows, where the desktop has a tray: made at the
first notice instead, the first book converted had no icon and no tooltip to look at.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

NOTICE_MS = 10_000
"""How long a notice stays up (Qt's own default)."""

NOTICE_GRACE_MS = 1_000
"""A notice still up this long after its time is taken down (see ``TrayIcon``)."""


def tray_tip(farm: str, doing: str = "") -> str:
    """The tray icon's tooltip: the app and its farm (two windows, two farms, are told
    apart in the tray), then what it is doing, or how to bring the window back.

    "e2a · farm Study PC · 3F2A — Converting “Emma”: 42 %"."""
    head = f"e2a · farm {farm}" if farm else "e2a: ebook to audiobook"
    return f"{head} — {doing}" if doing else f"{head} (click to show the window)"


def converting_text(title: str, fraction: float, paused: bool = False) -> str:
    """What the tray says while a book converts (or waits, paused)."""
    doing = "Paused" if paused else "Converting"
    return f"{doing} “{title}”: {min(100, max(0, int(fraction * 100)))} %"


def show_windows() -> None:
    """Bring the app's main windows to the front (from the tray icon)."""
    for widget in QApplication.topLevelWidgets():
        if widget.isWindow() and widget.windowTitle() and not widget.isHidden():
            widget.showNormal()
            widget.raise_()
            widget.activateWindow()


def tray_available() -> bool:
    """Whether the desktop has a system tray to put the icon in."""
    return QSystemTrayIcon.isSystemTrayAvailable()


def balloon_up() -> bool:
    """Whether Qt's own balloon is showing: the notice it draws itself where no notification
    service runs (an X11 tray without one, such as trayer or an older desktop)."""
    return any(widget.isVisible() and widget.metaObject().className() == "QBalloonTip"
               for widget in QApplication.topLevelWidgets())


class TrayIcon(QObject):
    """The icon, once ``show`` found a tray; nothing at all where there is none.

    Qt's own balloon does not close at its time while the pointer rests on it (it
    stayed up for minutes over the tray): one still up a moment after its time is
    taken down by hiding the icon (which closes its balloon) and showing it again.

    Signals: ``notice_taken_down()`` once a notice left up past its time is taken down.
    """

    notice_taken_down = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon: QSystemTrayIcon | None = None
        self._tip = ""
        self._notice_over = QTimer(self)
        self._notice_over.setSingleShot(True)
        self._notice_over.timeout.connect(self._on_notice_over)

    def show(self) -> bool:
        """Put the icon in the tray where there is one; False where there is none."""
        if self.icon is None and tray_available():
            app = QApplication.instance()
            icon = QSystemTrayIcon(app.windowIcon() if isinstance(app, QApplication)
                                   else QIcon(), self)
            icon.setToolTip(self._tip)
            icon.activated.connect(lambda _reason: show_windows())
            icon.messageClicked.connect(show_windows)
            icon.show()
            self.icon = icon
        return self.icon is not None

    def set_tip(self, tip: str) -> None:
        self._tip = tip
        if self.icon is not None:
            self.icon.setToolTip(tip)

    def tip(self) -> str:
        return self._tip

    def notify(self, title: str, text: str, msecs: int = NOTICE_MS) -> None:
        """A notice by the icon, where the desktop has a tray that shows them."""
        if self.show() and self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, msecs)
            self._notice_over.start(msecs + NOTICE_GRACE_MS)

    def _on_notice_over(self) -> None:
        if self.icon is not None and balloon_up():
            self.icon.hide()  # takes Qt's balloon down with it, hovered or not
            self.icon.show()
            self.notice_taken_down.emit()

    def close(self) -> None:
        self._notice_over.stop()
        if self.icon is not None:
            self.icon.hide()
            self.icon.deleteLater()
            self.icon = None
