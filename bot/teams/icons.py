"""The app's two icons, drawn in code: Teams wants a 192×192 colour icon and a 32×32 white
outline on transparency. A minimal PNG writer (zlib + struct) keeps Pillow out of the deps.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

ACCENT = (0x1F, 0x5F, 0x8B)
Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG whose pixel (x, y) is ``pixel(x, y)``."""
    rows = b"".join(b"\x00" + b"".join(struct.pack("4B", *pixel(x, y)) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _tick(x: float, y: float) -> bool:
    """A check mark in the unit square: two thick strokes."""
    def near(ax: float, ay: float, bx: float, by: float) -> bool:
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 < 0.075 ** 2
    return near(0.22, 0.52, 0.42, 0.72) or near(0.42, 0.72, 0.80, 0.30)


def color_icon(size: int = 192) -> bytes:
    """A white check mark on the accent colour, filling the square as Teams expects."""
    def pixel(x: int, y: int) -> Pixel:
        if _tick((x + 0.5) / size, (y + 0.5) / size):
            return (255, 255, 255, 255)
        return (*ACCENT, 255)
    return png(size, size, pixel)


def outline_icon(size: int = 32) -> bytes:
    """The same check mark in white on transparency, as Teams' outline icon must be."""
    def pixel(x: int, y: int) -> Pixel:
        return (255, 255, 255, 255) if _tick((x + 0.5) / size, (y + 0.5) / size) else (0, 0, 0, 0)
    return png(size, size, pixel)
