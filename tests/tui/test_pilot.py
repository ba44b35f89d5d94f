"""The TUI driven by Textual's pilot against the real session and the loopback mock model:
keys in, screen state out. Each test waits on a condition with a bounded deadline (`until`),
never on a fixed sleep."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage, apply_patch_call

pytestmark = pytest.mark.anyio
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SIZE = (100, 32)


async def until(pilot: Any, condition: Callable[[], bool], deadline: float = 60.0) -> None:
    """Let the app run until `condition()` holds (fails after `deadline` seconds)."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not condition():
        assert loop.time() < end, "condition not reached before the deadline"
        await pilot.pause(0.02)


def kinds(app: Any) -> list[str]:
    return [cell.kind for cell in app.mapper.cells]


def screen_text(app: Any) -> str:
    """The transcript as laid out (every line of every cell, not only the visible ones)."""
    from codex.tui.transcript import TranscriptView

    view = app.query_one(TranscriptView)
    lines = []
    for cell in app.mapper.cells:
        lines += [strip.text for strip in view._strips(cell, view._laid_width or 80)]
    return "\n".join(lines)


def plain(renderable: Any) -> str:
    import io

    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_prompt_streams_reply_and_writes_history(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, home: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("hello **there**", ["hello ", "**there**"])], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await type_text(pilot, "say hi")
        await pilot.press("enter")
        await until(pilot, lambda: "agent" in kinds(app) and not app.mapper.status.running)
        await until(pilot, lambda: "hello there" in screen_text(app))  # Markdown, not **
        assert "› say hi" in screen_text(app)
        assert app.mapper.status.tokens_used == 110
        await app.shutdown()
    lines = (home / "history.jsonl").read_bytes().splitlines()
    entry = orjson.loads(lines[-1])
    assert entry["text"] == "say hi"
    assert entry["session_id"] == app.mapper.status.session_id
    assert mock_model_server.requests[0].json["input"][-1]["content"][0]["text"] == "say hi"


