"""A minimal PNG writer (RGB, 8 bits, no filtering) for generated sample and benchmark images,
so that no imaging package is needed."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(width: int, height: int, rgb_rows: list[bytes]) -> bytes:
    if len(rgb_rows) != height or any(len(r) != 3 * width for r in rgb_rows):
        raise ValueError("rgb_rows must hold `height` rows of 3*width bytes")
    raw = b"".join(b"\x00" + row for row in rgb_rows)
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b""))


def glaze_swatch(seed: int, base: tuple[int, int, int], size: int = 64) -> bytes:
    """A vessel-like silhouette in a glaze colour with a crackle-ish pattern; `seed` makes each
    image distinct (and so gives it its own CID)."""
    rows = []
    r0, g0, b0 = base
    for y in range(size):
        row = bytearray()
        half = int(size * (0.18 + 0.22 * max(0.0, 1 - abs(2 * y / size - 0.9)) ** 0.5))  # bowl profile
        for x in range(size):
            if abs(x - size // 2) <= half and size // 8 <= y < size - 2:
                crack = ((x * 7 + y * 13 + seed * 31) % 23 == 0) or ((x * y + seed) % 37 == 0)
                shade = (y * 40) // size
                if crack:
                    row += bytes((max(r0 - 70, 0), max(g0 - 70, 0), max(b0 - 70, 0)))
                else:
                    row += bytes((max(r0 - shade, 0), max(g0 - shade, 0), max(b0 - shade, 0)))
            else:
                row += bytes((246, 242, 234))  # rice-paper background
        rows.append(bytes(row))
    return encode_png(size, size, rows)
