"""The GIF → PNG conversion view_image uses: readable GIFs give their first frame's pixels, and
any damaged input is a GifError (the tool then answers "unsupported image"), never another
exception or an allocation sized by a forged header."""

from __future__ import annotations

import struct

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tests.tools.image_helpers import Frame, gif, png_pixels

from codex.tools.runtime.gif_png import GifError, gif_to_png

PALETTE = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
GOOD = gif(5, 4, PALETTE, [Frame(5, 4, [(x + y) % 3 for y in range(4) for x in range(5)])])


def test_first_frame_pixels() -> None:
    width, height, rgba = png_pixels(gif_to_png(GOOD))
    assert (width, height) == (5, 4)
    expected = b"".join(bytes((*PALETTE[(x + y) % 3], 255)) for y in range(4) for x in range(5))
    assert rgba == expected


def test_forged_frame_size_is_refused_before_allocating() -> None:
    # Screen 1x1, but a 65535x65535 frame: refused, not a 4 GB buffer.
    data = bytearray(GOOD)
    descriptor = data.index(b"\x2c")
    data[descriptor + 5 : descriptor + 9] = struct.pack("<HH", 65535, 65535)
    with pytest.raises(GifError):
        gif_to_png(bytes(data))


@settings(max_examples=300, deadline=None)
@example(cut=0, flips=[(35, 9)])  # an LZW code size of 9: a ValueError escaped (CI, 2026-12-07)
@given(
    cut=st.integers(0, len(GOOD)),
    flips=st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), max_size=6),
)
def test_damaged_gifs_fail_cleanly(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(GOOD)
    for pos, value in flips:
        data[pos] = value
    try:
        png = gif_to_png(bytes(data[:cut] if cut else data))
    except GifError:
        return
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
