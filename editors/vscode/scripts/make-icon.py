#!/usr/bin/env python3
"""Draw images/icon.png (128x128): an opening quotation mark and a check mark on a rounded
square. Standard library only (zlib + a hand-written PNG encoder), 4x4 supersampling.

    python3 scripts/make-icon.py
"""
import math
import os
import struct
import zlib

SIZE = 128
SS = 4  # samples per pixel per axis

BG = (31, 58, 95)       # deep blue
QUOTE = (245, 247, 250)  # near white
CHECK = (63, 185, 80)    # green


def in_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def dist_segment(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    qx, qy = ax + t * dx - px, ay + t * dy - py
    return math.hypot(qx, qy)


def in_quote_glyph(x, y, cx, cy):
    """An opening curly quote (a "6"): a ball with a tail rising to the upper right."""
    r = 11.0
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return True
    # The tail: an arc of a larger circle, thick at the ball and thinning towards its tip.
    ox, oy = cx + 14.0, cy + 1.0   # centre of the arc
    rad = 25.0
    d = math.hypot(x - ox, y - oy)
    ang = math.degrees(math.atan2(y - oy, x - ox))  # -180..180, y down
    # the arc runs from the left of its centre (180 deg) up to the top (-100 deg)
    if ang > 0:
        ang -= 360
    start, end = -180.0, -95.0
    if start <= ang <= end:
        t = (ang - start) / (end - start)
        half = 9.0 * (1 - t) + 2.5 * t
        return abs(d - rad) <= half
    return False


def in_check(x, y):
    pts = [(66, 90), (82, 106), (112, 70)]
    w = 7.5
    return any(dist_segment(x, y, *pts[i], *pts[i + 1]) <= w for i in range(len(pts) - 1))


def sample(x, y):
    if not in_round_rect(x, y, 0, 0, SIZE, SIZE, 24):
        return None
    if in_check(x, y):
        return CHECK
    if in_quote_glyph(x, y, 34, 62) or in_quote_glyph(x, y, 68, 62):
        return QUOTE
    return BG


def main():
    rows = []
    n = SS * SS
    for py in range(SIZE):
        row = bytearray([0])  # filter: none
        for px in range(SIZE):
            r = g = b = a = 0
            for sy in range(SS):
                for sx in range(SS):
                    c = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c is not None:
                        r += c[0]; g += c[1]; b += c[2]; a += 1
            if a:
                row += bytes((r // a, g // a, b // a, 255 * a // n))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    png += chunk(b"IEND", b"")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "images", "icon.png")
    with open(out, "wb") as f:
        f.write(png)
    print(os.path.normpath(out), len(png), "bytes")


if __name__ == "__main__":
    main()
