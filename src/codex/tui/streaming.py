"""The layout of an answer while it streams, in pieces that stay valid as text is appended.

A 20,000-delta reply laid out whole on every repaint costs O(length) per frame, O(length²) in
all: that is what makes the official TUI take 25 s for one. Here the answer is cut into parts
whose layout never changes once they are complete, so the transcript lays out each one once and
a repaint only lays out the tail:

- finished Markdown blocks: text up to a blank line outside a code fence (a later delta cannot
  change how a block that ended renders, up to rare cross-block constructs such as a loose
  list, which the full Markdown layout at the end of the answer puts right);
- the block still being written, as Markdown while it is short; a long one (one paragraph of
  20,000 tokens) as plain text wrapped greedily, where a line that is followed by another never
  changes again: it is wrapped incrementally and handed out in chunks of finished lines.

Pure Rich, no Textual (cells and exports run without a terminal).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

# A tail block up to this many characters is laid out as Markdown on each repaint (about a
# millisecond); beyond it, as incrementally wrapped plain text until the answer ends.
TAIL_MARKDOWN_LIMIT = 2000
# Finished plain lines are handed out (and laid out, and cached) this many at a time.
CHUNK_LINES = 8
BULLET_WIDTH = 2

Part = tuple[Hashable, Callable[[], "RenderableType"]]


class Bulleted:
    """`body` at `width - 2` with `• ` before its first line and two spaces before the others:
    the same lines as a two-column `Table.grid` (how the agent's answers are set), without the
    table's measuring pass over the whole body."""

    def __init__(self, body: RenderableType, bullet: str = "•", *, first: bool = True) -> None:
        self.body = body
        self.bullet = bullet if first else ""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        inner = max(1, width - BULLET_WIDTH)
        lines = console.render_lines(self.body, options.update(width=inner, height=None))
        new_line = Segment.line()
        lead = Segment(f"{self.bullet:<{BULLET_WIDTH}}", Style(dim=True))
        pad = Segment(" " * BULLET_WIDTH, Style())
        for i, line in enumerate(lines):
            yield lead if i == 0 and self.bullet else pad
            yield from Segment.adjust_line_length(line, inner, Style())
            yield new_line


class GapAbove:
    """A blank line, then `body`: the space Markdown leaves between two blocks."""

    def __init__(self, body: RenderableType) -> None:
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("")
        yield self.body


@dataclass(slots=True)
class StreamLayout:
    """Where the blocks of a growing text end, and how its long last block wraps; updated
    from where the previous call stopped, so each repaint costs what was appended."""

    blocks: list[tuple[int, int]] = field(default_factory=list)  # finished (start, end)
    tail_start: int = 0  # where the block being written starts
    _scanned: int = 0  # text before this offset was looked at (whole lines only)
    _fence: str | None = None  # the marker of the open code fence, if any
    _wrap_width: int = 0
    _wrap_from: int = -1  # the tail_start the line starts below belong to
    _line_starts: list[int] = field(default_factory=list)

    def parts(self, text: str, width: int) -> list[Part]:
        """The layout parts of `text` for a transcript `width` (key, renderable maker)."""
        self._scan(text)
        parts: list[Part] = []
        for start, end in self.blocks:
            parts.append((("md", start, end), _markdown_part(text[start:end], first=not parts)))
        tail = text[self.tail_start :]
        if not tail.strip():
            return parts
        if len(tail) <= TAIL_MARKDOWN_LIMIT:
            parts.append((("tail", len(text)), _markdown_part(tail, first=not parts)))
            return parts
        parts.extend(self._plain_parts(text, max(1, width - BULLET_WIDTH), first=not parts))
        return parts

    def _scan(self, text: str) -> None:
        """Find the blank lines (outside code fences) among the complete lines not yet seen."""
        end = text.rfind("\n") + 1
        pos = self._scanned
        while pos < end:
            nl = text.index("\n", pos)
            line = text[pos:nl].strip()
            if self._fence is not None:
                if line.startswith(self._fence):
                    self._fence = None
            elif line.startswith(("```", "~~~")):
                self._fence = line[:3]
            elif not line:
                if text[self.tail_start : pos].strip():
                    self.blocks.append((self.tail_start, pos))
                self.tail_start = nl + 1
            pos = nl + 1
        self._scanned = max(pos, self._scanned)

    def _plain_parts(self, text: str, width: int, *, first: bool) -> Iterable[Part]:
        starts = self._wrap(text, width)
        tail_start = self.tail_start
        finished = len(starts) - 1  # every line but the last is final
        parts: list[Part] = []
        for chunk in range(0, len(starts), CHUNK_LINES):
            stop = min(chunk + CHUNK_LINES, len(starts))
            complete = stop <= finished
            lines = [
                text[starts[i] : starts[i + 1] if i + 1 < len(starts) else len(text)].rstrip()
                for i in range(chunk, stop)
            ]
            key: Hashable = (
                ("plain", tail_start, width, chunk) if complete else ("plain-tail", len(text))
            )
            lead = first and not chunk
            parts.append((key, _plain_part(lines, first=lead, gap=not first and not chunk)))
        return parts

    def _wrap(self, text: str, width: int) -> list[int]:
        """Offsets where the wrapped lines of the tail block start, re-wrapping only from the
        start of the last line (greedy wrapping never moves a break before it)."""
        from rich._wrap import divide_line

        starts = self._line_starts
        if self._wrap_width != width or self._wrap_from != self.tail_start or not starts:
            self._wrap_width = width
            self._wrap_from = self.tail_start
            starts[:] = [self.tail_start]
        pos = starts.pop()
        while True:
            nl = text.find("\n", pos)
            stop = len(text) if nl < 0 else nl
            starts.append(pos)
            starts.extend(pos + offset for offset in divide_line(text[pos:stop], width))
            if nl < 0:
                return starts
            pos = nl + 1


def _markdown_part(source: str, *, first: bool) -> Callable[[], RenderableType]:
    def make() -> RenderableType:
        # Imported on the first answer: markdown-it is a third of the TUI's start-up imports.
        from rich.markdown import Markdown

        body = Bulleted(Markdown(source, code_theme="monokai"), first=first)
        return body if first else GapAbove(body)

    return make


def _plain_part(lines: list[str], *, first: bool, gap: bool) -> Callable[[], RenderableType]:
    def make() -> RenderableType:
        body = Bulleted(Text("\n".join(lines), no_wrap=True, overflow="crop"), first=first)
        return GapAbove(body) if gap else body

    return make
