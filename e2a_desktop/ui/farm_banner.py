"""The farm's name, tag and pairing code, big enough to read out to someone at another PC.

The tag (four characters from the farm's key) is what the join dialog on the other
PC shows beside the name: two farms of one name (two PCs called alike) are told
apart by it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from e2a_node.farm_tag import farm_tag

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
        self.tag = QLabel()
        self.tag.setObjectName("farmTag")
        self.tag.setAccessibleName("Farm tag")
        self.hint = QLabel()
        self.hint.setObjectName("farmHint")
        # A long hint is cut, never pushed under the code (a narrow window at 800 px).
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        caption = QLabel("CODE")
        caption.setObjectName("farmCodeCaption")
        self.caption = caption
        layout.addWidget(self.name)
        layout.addWidget(self.tag)
        layout.addWidget(self.hint, 1)
        layout.addWidget(caption)
        layout.addWidget(self.code)
        self.show_info(None, "starting the farm…")

    def show_info(self, info: FarmInfo | None, problem: str = "") -> None:
        if info is None:
            self.name.setText("This PC renders alone")
            self.tag.setText("")
            self.code.setText("")
            self.caption.hide()
            self.hint.setText(problem)
            return
        self.caption.show()
        self.name.setText(f"Farm “{info.name}”")
        tag = farm_tag(info.fingerprint)
        self.tag.setText(f"· {tag}")
        self.tag.setToolTip(f"This farm's tag: the other PCs' join dialog shows {tag} beside "
                            "its name, so two farms of one name are told apart")
        hint = "· other PCs at home can help: run e2a-node there and enter the code"
        self.hint.setText(hint)
        self.hint.setToolTip(hint[2:])
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
