"""The small dialog that asks for the code shown on the farm's PC."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..joining import FarmOffer

WRONG_CODE = "That code is not the one {farm} shows. Check it and try again."
GONE = "{farm} is no longer on the network: it may have closed."


class PairingDialog(QDialog):
    """Asks for the offered farm's code; stays open while it is checked, says when wrong.

    The farm is named with its tag (four characters from its key), which e2a shows
    beside the farm's name and code on that PC: two farms of one name are told apart.

    Signals:
        code_entered(str): the person pressed Join with these digits.
    """

    code_entered = Signal(str)

    def __init__(self, offer: FarmOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer = offer
        self.farm = offer.name
        self.setWindowTitle("Join an e2a farm")
        self.intro = QLabel(f"<b>{_escape(offer.name)}</b> · <b>{offer.tag}</b> "
                            "is an e2a farm on your network. This PC can help it speak "
                            "audiobooks while you are away.<br><br>"
                            f"Enter the code shown in e2a on that PC (beside "
                            f"<b>{offer.tag}</b>):")
        self.intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setPlaceholderText("123-456")
        self.code.setValidator(QRegularExpressionValidator(r"[0-9\- ]{0,9}"))
        font = self.code.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.code.setFont(font)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828")
        self.buttons = QDialogButtonBox()
        self.join = self.buttons.addButton("Join", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Not now", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.code, self.message, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(380)
        self.buttons.accepted.connect(self._on_join)
        self.buttons.rejected.connect(self.reject)
        self.code.textChanged.connect(self._on_text)
        self._on_text("")

    def _digits(self) -> str:
        return "".join(c for c in self.code.text() if c.isdigit())

    def _on_text(self, _text: str) -> None:
        self.join.setEnabled(len(self._digits()) == 6 and self.code.isEnabled())

    def _on_join(self) -> None:
        if len(self._digits()) != 6:
            return
        self.message.setStyleSheet("color: palette(text)")
        self.message.setText("Checking the code…")
        self.code.setEnabled(False)
        self.join.setEnabled(False)
        self.code_entered.emit(self._digits())

    def refused(self) -> None:
        """The farm said the code was wrong: say so, and let the person try again."""
        self.failed(WRONG_CODE.format(farm=self.offer.label))

    def gone(self) -> None:
        """The farm's advert was withdrawn: it closed, or left the network."""
        self.failed(GONE.format(farm=self.offer.name))
        self.code.setEnabled(False)
        self._on_text("")

    def failed(self, why: str) -> None:
        """The code could not be checked (or was wrong): say why; Join works again."""
        self.message.setStyleSheet("color: #c62828")
        self.message.setText(why)
        self.code.setEnabled(True)
        self.code.selectAll()
        self.code.setFocus()
        self._on_text(self.code.text())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
