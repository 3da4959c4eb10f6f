"""Render e2a_desktop/assets/ui/e2a.svg into the hicolor PNG sizes a Linux desktop looks for.

`python packaging/linux/render_icons.py OUT_DIR` writes OUT_DIR/hicolor/NxN/apps/e2a.png
(and the scalable SVG), using Qt's own SVG renderer (no extra tool needed).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SVG = Path(__file__).resolve().parents[2] / "e2a_desktop" / "assets" / "ui" / "e2a.svg"


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication([])  # noqa: F841 (a QGuiApplication must exist to paint)
    renderer = QSvgRenderer(str(SVG))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "e2a.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(target))
    scalable = out / "hicolor" / "scalable" / "apps" / "e2a.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SVG, scalable)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
