"""The window names its farm as the join dialog on another PC will: name, tag and code."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from e2a_desktop.ui.main_window import MainWindow
from e2a_node.farm_tag import farm_tag
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub


def test_the_banner_shows_the_farms_tag_beside_its_name_and_code(window: MainWindow) -> None:
    banner = window.banner
    fingerprint = banner.code.toolTip().rsplit("key ", 1)[1]
    tag = farm_tag(fingerprint)
    assert banner.tag.text() == f"· {tag}"  # what the other PC's join dialog shows
    assert banner.code.text() == "482-913"
    assert banner.tag.isVisibleTo(window)


def test_the_title_names_the_book_and_the_farm_so_two_windows_differ(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    fingerprint = window.banner.code.toolTip().rsplit("key ", 1)[1]
    farm = f"{window.core.host.info.name} · {farm_tag(fingerprint)}"  # type: ignore[union-attr]
    assert window.windowTitle() == f"e2a — ebook to audiobook · farm {farm}"

    docs = [Doc("c1.xhtml", "<h1>One</h1><p>The lamps were lit at dusk.</p>", toc_title="One")]
    book = build_epub(EpubSpec(title="The Lamplighter", docs=docs), tmp_path / "lamp.epub")
    with qtbot.waitSignal(window.book_opened, timeout=60_000):
        window.open_book(book)
    assert window.windowTitle() == f"The Lamplighter — e2a · farm {farm}"

    window.close_book()
    assert window.windowTitle() == f"e2a — ebook to audiobook · farm {farm}"
