"""Judge a cover image when the book is read, from its header alone.

A cover goes into the audiobook at the very end, after all the speech: a picture that
claims 65535 x 65535 pixels, or bytes that are no image, used to fail there, in ffmpeg,
with a message that did not mention the cover. Read here instead, the header's
dimensions and the size are checked up front, and a bad cover is dropped with a
warning while the book still converts.
"""

from __future__ import annotations

import struct

from .limits import MB, size_text

MAX_COVER_BYTES = 16 * MB
"""A print-resolution cover is 1-5 MB."""
MAX_COVER_SIDE = 10_000
"""Pixels on either side (a print cover is about 2,500 x 3,800)."""
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_kind_and_size(data: bytes) -> tuple[str, int, int] | None:
    """(MIME type, width, height) read from a PNG, JPEG, GIF or WebP header; else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "image/png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "image/gif", width, height
    if data.startswith(b"\xff\xd8"):
        size = _jpeg_size(data)
        return ("image/jpeg", *size) if size else None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame header's dimensions: walk the segments from the start of the file."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in _JPEG_FRAMES and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        if length < 2:
            return None
        at += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[str, int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
    elif chunk == b"VP8 " and len(data) >= 30:
        width, height = (v & 0x3FFF for v in struct.unpack("<HH", data[26:30]))
    elif chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        width, height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    else:
        return None
    return "image/webp", width, height


def cover_problem(data: bytes, name: str) -> str:
    """Why this cover cannot go into the audiobook, as a warning; "" when it can."""
    if len(data) > MAX_COVER_BYTES:
        return (f"the cover image '{name}' is {size_text(len(data))} (more than "
                f"{size_text(MAX_COVER_BYTES)}); the audiobook will have no cover")
    found = image_kind_and_size(data)
    if found is None:
        return (f"the cover '{name}' is not a PNG, JPEG, GIF or WebP image; the audiobook "
                "will have no cover")
    _kind, width, height = found
    if not (0 < width <= MAX_COVER_SIDE and 0 < height <= MAX_COVER_SIDE):
        return (f"the cover image '{name}' claims {width:,} x {height:,} pixels (at most "
                f"{MAX_COVER_SIDE:,} a side); the audiobook will have no cover")
    return ""
