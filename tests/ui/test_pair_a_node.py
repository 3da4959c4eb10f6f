""""Pair a node": the person at the desktop gets a one-time code that works while other
machines are guessing wrong codes (farm hardening round two, finding 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from spake2 import SPAKE2_A

from e2a_desktop.farm.host import FarmInfo
from e2a_desktop.farm.pairing import MAX_GUESSES_PER_PEER, PairingMoment
from e2a_desktop.ui.farm_banner import FarmBanner
from e2a_desktop.ui.main_window import MainWindow
from e2a_node.auth import COORDINATOR_PAKE_ID, pairing_keys
from tests.helpers.fakes import FakeClock


def _pairs(window: MainWindow, code: str, node_id: str, peer: str) -> bool:
    """A node's whole exchange against the window's farm, as the real client does it."""
    pairing = window.core.host.farm.pairing
    pake = SPAKE2_A(code.encode(), idA=node_id.encode(), idB=COORDINATOR_PAKE_ID)
    answer = pairing.begin(node_id, "pc", pake.start(), peer=peer)
    if answer is None:
        return False
    _secret, expected, proof = pairing_keys(pake.finish(answer[0]), pairing.certificate)
    return expected == answer[1] and pairing.confirm(node_id, proof)


def test_the_pair_button_shows_a_one_time_code_that_gets_past_the_guessers(
        window: MainWindow, qtbot: QtBot) -> None:
    for n in range(6):  # six machines spend the farm's shared budget with wrong codes
        for k in range(MAX_GUESSES_PER_PEER):
            assert not _pairs(window, "000000", f"node-att{n}{k:04d}", f"10.0.0.{20 + n}")
    assert not _pairs(window, "482913", "node-honest01", "10.0.0.9")  # locked out

    banner = window.banner
    assert banner.pair_button.isVisibleTo(window)
    qtbot.mouseClick(banner.pair_button, Qt.MouseButton.LeftButton)
    shown = banner.code.text()
    assert shown != "482-913" and banner.caption.text() == "ONE-TIME CODE"
    assert "left)" in banner.hint.text() and not banner.pair_button.isEnabled()
    assert _pairs(window, shown.replace("-", ""), "node-honest02", "10.0.0.9")
    assert "a one-time pairing code is up" in window.log_pane.toPlainText()
    # It works once: the banner goes back to the farm code, and a second PC is refused.
    qtbot.waitUntil(lambda: banner.code.text() == "482-913", timeout=5000)
    assert banner.caption.text() == "CODE" and banner.pair_button.isEnabled()
    assert not _pairs(window, shown.replace("-", ""), "node-second01", "10.0.0.10")


def test_the_farm_code_comes_back_when_the_moment_ends(qtbot: QtBot) -> None:
    clock = FakeClock()
    banner = FarmBanner(clock=clock)
    qtbot.addWidget(banner)
    banner.show_info(FarmInfo("Home", "482-913", 4242, "ab" * 32))
    banner.show_moment(PairingMoment("123456", 1000.0, 1003.0), farm_now=1000.0)
    assert banner.code.text() == "123-456" and "0:03 left" in banner.hint.text()
    assert "The farm code 482-913 works too" in banner.code.toolTip()  # both pair now
    clock.advance(3.5)
    qtbot.waitUntil(lambda: banner.code.text() == "482-913", timeout=5000)
    assert banner.caption.text() == "CODE" and banner.pair_button.isEnabled()
