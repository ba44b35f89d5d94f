"""The TUI's speed work, pinned by what it must not do (counts, never timings): a keystroke does
not lay the screen out again nor repaint the transcript; a streaming answer is laid out piece by
piece (what was laid out once is not laid out again), and the pieces add up to the same lines
as laying the text out whole."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_pilot import SIZE, type_text, until

pytestmark = pytest.mark.anyio
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)


def lay_out(cell: Any, cache: dict[Any, list[str]], width: int = 80) -> tuple[list[str], int]:
    """The lines of `cell` at `width` the way TranscriptView lays them out (pieces found in
    `cache` are reused; `cache` then holds this layout's pieces), and how many characters of
    source the pieces laid out this time held."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, force_terminal=True)
    options = console.options.update(width=width, height=None)
    lines: list[str] = []
    fresh: dict[Any, list[str]] = {}
    laid = 0
    for key, make in cell.layout_parts(width):
        got = cache.get(key)
        if got is None:
            rendered = console.render_lines(make(), options, pad=False, new_lines=False)
            got = ["".join(seg.text for seg in line).rstrip() for line in rendered]
            laid += sum(len(line) for line in got)
        fresh[key] = got
        lines += got
    cache.clear()
    cache.update(fresh)
    return lines, laid


def test_streamed_pieces_match_a_fresh_layout() -> None:
    """Markdown blocks, code fences and long words streamed in random slices, laid out after
    random deltas: the final pieces give exactly the lines of the same text laid out at once."""
    from codex.tui.cells import AgentCell

    rng = random.Random(7)
    words = ["tok", "alpha", "**bold**", "x" * 90, "line\n", "\n\n", "```\ncode\n", "```\n\n"]
    text = "".join(rng.choice(words) + " " for _ in range(3000))
    cell, cache = AgentCell(), {}
    pos = 0
    while pos < len(text):
        step = rng.randint(1, 40)
        cell.append(text[pos : pos + step])
        pos += step
        if rng.random() < 0.2:
            lay_out(cell, cache)
    streamed, _ = lay_out(cell, cache)
    whole = AgentCell()
    whole.append(text)
    assert streamed == lay_out(whole, {})[0]


def test_a_long_paragraph_streams_in_linear_work() -> None:
    """20,000 tokens with no blank line (one paragraph), laid out every 100 deltas: each
    layout lays out only the lines that changed, so the total laid out stays within a small
    multiple of the answer (laying the whole text out each time: ~100x)."""
    from codex.tui.cells import AgentCell

    cell, cache = AgentCell(), {}
    total = 0
    for i in range(20_000):
        cell.append("tok ")
        if i % 100 == 0:
            total += lay_out(cell, cache)[1]
    lines, laid = lay_out(cell, cache)
    total += laid
    assert total < 3 * len(cell.text)
    assert " ".join(lines).split() == ["•", *["tok"] * 20_000]
    cell.finish()
    done, _ = lay_out(cell, cache)  # the finished answer: Markdown, laid out whole once
    assert done[0].startswith("• tok tok")
    assert len(done) == len(lines)


def test_finished_blocks_are_laid_out_once() -> None:
    from codex.tui.cells import AgentCell

    cell, cache = AgentCell(), {}
    seen: list[str] = []
    for i in range(40):
        cell.append(f"Paragraph {i} with *emphasis*.\n\n")
        lines, _ = lay_out(cell, cache)
        seen = lines
    assert sum(1 for key in cache if key[0] == "md") == 40
    assert seen[0] == "• Paragraph 0 with emphasis."
    assert seen[2] == "  Paragraph 1 with emphasis."  # a blank line between blocks


async def test_keystrokes_neither_relayout_nor_repaint_the_transcript(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, monkeypatch: Any
) -> None:
    """Typing into the composer repaints the composer only: no screen layout, no transcript
    line (each key re-laid out the screen through the suggestion popup: 35 ms per key after 30
    turns)."""
    from textual.screen import Screen

    from codex.tui.transcript import TranscriptView
    from codex.tui.widgets import Composer

    mock_model_server.repeat(Turn([Message("an answer")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        for i in range(3):
            await type_text(pilot, f"msg-{i}")
            await pilot.press("enter")
            await until(pilot, lambda i=i: not app.mapper.status.running and app.queued == [])
        await until(pilot, lambda: "an answer" in str([c.to_markdown() for c in app.mapper.cells]))
        await pilot.pause(0.3)  # let the last paint and its layout happen
        counts = {"layouts": 0, "transcript_lines": 0}
        layout, render_line = Screen._refresh_layout, TranscriptView.render_line

        def counted_layout(self: Any, *args: Any, **kwargs: Any) -> Any:
            counts["layouts"] += 1
            return layout(self, *args, **kwargs)

        def counted_line(self: Any, y: int) -> Any:
            counts["transcript_lines"] += 1
            return render_line(self, y)

        monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
        monkeypatch.setattr(TranscriptView, "render_line", counted_line)
        await type_text(pilot, "hello")
        await until(pilot, lambda: app.query_one(Composer).text == "hello")
        await pilot.pause(0.1)
        assert counts == {"layouts": 0, "transcript_lines": 0}
        await app.shutdown()
    mock_model_server.repeat(None)
