"""GIF → PNG for `view_image`: the official CLI 0.169 sends a GIF as a PNG (8-bit RGBA) of its
first frame, never the GIF itself (an animated GIF is not an image the model accepts, and one in
the history would fail every later request of the thread). Pure Python, no image library: the
first frame is LZW-decoded onto the logical screen (alpha 0 where the frame's transparent index
is, keeping that palette colour as the official conversion does; transparent black outside the
frame), then written as a PNG.
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["GifError", "gif_to_png"]

# Decoding is pure Python: refuse screens whose pixel count would take seconds.
MAX_PIXELS = 16_000_000


class GifError(ValueError):
    """Not a GIF this decoder can read."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise GifError("truncated GIF")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def byte(self) -> int:
        return self.take(1)[0]

    def sub_blocks(self) -> bytes:
        parts = []
        while True:
            size = self.byte()
            if size == 0:
                return b"".join(parts)
            parts.append(self.take(size))


def _palette(raw: bytes) -> list[tuple[int, int, int]]:
    return [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]


def _lzw_decode(data: bytes, min_size: int, count: int) -> bytearray:
    """GIF's variable-width LSB-first LZW; returns up to `count` palette indices."""
    if not 2 <= min_size <= 8:  # the spec's range: palette indices are at most 8 bits
        raise GifError("bad LZW code size")
    clear, end = 1 << min_size, (1 << min_size) + 1
    size = min_size + 1
    table: list[bytes] = [bytes([i]) for i in range(clear)] + [b"", b""]
    out = bytearray()
    prev: bytes | None = None
    bits = nbits = 0
    for byte in data:
        bits |= byte << nbits
        nbits += 8
        while nbits >= size:
            code = bits & ((1 << size) - 1)
            bits >>= size
            nbits -= size
            if code == clear:
                table = table[: clear + 2]
                size, prev = min_size + 1, None
                continue
            if code == end:
                return out[:count]
            if code < len(table):
                entry = table[code]
                if prev is not None:
                    table.append(prev + entry[:1])
            elif prev is not None and code == len(table):
                entry = prev + prev[:1]
                table.append(entry)
            else:
                raise GifError("bad LZW code")
            out += entry
            prev = entry
            if len(table) == (1 << size) and size < 12:
                size += 1
            if len(out) >= count:
                return out[:count]
    return out[:count]


def _deinterlace(rows: list[bytes]) -> list[bytes]:
    order = [
        *range(0, len(rows), 8),
        *range(4, len(rows), 8),
        *range(2, len(rows), 4),
        *range(1, len(rows), 2),
    ]
    out: list[bytes] = [b""] * len(rows)
    for src, dst in enumerate(order):
        out[dst] = rows[src]
    return out


def _png(width: int, height: int, rgba: bytearray) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    stride = width * 4
    raw = b"".join(b"\x00" + bytes(rgba[y * stride : (y + 1) * stride]) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def gif_to_png(data: bytes) -> bytes:
    """The first frame of a GIF as an 8-bit RGBA PNG; GifError for anything unreadable."""
    r = _Reader(data)
    if r.take(6) not in (b"GIF87a", b"GIF89a"):
        raise GifError("not a GIF")
    width, height, flags, _bg, _aspect = struct.unpack("<HHBBB", r.take(7))
    if width == 0 or height == 0 or width * height > MAX_PIXELS:
        raise GifError("unsupported GIF size")
    palette = _palette(r.take(3 << ((flags & 7) + 1))) if flags & 0x80 else []
    transparent: int | None = None
    while True:
        kind = r.byte()
        if kind == 0x3B:
            raise GifError("GIF without an image")
        if kind == 0x21:
            label = r.byte()
            body = r.sub_blocks()
            if label == 0xF9 and len(body) >= 4:
                transparent = body[3] if body[0] & 1 else None
            continue
        if kind != 0x2C:
            raise GifError("bad GIF block")
        left, top, fw, fh, fflags = struct.unpack("<HHHHB", r.take(9))
        if fw * fh > MAX_PIXELS:
            raise GifError("unsupported GIF size")
        if fflags & 0x80:
            palette = _palette(r.take(3 << ((fflags & 7) + 1)))
        if not palette:
            raise GifError("GIF without a palette")
        min_size = r.byte()
        indices = _lzw_decode(r.sub_blocks(), min_size, fw * fh)
        indices += bytes(fw * fh - len(indices))  # a short stream: the rest is index 0
        rows = [bytes(indices[y * fw : (y + 1) * fw]) for y in range(fh)]
        if fflags & 0x40:
            rows = _deinterlace(rows)
        return _png(width, height, _compose(width, height, left, top, rows, palette, transparent))


def _compose(
    width: int,
    height: int,
    left: int,
    top: int,
    rows: list[bytes],
    palette: list[tuple[int, int, int]],
    transparent: int | None,
) -> bytearray:
    """The frame drawn on a transparent canvas of the logical screen's size."""
    rgba_of = [bytes((*rgb, 255)) for rgb in palette]
    rgba_of += [b"\x00\x00\x00\x00"] * (256 - len(rgba_of))
    if transparent is not None:
        # The official conversion keeps a transparent entry's colour, with alpha 0.
        rgba_of[transparent] = rgba_of[transparent][:3] + b"\x00"
    canvas = bytearray(width * height * 4)
    for y, row in enumerate(rows):
        cy = top + y
        if cy >= height:
            break
        visible = row[: max(0, width - left)]
        start = (cy * width + left) * 4
        canvas[start : start + len(visible) * 4] = b"".join(rgba_of[i] for i in visible)
    return canvas
