"""The farm's name and pairing code, big enough to read out to someone at another PC."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..farm.host import FarmInfo


class FarmBanner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("farmBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.name = QLabel()
        self.name.setObjectName("farmName")
        self.code = QLabel()
        self.code.setObjectName("farmCode")
        self.code.setAccessibleName("Farm code")
        self.hint = QLabel()
        self.hint.setObjectName("farmHint")
        caption = QLabel("CODE")
        caption.setObjectName("farmCodeCaption")
        self.caption = caption
        layout.addWidget(self.name)
        layout.addWidget(self.hint, 1)
        layout.addWidget(caption)
        layout.addWidget(self.code)
        self.show_info(None, "starting the farm…")

    def show_info(self, info: FarmInfo | None, problem: str = "") -> None:
        if info is None:
            self.name.setText("This PC renders alone")
            self.code.setText("")
            self.caption.hide()
            self.hint.setText(problem)
            return
        self.caption.show()
        self.name.setText(f"Farm “{info.name}”")
        self.hint.setText("· other PCs at home can help: run e2a-node there and enter the code")
        self.code.setText(info.code)
        self.code.setToolTip(f"port {info.port}, key {info.fingerprint}")


class MessageBanner(QLabel):
    """One plain sentence for the person: a problem (red edge) or news."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str, error: bool = True) -> None:
        self.setProperty("error", error)
        self.style().polish(self)
        self.setText(text)
        self.show()
