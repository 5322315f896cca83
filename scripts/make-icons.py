#!/usr/bin/env python3
"""Draws the extension icons (16/32/48/128 px PNGs) with the standard library only.

A rounded amber square with "402" in a blocky pixel font (a plain dot at 16 px, where digits
would not be legible). Run from the repo root; the PNGs are committed, so this only reruns when
the design changes.
"""
import struct
import zlib

# 3x5 pixel glyphs, one string per row.
GLYPHS = {
    "4": ["1.1", "1.1", "111", "..1", "..1"],
    "0": ["111", "1.1", "1.1", "1.1", "111"],
    "2": ["111", "..1", "111", "1..", "111"],
}
BG = (217, 119, 6, 255)  # amber
FG = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def inside_rounded(x, y, size, radius):
    cx = min(max(x + 0.5, radius), size - radius)
    cy = min(max(y + 0.5, radius), size - radius)
    return (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius ** 2


def draw(size):
    px = [[BG if inside_rounded(x, y, size, size * 0.2) else CLEAR for x in range(size)]
          for y in range(size)]
    if size < 32:
        r = size * 0.22
        for y in range(size):
            for x in range(size):
                if (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 <= r * r:
                    px[y][x] = FG
        return px
    text = "402"
    scale = max(1, size // 14)
    width = (len(text) * 4 - 1) * scale
    left = (size - width) // 2
    top = (size - 5 * scale) // 2
    for i, ch in enumerate(text):
        for gy, row in enumerate(GLYPHS[ch]):
            for gx, bit in enumerate(row):
                if bit != "1":
                    continue
                for dy in range(scale):
                    for dx in range(scale):
                        px[top + gy * scale + dy][left + (i * 4 + gx) * scale + dx] = FG
    return px


def png(px):
    h, w = len(px), len(px[0])
    raw = b"".join(b"\x00" + b"".join(bytes(p) for p in row) for row in px)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    for size in (16, 32, 48, 128):
        with open(f"extension/icons/icon{size}.png", "wb") as f:
            f.write(png(draw(size)))
