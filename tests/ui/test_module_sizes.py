"""The window's code stays in small modules, each about one thing (STYLE.md: about 400 lines
at most): the main window had grown to 655 lines of opening, converting, closing and menus."""

from __future__ import annotations

from pathlib import Path

import e2a_desktop.ui

MOST_LINES = 400


def test_no_window_module_is_over_four_hundred_lines() -> None:
    folder = Path(e2a_desktop.ui.__file__).parent
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines())
             for path in folder.glob("*.py")}
    assert "main_window.py" in sizes
    assert {name: lines for name, lines in sizes.items() if lines > MOST_LINES} == {}
