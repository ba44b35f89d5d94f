"""`TranscriptView`: the conversation, virtualised. A Textual ScrollView on the line API: each
cell is laid out once per (version, width) into Strips kept in a cache, the view keeps the first
line of every cell (a prefix sum), and a repaint only crops the strips of the lines on screen.
So a 10,000-cell session scrolls at the cost of one screen of lines. A cell that comes in pieces
(`layout_parts`: a streaming answer, codex.tui.streaming) is cached piece by piece, so a repaint
while it streams lays out only its tail.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable
from itertools import accumulate
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

if TYPE_CHECKING:
    from rich.console import RenderableType

    from codex.tui.cells import Cell


class TranscriptView(ScrollView, can_focus=False):
    DEFAULT_CSS = """
    TranscriptView { height: 1fr; background: $background; scrollbar-size-vertical: 1; }
    """

    def __init__(self, cells: list[Cell], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.cells = cells
        self._cache: dict[Cell, tuple[int, int, list[Strip]]] = {}
        self._parts: dict[Cell, tuple[int, dict[Hashable, list[Strip]]]] = {}
        self._heights: list[int] = []
        self._starts: list[int] = []
        self._laid_width = 0
        # Follow the bottom as the conversation grows, until the user scrolls up; scrolling
        # back to the bottom follows again.
        self._follow = True

    def clear_cache(self) -> None:
        self._cache.clear()
        self._parts.clear()
        self._heights = []

    def _strips(self, cell: Cell, width: int) -> list[Strip]:
        cached = self._cache.get(cell)
        if cached is not None and cached[0] == cell.version and cached[1] == width:
            return cached[2]
        layout_parts = getattr(cell, "layout_parts", None)
        if layout_parts is None:
            strips = self._lay_out(cell.render(), width)
        else:
            # A cell in pieces (a streaming answer): only pieces not laid out before at this
            # width are rendered; the others come from the previous layout of this cell.
            before = self._parts.get(cell)
            known = before[1] if before is not None and before[0] == width else {}
            now: dict[Hashable, list[Strip]] = {}
            strips = []
            for key, make in layout_parts(width):
                got = known.get(key)
                if got is None:
                    got = self._lay_out(make(), width)
                now[key] = got
                strips.extend(got)
            if len(now) > 1:
                self._parts[cell] = (width, now)
            else:  # one piece: nothing to reuse next time (a finished answer)
                self._parts.pop(cell, None)
        strips.append(Strip([Segment("")]))  # a blank line between cells, as upstream
        self._cache[cell] = (cell.version, width, strips)
        return strips

    def _lay_out(self, renderable: RenderableType, width: int) -> list[Strip]:
        console = self.app.console
        options = console.options.update(width=width, height=None)
        lines = console.render_lines(renderable, options, pad=False, new_lines=False)
        return [Strip(line) for line in lines]

    def relayout(self) -> None:
        """Lay out new and changed cells; keep the view pinned to the bottom if it was."""
        width = max(1, self.scrollable_content_region.width or self.size.width or 80)
        pinned = self._follow
        if width != self._laid_width:
            self._laid_width = width
            self._heights = []
        heights = self._heights
        cells = self.cells
        if len(heights) > len(cells):  # the transcript was reset (/new)
            del heights[len(cells) :]
        for i, cell in enumerate(cells):
            # A cached layout of the current version costs one dict lookup.
            height = len(self._strips(cell, width))
            if i < len(heights):
                heights[i] = height
            else:
                heights.append(height)
        self._starts = [0, *accumulate(heights)]
        total = self._starts[-1]
        self.virtual_size = Size(width, total)
        if pinned:
            # After the new virtual size is applied (max_scroll_y follows it on refresh).
            self.call_after_refresh(self.scroll_end, animate=False, x_axis=False)
        self.refresh()

    _paint_style: Style | None = None  # `rich_style`, during one render_lines

    def render_lines(self, crop: Region) -> list[Strip]:
        # One style look-up per paint, not one per line: `rich_style` walks every ancestor's
        # styles and blends their backgrounds on each call (~20 us: ~0.5 ms a 25-line paint).
        self._paint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        starts = self._starts
        style = self._paint_style
        if style is None:
            style = self.rich_style
        # Cells fewer than the last layout knew: the transcript was reset (/new, /resume, a
        # rewind) and its next relayout is pending; nothing to show until then.
        if not starts or line >= starts[-1] or len(starts) > len(self.cells) + 1:
            return Strip.blank(width, style)
        index = bisect_right(starts, line) - 1
        cell = self.cells[index]
        # The lines laid out by the last relayout (a newer version waits for the next one, so
        # the line offsets and the lines always agree).
        cached = self._cache.get(cell)
        strips = cached[2] if cached is not None else self._strips(cell, self._laid_width)
        offset = line - starts[index]
        strip = strips[offset] if offset < len(strips) else Strip.blank(width)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value < old_value:
            self._follow = False
        elif new_value >= self.max_scroll_y - 1:
            self._follow = True

    def on_resize(self) -> None:
        self.relayout()
