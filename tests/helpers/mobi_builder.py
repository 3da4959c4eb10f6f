"""Write MOBI and AZW3 files (Palm databases) byte by byte for the Kindle reader's tests."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

RECORD_SIZE = 4096


@dataclass
class MobiSpec:
    html: str
    title: str = "A Kindle Book"
    author: str = "Kay Kindle"
    language: str = "en"
    compression: int = 2  # 1 none, 2 PalmDOC, 17480 Huffman
    encryption: int = 0  # 2: Mobipocket DRM
    version: int = 6  # 8: a KF8 (AZW3) book
    cover: bytes | None = None
    trailing: bool = True  # a multibyte-overlap trailing byte on each record, as kindlegen writes
    extra: list[bytes] = field(default_factory=list)


def palmdoc_compress(data: bytes) -> bytes:
    """PalmDOC without back references: plain bytes, others escaped, space + letter paired."""
    out = bytearray()
    i = 0
    while i < len(data):
        c = data[i]
        if c == 0x20 and i + 1 < len(data) and 0x40 <= data[i + 1] < 0x80:
            out.append(data[i + 1] ^ 0x80)
            i += 2
        elif c == 0 or 0x09 <= c < 0x80:
            out.append(c)
            i += 1
        else:
            out += bytes((1, c))
            i += 1
    return bytes(out)


def _exth(spec: MobiSpec, cover_index: int | None) -> bytes:
    items = [(503, spec.title.encode()), (100, spec.author.encode()),
             (524, spec.language.encode())]
    if cover_index is not None:
        items.append((201, struct.pack(">I", cover_index)))
    body = b"".join(struct.pack(">II", kind, len(v) + 8) + v for kind, v in items)
    padding = (4 - len(body) % 4) % 4
    return b"EXTH" + struct.pack(">II", len(body) + 12 + padding, len(items)) + body + \
        bytes(padding)


def build_mobi(spec: MobiSpec, path: Path) -> Path:
    text = spec.html.encode("utf-8")
    chunks = [text[i:i + RECORD_SIZE] for i in range(0, len(text), RECORD_SIZE)]
    records = []
    for chunk in chunks:
        body = palmdoc_compress(chunk) if spec.compression == 2 else chunk
        records.append(body + (b"\x00" if spec.trailing else b""))
    first_image = len(records) + 1
    images = [spec.cover] if spec.cover else []
    mobi = bytearray(0xE8)  # MOBI header of length 0xE8, offsets from record 0's start
    mobi[0:4] = b"MOBI"
    struct.pack_into(">IIII", mobi, 4, 0xE8, 2, 65001, 1234)
    struct.pack_into(">I", mobi, 20, spec.version)
    struct.pack_into(">I", mobi, 108 - 16, first_image)
    struct.pack_into(">I", mobi, 128 - 16, 0x40)  # has EXTH
    struct.pack_into(">H", mobi, 242 - 16, 1 if spec.trailing else 0)
    palmdoc = struct.pack(">HHIHHH2x", spec.compression, 0, len(text), len(records),
                          RECORD_SIZE, spec.encryption)
    record0 = palmdoc + bytes(mobi) + _exth(spec, 0 if spec.cover else None)
    all_records = [record0, *records, *images, *spec.extra]
    header = bytearray(78)
    header[0:len(spec.title[:31])] = spec.title[:31].encode("ascii", "replace")
    header[60:68] = b"BOOKMOBI"
    struct.pack_into(">H", header, 76, len(all_records))
    offset = 78 + 8 * len(all_records) + 2
    table = bytearray()
    for i, record in enumerate(all_records):
        table += struct.pack(">II", offset, i * 2)
        offset += len(record)
    path.write_bytes(bytes(header) + bytes(table) + b"\x00\x00" + b"".join(all_records))
    return path