async def test_history_recall_with_up_arrow(make_app: Callable[..., Any], home: Path) -> None:
    (home / "history.jsonl").write_bytes(
        b'{"session_id":"x","ts":1,"text":"older"}\n{"session_id":"x","ts":2,"text":"newest"}\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.widgets import Composer

        composer = app.query_one(Composer)
        await pilot.press("up")
        assert composer.text == "newest"
        await pilot.press("up")
        assert composer.text == "older"
        await pilot.press("down", "down")
        assert composer.text == ""
        await app.shutdown()


async def test_ctrl_j_inserts_newline_enter_sends(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await pilot.press("a", "ctrl+j", "b")
        from codex.tui.widgets import Composer

        assert app.query_one(Composer).text == "a\nb"
        await pilot.press("enter")
        await until(pilot, lambda: "agent" in kinds(app) and not app.mapper.status.running)
        sent = mock_model_server.requests[0].json["input"][-1]["content"][0]["text"]
        assert sent == "a\nb"
        await app.shutdown()


async def test_command_approval_approve_once(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    mock_model_server.enqueue(
        Turn(
            [
                FunctionCall(
                    "call_1",
                    "exec_command",
                    {
                        "cmd": "touch approved.txt",
                        "sandbox_permissions": "require_escalated",
                        "justification": "Create a marker file?",
                    },
                )
            ],
            USAGE,
        ),
        Turn([Message("Done after tool call.")], USAGE),
    )
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.widgets import ApprovalScreen

        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await type_text(pilot, "make it")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        assert "touch approved.txt" in plain(app.screen._question())
        await pilot.press("y")
        await until(pilot, lambda: "Done after tool call." in screen_text(app))
        assert (repo / "approved.txt").exists()
        text = screen_text(app)
        assert "You approved codex to run touch approved.txt" in text
        assert "Ran touch approved.txt" in text
        await app.shutdown()


async def test_command_approval_abort_stops_turn(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    mock_model_server.enqueue(
        Turn(
            [
                FunctionCall(
                    "call_1",
                    "exec_command",
                    {"cmd": "touch refused.txt", "sandbox_permissions": "require_escalated"},
                )
            ],
            USAGE,
        ),
    )
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.widgets import ApprovalScreen

        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await type_text(pilot, "go")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await pilot.press("escape")
        await until(
            pilot, lambda: not app.mapper.status.running and "interrupted" in screen_text(app)
        )
        assert not (repo / "refused.txt").exists()
        await app.shutdown()


async def test_patch_approval_shows_diff_then_applies(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    patch = "*** Begin Patch\n*** Add File: notes.txt\n+line one\n+line two\n*** End Patch\n"
    mock_model_server.enqueue(
        Turn([apply_patch_call("call_p", patch)], USAGE),
        Turn([Message("patched")], USAGE),
    )
    # Read-only: every write asks first.
    app = make_app(flags={"approval_policy": "on-request", "sandbox_mode": "read-only"})
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.widgets import ApprovalScreen

        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await type_text(pilot, "write notes")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        question = plain(app.screen._question())
        assert "notes.txt" in question and "+line one" in question
        await pilot.press("enter")  # the first choice: yes
        await until(pilot, lambda: "patched" in screen_text(app))
        assert (repo / "notes.txt").read_text() == "line one\nline two\n"
        assert "Edited 1 file (+2 -0)" in screen_text(app)
        await app.shutdown()


async def test_messages_queue_while_a_turn_runs(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(
        Turn([Message("first", ["fi", "rst"])], USAGE, chunk_delay=0.05),
        Turn([Message("second")], USAGE),
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await type_text(pilot, "one")
        await pilot.press("enter")
        await until(pilot, lambda: app.mapper.status.running)
        await type_text(pilot, "two")
        await pilot.press("enter")
        await until(pilot, lambda: "second" in screen_text(app))
        users = [c.text for c in app.mapper.cells if c.kind == "user"]
        assert users == ["one", "two"]
        await app.shutdown()


async def test_slash_export_markdown_and_json(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("the answer")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        await type_text(pilot, "question")
        await pilot.press("enter")
        await until(pilot, lambda: "the answer" in screen_text(app))
        await type_text(pilot, "/export md out.md")
        await pilot.press("enter")
        await type_text(pilot, "/export json out.json")
        await pilot.press("enter")
        await until(pilot, lambda: (repo / "out.json").exists())
        await app.shutdown()
    markdown = (repo / "out.md").read_text()  # codex export's Markdown (core.export)
    assert f"# Codex session {app.mapper.status.session_id}" in markdown
    assert "question" in markdown and "the answer" in markdown
    data = orjson.loads((repo / "out.json").read_bytes())
    said = [(i["type"], i["text"]) for i in data["items"] if i["type"].endswith("_message")]
    assert said == [("user_message", "question"), ("agent_message", "the answer")]


async def test_slash_popup_filters_and_tab_completes(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.widgets import Composer, Popup

        await type_text(pilot, "/ex")
        popup = app.query_one(Popup)
        # (0.169's popup order: /experimental before /export, /exit later)
        assert [value for value, _ in popup.items] == ["/experimental", "/export", "/exit"]
        await pilot.press("tab")
        assert app.query_one(Composer).text == "/experimental "
        assert popup.items == []
        await app.shutdown()


async def test_at_file_search_respects_gitignore(make_app: Callable[..., Any], repo: Path) -> None:
    (repo / ".gitignore").write_text("secret_notes.txt\n")
    (repo / "src").mkdir()
    (repo / "src" / "notebook.py").write_text("")
    (repo / "secret_notes.txt").write_text("")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.completion import file_candidates
        from codex.tui.widgets import Composer, Popup

        file_candidates.cache_clear()
        await type_text(pilot, "read @note")
        values = [value for value, _ in app.query_one(Popup).items]
        assert values[0] == "src/notebook.py"
        assert "secret_notes.txt" not in values
        await pilot.press("tab")
        assert app.query_one(Composer).text == "read src/notebook.py "
        await app.shutdown()


async def test_large_paste_is_one_placeholder_sent_whole(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    from textual import events

    mock_model_server.enqueue(Turn([Message("got it")], USAGE))
    big = "x" * 3000
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        from codex.tui.widgets import Composer

        await until(pilot, lambda: bool(app.mapper.status.session_id))
        composer = app.query_one(Composer)
        composer.post_message(events.Paste(big))
        await until(pilot, lambda: composer.text == "[Pasted Content 3000 chars]")
        await pilot.press("enter")
        await until(pilot, lambda: "got it" in screen_text(app))
        sent = mock_model_server.requests[0].json["input"][-1]["content"][0]["text"]
        assert sent == big
        await app.shutdown()


async def test_ten_thousand_cells_scroll_from_the_line_cache(make_app: Callable[..., Any]) -> None:
    """The view lays each cell out once; scrolling a 10,000-cell transcript only crops cached
    lines (no cell is rendered again)."""
    from codex.tui.cells import NoticeCell
    from codex.tui.transcript import TranscriptView

    renders = 0

    class Counted(NoticeCell):
        def render(self) -> Any:
            nonlocal renders
            renders += 1
            return NoticeCell.render(self)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        app.mapper.cells.extend(Counted(text=f"cell {i}") for i in range(10_000))
        view.relayout()
        await pilot.pause()
        laid_out = renders
        assert laid_out >= 10_000
        assert view.virtual_size.height >= 20_000  # each cell and its blank line
        for _ in range(40):
            view.scroll_page_up(animate=False)
            await pilot.pause()
        view.scroll_to(y=view.max_scroll_y // 2, animate=False)
        await pilot.pause()
        assert view.scroll_offset.y < view.max_scroll_y
        assert renders == laid_out
        await app.shutdown()


async def test_offsets_follow_a_cell_repainted_between_layouts(
    make_app: Callable[..., Any],
) -> None:
    """A streaming cell painted (render_line) at a newer version than the last layout: the
    next layout must take that cell's new height (it kept the old one, so the end of a long
    streamed answer fell below the scroll range and never showed)."""
    from codex.tui.cells import AgentCell
    from codex.tui.transcript import TranscriptView

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        cell = AgentCell()
        cell.append("tok " * 50)
        app.mapper.cells.append(cell)
        view.relayout()
        await pilot.pause()
        index = app.mapper.cells.index(cell)
        cell.append("tok " * 2000 + "END-OF-STRESS")  # the stream goes on
        for y in range(view.size.height):  # a repaint before the next layout
            view.render_line(y)
        view.relayout()
        await pilot.pause()
        assert view._heights[index] == len(view._cache[cell][2])

        def visible() -> str:
            return "\n".join(view.render_line(y).text for y in range(view.size.height))

        await until(pilot, lambda: "END-OF-STRESS" in visible())
        await app.shutdown()
