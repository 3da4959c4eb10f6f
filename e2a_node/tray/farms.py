"""Farms…: the coordinators this node is paired with, each with a Forget button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..farm_tag import farm_tag
from ..trust import TrustStore


class FarmsDialog(QDialog):
    """Lists paired farms; Forget un-pairs one (it asks for its code again next time)."""

    def __init__(self, trust: TrustStore, forget: Callable[[str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("e2a farms")
        self._trust, self._forget = trust, forget
        self._rows = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # never cut its text
        layout.addWidget(QLabel("This PC joins these farms by itself when it finds them:"))
        layout.addLayout(self._rows)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.setMinimumWidth(360)
        self.refresh()

    def refresh(self) -> None:
        while self._rows.count():
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # out of the layout's sums now, not at deletion
                widget.deleteLater()
        farms = sorted(self._trust.all().values(), key=lambda c: c.name.lower())
        if not farms:
            # Two set lines, not a wrapped one: a wrapped label's height is not one the
            # dialog grows to (under a real window manager it was cut after Forget).
            self._rows.addWidget(QLabel("<i>None yet: when a farm appears on the network,"
                                        "<br>this PC offers to join it.</i>"))
        for farm in farms:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            label = QLabel(f"<b>{_escape(farm.name)}</b> · {farm_tag(farm.fingerprint)}")
            label.setToolTip(f"key {farm.fingerprint}")
            line.addWidget(label, 1)
            button = QPushButton("Forget")
            button.setObjectName(f"forget-{farm.fingerprint}")
            button.clicked.connect(lambda _c=False, fp=farm.fingerprint: self._on_forget(fp))
            line.addWidget(button)
            self._rows.addWidget(row)

        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.adjustSize()  # the rows changed: never leave the text cut

    def _on_forget(self, fingerprint: str) -> None:
        """Un-pair, and leave the farm now if this PC works for it (the worker does)."""
        self._forget(fingerprint)
        self.refresh()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
