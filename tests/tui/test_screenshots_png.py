"""scripts/tui_screenshots.py draws a tmux capture (`capture-pane -e -p`) into a PNG cell by cell:
the colours, reverse video and wide characters of the capture land on the right pixels."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("PIL", reason="the screenshot renderer needs Pillow (the test extra)")

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "tui_screenshots.py"


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("tui_screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_capture_colours_land_on_their_cells(tmp_path: Path) -> None:
    from PIL import Image

    shots = load_script()
    if not (shots.FONT_DIR / shots.FONTS[(False, False)]).exists():
        pytest.skip("DejaVu Sans Mono is not installed (Debian: fonts-dejavu-core)")
    # Row 0: "ab" on the default background, then a red-background cell.
    # Row 1: a wide character (2 cells), then a reverse-video space.
    ansi = "ab\x1b[41m \x1b[0m\n界\x1b[7m \x1b[0m\n"
    out = tmp_path / "shot.png"
    shots.render_png(ansi, out, columns=4)
    image = Image.open(out).convert("RGB")
    from PIL import ImageFont

    regular = ImageFont.truetype(str(shots.FONT_DIR / shots.FONTS[(False, False)]), shots.FONT_SIZE)
    cell_w = round(regular.getlength("M"))
    ascent, descent = regular.getmetrics()
    cell_h = ascent + descent + 2
    assert image.size == (4 * cell_w + 2 * shots.PAD, 2 * cell_h + 2 * shots.PAD)

    def centre(col: int, row: int) -> tuple[int, int, int]:
        x = shots.PAD + col * cell_w + cell_w // 2
        y = shots.PAD + row * cell_h + cell_h // 2
        return image.getpixel((x, y))  # type: ignore[return-value]

    theme = shots._theme()
    background = tuple(theme.background_color)
    assert centre(3, 0) == background  # past the text: nothing drawn
    red = centre(2, 0)
    assert red == tuple(theme.ansi_colors[1])  # the red-background cell
    # The wide character takes cells 0-1, so the reverse-video cell is cell 2 (not 1),
    # filled with the foreground colour.
    assert centre(2, 1) == tuple(theme.foreground_color)
    assert centre(3, 1) == background
