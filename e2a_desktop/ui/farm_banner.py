"""The farm's name, tag and pairing code, big enough to read out to someone at another PC.

The tag (four characters from the farm's key) is what the join dialog on the other
PC shows beside the name: two farms of one name (two PCs called alike) are told
apart by it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from e2a_node.farm_tag import farm_tag

from ..farm.host import FarmInfo
from ..farm.pairing import PairingMoment, format_code


class FarmBanner(QWidget):
    """Emits ``pair_requested`` when the person asks for a one-time code ("Pair a node")."""

    pair_requested = Signal()

    def __init__(self, parent: QWidget | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self._info: FarmInfo | None = None
        self._moment: PairingMoment | None = None
        self._moment_offset = 0.0  # the farm's clock minus ours, when the moment opened
        self._still_open: Callable[[], bool] = lambda: True
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.setObjectName("farmBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.name = QLabel()
        self.name.setObjectName("farmName")
        self.code = QLabel()
        self.code.setObjectName("farmCode")
        self.code.setAccessibleName("Farm code")
        # It can hold the focus (and be copied from the keyboard): "Pair a node…" hands the
        # focus to the code it shows, not to the next field (the book's Title, selected).
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.code.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
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
        self.pair_button = QPushButton("&Pair a node…")
        self.pair_button.setObjectName("pairButton")
        self.pair_button.setToolTip("A one-time code for a PC that cannot join: it works even "
                                    "while other machines are trying wrong codes")
        self.pair_button.clicked.connect(self.pair_requested)
        layout.addWidget(caption)
        layout.addWidget(self.code)
        layout.addWidget(self.pair_button)
        self.show_info(None, "starting the farm…")

    def show_info(self, info: FarmInfo | None, problem: str = "") -> None:
        self._info = info
        if self._moment is not None and info is not None:
            return  # the one-time code stays up until it ends
        self.pair_button.setVisible(info is not None)
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
        self.caption.setText("CODE")
        self.code.setText(info.code)
        self.code.setToolTip(f"port {info.port}, key {info.fingerprint}")

    def show_moment(self, moment: PairingMoment, farm_now: float,
                    still_open: Callable[[], bool] = lambda: True) -> None:
        """Show a one-time code and count it down; the farm code comes back when it ends,
        or as soon as ``still_open()`` says a PC has paired with it (it works once).
        ``farm_now``: the farm's clock when it opened (its deadline is on that clock)."""
        self._moment = moment
        self._still_open = still_open
        self._moment_offset = farm_now - self._clock()
        self.caption.setText("ONE-TIME CODE")
        self.code.setText(format_code(moment.code))
        standing = f" The farm code {self._info.code} works too." if self._info else ""
        self.code.setToolTip("Enter this code on the PC that is joining; it works once "
                             f"for a few minutes.{standing}")
        if self.pair_button.hasFocus():  # disabled, it would pass the focus down the chain
            self.code.setFocus(Qt.FocusReason.OtherFocusReason)
        self.pair_button.setEnabled(False)
        self._ticker.start()
        self._tick()

    def _tick(self) -> None:
        if self._moment is None:
            self._ticker.stop()
            return
        left = self._moment.ends - (self._clock() + self._moment_offset)
        if left <= 0 or not self._still_open():
            self._moment = None
            self._ticker.stop()
            self.pair_button.setEnabled(True)
            self.show_info(self._info)
            return
        minutes, seconds = divmod(int(left + 0.999), 60)
        hint = (f"· enter this one-time code on the PC that is joining "
                f"({minutes}:{seconds:02d} left)")
        self.hint.setText(hint)
        self.hint.setToolTip(hint[2:])


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
