"""Where the windows' own files are: the style sheet and the icon (no Qt here).

They are package data of ``e2a_desktop`` (``e2a_desktop/assets/``), found through
``importlib.resources``, so a checkout, an editable install, a wheel installed with
``pip install "e2a[gui]"`` and the PyInstaller bundle all find them the same way.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

STYLE_SHEET = Path("ui", "style.qss")
ICON = Path("ui", "e2a.svg")


def assets() -> Path:
    """The folder that holds ``ui/style.qss`` and ``ui/e2a.svg`` (said once if it does not)."""
    # Installed as plain files (never zipped), so this is a real folder Qt can open.
    folder = Path(str(resources.files("e2a_desktop").joinpath("assets")))
    if not (folder / STYLE_SHEET).is_file() and not _said_missing:
        _said_missing.append(folder)
        log.warning("e2a's style sheet and icon are missing from %s: the window opens "
                    "unstyled (reinstall e2a)", folder)
    return folder


_said_missing: list[Path] = []
