"""The tray icon's looks, drawn with QPainter so they follow no theme and need no files."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from .status import Look

_COLOURS = {
    Look.READY: "#2e7d32",
    Look.WORKING: "#1565c0",
    Look.PAUSED: "#757575",
    Look.WAITING: "#6a5acd",
    Look.NO_FARM: "#9e9e9e",
    Look.ERROR: "#c62828",
}

_cache: dict[Look, QIcon] = {}


def icon_for(look: Look) -> QIcon:
    """A round badge in the look's colour with its sign: wave, bars, moon, dot, '?' or '!'."""
    if look not in _cache:
        icon = QIcon()
        for size in (16, 22, 32, 48, 64):
            icon.addPixmap(_draw(look, size))
        _cache[look] = icon
    return _cache[look]


def _draw(look: Look, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 64, size / 64)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(_COLOURS[look]))
    p.drawEllipse(QRectF(2, 2, 60, 60))
    pen = QPen(QColor("white"), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    _SIGNS[look](p)
    p.end()
    return pixmap


def _wave(p: QPainter) -> None:
    for x, h in ((18, 10), (26, 22), (34, 30), (42, 18), (50, 8)):
        p.drawLine(QPointF(x - 2, 32 - h / 2), QPointF(x - 2, 32 + h / 2))


def _bars(p: QPainter) -> None:
    p.drawLine(QPointF(25, 20), QPointF(25, 44))
    p.drawLine(QPointF(39, 20), QPointF(39, 44))


def _moon(p: QPainter) -> None:
    path = QPainterPath()
    path.addEllipse(QRectF(17, 17, 30, 30))
    bite = QPainterPath()
    bite.addEllipse(QRectF(27, 12, 28, 28))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    p.drawPath(path.subtracted(bite))


def _dot(p: QPainter) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    p.drawEllipse(QRectF(22, 22, 20, 20))


def _text(sign: str) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        font = p.font()
        font.setPixelSize(40)
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(0, 0, 64, 64), Qt.AlignmentFlag.AlignCenter, sign)
    return draw


_SIGNS = {Look.WORKING: _wave, Look.PAUSED: _bars, Look.WAITING: _moon, Look.READY: _dot,
          Look.NO_FARM: _text("?"), Look.ERROR: _text("!")}
