"""Render e2a_desktop/assets/ui/e2a.svg into the Windows and macOS icon files (at build time).

`python packaging/pyinstaller/make_icons.py OUT_DIR` writes OUT_DIR/e2a.ico (16–256 px)
and OUT_DIR/e2a.icns (32–1024 px; Pillow writes no 16 px entry, Finder scales one), and
the PNGs they hold in OUT_DIR/png. Each size is drawn from the SVG by Qt (as
packaging/linux/render_icons.py does for Linux), so small sizes are not blurred
downscales; Pillow packs them into either format on any system.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image

SVG = Path(__file__).resolve().parents[2] / "e2a_desktop" / "assets" / "ui" / "e2a.svg"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(sizes: tuple[int, ...], folder: Path) -> dict[int, Image.Image]:
    """Each size drawn by Qt from the SVG (kept as folder/e2a-N.png), opened by Pillow."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (needed to paint)
    renderer = QSvgRenderer(str(SVG))
    images = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        png = folder / f"e2a-{size}.png"
        image.save(str(png))
        images[size] = Image.open(png).convert("RGBA")
    return images


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "png").mkdir(exist_ok=True)
    images = render(tuple(sorted(set(ICO_SIZES) | set(ICNS_SIZES))), out / "png")
    ico = [images[size] for size in ICO_SIZES]
    ico[-1].save(out / "e2a.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=ico[:-1])
    icns = [images[size] for size in ICNS_SIZES]
    icns[-1].save(out / "e2a.icns", append_images=icns[:-1])
    print(f"icons: {out / 'e2a.ico'}, {out / 'e2a.icns'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
