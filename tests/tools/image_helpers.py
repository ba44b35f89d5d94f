"""Small image helpers for the view_image tests, no image library needed: a GIF writer (frames,
offsets, interlacing, transparency) and a PNG reader (8-bit RGBA, any filter) to compare the
pixels two implementations send."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    pixels: list[int]  # palette indices, row by row
    left: int = 0
    top: int = 0
    transparent: int | None = None
    interlaced: bool = False


def _lzw(indices: list[int], min_size: int) -> bytes:
    # A clear code before every pixel keeps the code width fixed: valid, if not small.
    clear, end, width = 1 << min_size, (1 << min_size) + 1, min_size + 1
    codes = [c for i in indices for c in (clear, i)] + [end]
    bits = nbits = 0
    out = bytearray()
    for code in codes:
        bits |= code << nbits
        nbits += width
        while nbits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    if nbits:
        out.append(bits)
    return bytes(out)


def _blocks(data: bytes) -> bytes:
    return (
        b"".join(
            bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)
        )
        + b"\x00"
    )


def _interlace_order(height: int) -> list[int]:
    return [*range(0, height, 8), *range(4, height, 8), *range(2, height, 4), *range(1, height, 2)]


def gif(width: int, height: int, palette: list[tuple[int, int, int]], frames: list[Frame]) -> bytes:
    """A GIF89a with a global palette (padded to a power of two) and these frames."""
    bits = max(1, (len(palette) - 1).bit_length())
    table = b"".join(bytes(c) for c in palette) + b"\x00" * 3 * ((1 << bits) - len(palette))
    out = bytearray(b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80 | (bits - 1), 0, 0))
    out += table
    for f in frames:
        if f.transparent is not None:
            out += b"\x21\xf9\x04" + struct.pack("<BHB", 1, 0, f.transparent) + b"\x00"
        out += b"\x2c" + struct.pack(
            "<HHHHB", f.left, f.top, f.width, f.height, 0x40 if f.interlaced else 0
        )
        rows = [f.pixels[y * f.width : (y + 1) * f.width] for y in range(f.height)]
        if f.interlaced:
            rows = [rows[y] for y in _interlace_order(f.height)]
        min_size = max(2, bits)
        out += bytes([min_size]) + _blocks(_lzw([i for r in rows for i in r], min_size))
    return bytes(out + b"\x3b")


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, RGBA bytes) of an 8-bit RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert (depth, color, interlace) == (8, 6, 0), header
    raw, stride = zlib.decompress(idat), width * 4
    out, prev, i = bytearray(), bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - 4] if x >= 4 else 0
            b = prev[x]
            c = prev[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        out += line
        prev = line
    return width, height, bytes(out)
