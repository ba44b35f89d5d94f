"""MCP tool approvals in the TUI, as upstream's TUI asks them: a destructive tool of a real MCP
stdio peer (tests/mcp/peers, `destructiveHint: true`) called by the mock model opens the approval
dialog (server, tool, arguments); Allow runs the tool and its result reaches the next model
request, Allow for this session is not asked again, Deny fails the call with "user rejected MCP
tool call", Esc cancels it. Real session, real peer process, loopback mock model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.mcp.harness import stdio_table
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.tui.test_pilot import SIZE, plain, screen_text, type_text, until

pytestmark = pytest.mark.anyio


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    """The TUI's CODEX_HOME (tests/tui/conftest.py) plus the MCP peer `peer`."""
    return write_mock_config(
        tmp_path / "codex-home", mock_model_server.base_url, stdio_table("peer")
    )


def _script(mock: MockModelServer, *targets: Path) -> None:
    # The first request leaves before the servers are up; peek (read-only, never asked about)
    # waits for the peer, so the touch calls find it ready.
    turns = [Turn([FunctionCall("c0", "mcp__peer__peek", {"path": str(targets[0])})])]
    for i, target in enumerate(targets, 1):
        turns.append(Turn([FunctionCall(f"t{i}", "mcp__peer__touch", {"path": str(target)})]))
    turns.append(Turn([Message("all done")]))
    mock.enqueue(*turns)


async def _until_dialog(pilot: Any, app: Any) -> Any:
    from codex.tui.mcp_approval import McpApprovalScreen

    await until(pilot, lambda: isinstance(app.screen, McpApprovalScreen))
    return app.screen


async def _quiet(pilot: Any, app: Any) -> None:
    """The turn is over and no repaint is pending, so shutting down races no frame."""
    await until(pilot, lambda: not app.mapper.status.running and not app._flush_pending)


async def _start(pilot: Any, app: Any) -> None:
    await until(pilot, lambda: bool(app.mapper.status.session_id))
    await type_text(pilot, "go")
    await pilot.press("enter")


@pytest.mark.parametrize(
    ("key", "ran", "output", "notice"),
    [
        ("y", True, None, "You allowed codex to call peer.touch"),
        ("d", False, "user rejected MCP tool call", "You denied the call to peer.touch"),
        ("escape", False, "user cancelled MCP tool call", "You cancelled the call to peer.touch"),
    ],
)
async def test_destructive_tool_asks_in_a_dialog(
    make_app: Callable[..., Any],
    mock_model_server: MockModelServer,
    tmp_path: Path,
    key: str,
    ran: bool,
    output: str | None,
    notice: str,
) -> None:
    target = tmp_path / "touched.txt"
    _script(mock_model_server, target)
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, app)
        dialog = await _until_dialog(pilot, app)
        question = plain(dialog._question())
        assert 'Allow the peer MCP server to run tool "touch"?' in question
        assert "Server: peer" in question and "Tool: touch" in question
        assert f'"path": "{target}"' in question  # the arguments, as indented JSON
        choices = [label for _, label, _ in dialog.choices]
        assert [c.split(" — ")[0] for c in choices] == [
            "Allow",
            "Allow for this session",
            "Deny",
            "Cancel this tool call",
        ]
        assert not target.exists()  # nothing runs before the answer
        await pilot.press(key)
        await until(pilot, lambda: "all done" in screen_text(app))
        assert notice in screen_text(app)
        await _quiet(pilot, app)
        await app.shutdown()
    assert target.exists() is ran
    out = mock_model_server.requests[-1].function_call_output("t1")["output"]
    if output is None:
        assert f"touched {target}" in out
    else:
        assert out == output


async def test_allow_for_this_session_is_not_asked_again(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    _script(mock_model_server, first, second)
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, app)
        await _until_dialog(pilot, app)
        await pilot.press("a")
        # the second touch is not asked about: a dialog left open would keep "all done" away
        await until(pilot, lambda: "all done" in screen_text(app))
        await _quiet(pilot, app)
        await app.shutdown()
    assert first.exists() and second.exists()
    assert "touched" in mock_model_server.requests[-1].function_call_output("t2")["output"]


def test_arguments_are_cut_to_fit() -> None:
    from codex.tui.mcp_approval import MAX_ARGS_LINES, arguments_text

    text = arguments_text({f"k{i:03}": i for i in range(100)})
    assert text.endswith("\n…")
    assert len(text.splitlines()) == MAX_ARGS_LINES + 1
    assert arguments_text({"a": 1}) == '{\n  "a": 1\n}'
