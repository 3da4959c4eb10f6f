"""The window names its farm as the join dialog on another PC will: name, tag and code."""

from __future__ import annotations

from e2a_desktop.ui.main_window import MainWindow
from e2a_node.farm_tag import farm_tag


def test_the_banner_shows_the_farms_tag_beside_its_name_and_code(window: MainWindow) -> None:
    banner = window.banner
    fingerprint = banner.code.toolTip().rsplit("key ", 1)[1]
    tag = farm_tag(fingerprint)
    assert banner.tag.text() == f"· {tag}"  # what the other PC's join dialog shows
    assert banner.code.text() == "482-913"
    assert banner.tag.isVisibleTo(window)
