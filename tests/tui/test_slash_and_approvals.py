"""Slash commands and approval choices that had no test, driven by Textual's pilot against the
real session and the loopback mock: /new, /resume (picker and by id), /init, /diff, /mention,
/mcp, /logout, /quit; approving a command for the session, denying it (the model is told and
goes on), and aborting it to tell the model what to do instead."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.tui.test_pilot import kinds, screen_text, type_text, until

pytestmark = pytest.mark.anyio
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SIZE = (100, 32)


def _last_user_text(server: MockModelServer, n: int) -> str:
    content = server.requests[n].json["input"][-1]["content"]
    return "".join(part.get("text", "") for part in content)


async def _started(pilot: Any, app: Any) -> str:
    await until(pilot, lambda: bool(app.mapper.status.session_id))
    return str(app.mapper.status.session_id)


async def _slash(pilot: Any, line: str) -> None:
    await type_text(pilot, line)
    await pilot.press("escape")  # close the popup: Enter runs the line as typed
    await pilot.press("enter")


async def test_new_starts_another_session_then_resume_by_id_replays_the_first(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    mock_model_server.enqueue(Turn([Message("first answer")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        first = await _started(pilot, app)
        await type_text(pilot, "first question")
        await pilot.press("enter")
        await until(pilot, lambda: "first answer" in screen_text(app))
        await _slash(pilot, "/new")
        await until(pilot, lambda: app.mapper.status.session_id not in ("", first))
        assert "first answer" not in screen_text(app)
        await _slash(pilot, f"/resume {first}")
        await until(pilot, lambda: app.mapper.status.session_id == first)
        await until(pilot, lambda: "first answer" in screen_text(app))
        assert "› first question" in screen_text(app)
        await app.shutdown()


async def test_resume_without_an_id_opens_the_picker(make_app: Callable[..., Any]) -> None:
    from codex.tui.picker import ResumePicker

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, "/resume")
        await until(pilot, lambda: isinstance(app.screen, ResumePicker))
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ResumePicker))
        await app.shutdown()


async def test_init_sends_the_agents_md_prompt_unless_the_file_exists(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    from codex.tui.slash import INIT_PROMPT

    mock_model_server.enqueue(Turn([Message("wrote it")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, "/init")
        await until(pilot, lambda: "wrote it" in screen_text(app))
        assert _last_user_text(mock_model_server, 0) == INIT_PROMPT
        (repo / "AGENTS.md").write_text("# guide\n")
        await _slash(pilot, "/init")
        await until(pilot, lambda: "AGENTS.md already exists" in screen_text(app))
        await app.shutdown()
    assert len(mock_model_server.requests) == 1


async def test_diff_shows_the_working_tree_changes(
    make_app: Callable[..., Any], repo: Path
) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    (repo / "a.txt").write_text("one\n")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a"], check=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, "/diff")
        await until(pilot, lambda: "No changes." in screen_text(app))
        (repo / "a.txt").write_text("two\n")
        await _slash(pilot, "/diff")
        await until(pilot, lambda: "a.txt (+1 -1)" in screen_text(app))
        text = screen_text(app)
        assert "-one" in text.replace(" ", "") and "+two" in text.replace(" ", "")
        await app.shutdown()


async def test_mention_opens_the_file_search(make_app: Callable[..., Any], repo: Path) -> None:
    from codex.tui.widgets import Composer, Popup

    (repo / "notes.md").write_text("x\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, "/mention")
        composer = app.query_one(Composer)
        await until(pilot, lambda: composer.text == "@")
        await type_text(pilot, "note")
        popup = app.query_one(Popup)
        await until(pilot, lambda: popup.kind == "file" and bool(popup.items))
        assert popup.items[0][0] == "notes.md"
        await app.shutdown()


async def test_mcp_without_servers_says_so(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, "/mcp")
        await until(pilot, lambda: "No MCP servers configured" in screen_text(app))
        await app.shutdown()


async def test_logout_removes_the_credentials_and_exits(
    make_app: Callable[..., Any], home: Path
) -> None:
    (home / "auth.json").write_text(orjson.dumps({"OPENAI_API_KEY": "sk-test"}).decode())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, "/logout")
        await until(pilot, lambda: not app.is_running)
    assert not (home / "auth.json").exists()
    assert app.return_code == 0


@pytest.mark.parametrize("command", ["/quit", "/exit"])
async def test_quit_exits(make_app: Callable[..., Any], command: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await _slash(pilot, command)
        await until(pilot, lambda: not app.is_running)
    assert app.return_code == 0


def _escalated(call_id: str, cmd: str) -> FunctionCall:
    return FunctionCall(
        call_id, "exec_command", {"cmd": cmd, "sandbox_permissions": "require_escalated"}
    )


async def test_approve_for_the_session_asks_once(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    from codex.tui.widgets import ApprovalScreen

    mock_model_server.enqueue(
        Turn([_escalated("call_1", "touch marker.txt")], USAGE),
        Turn([_escalated("call_2", "touch marker.txt")], USAGE),
        Turn([Message("both ran")], USAGE),
    )
    asked = []
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await type_text(pilot, "twice")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        asked.append(app.screen.request.call_id)
        await pilot.press("a")  # yes, and don't ask again for this command
        await until(pilot, lambda: "both ran" in screen_text(app))
        assert not isinstance(app.screen, ApprovalScreen)
        await app.shutdown()
    assert asked == ["call_1"]
    assert kinds(app).count("command") == 2 and (repo / "marker.txt").exists()
    assert mock_model_server.requests[2].function_call_output("call_2") is not None


async def test_deny_tells_the_model_and_the_turn_goes_on(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    from codex.tui.widgets import ApprovalScreen

    mock_model_server.enqueue(
        Turn([_escalated("call_1", "touch denied.txt")], USAGE),
        Turn([Message("fine, skipped")], USAGE),
    )
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await type_text(pilot, "try it")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await pilot.press("d")  # no, continue without running it
        await until(pilot, lambda: "fine, skipped" in screen_text(app))
        await app.shutdown()
    assert not (repo / "denied.txt").exists()
    output = mock_model_server.requests[1].function_call_output("call_1")
    assert output is not None and "reject" in str(output).lower()


async def test_abort_then_feedback_is_the_next_message(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    from codex.tui.widgets import ApprovalScreen

    mock_model_server.enqueue(
        Turn([_escalated("call_1", "touch nope.txt")], USAGE),
        Turn([Message("ok, using ls")], USAGE),
    )
    app = make_app(flags={"approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        await _started(pilot, app)
        await type_text(pilot, "make nope")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await pilot.press("escape")  # no, and tell Codex what to do differently
        await until(pilot, lambda: "interrupted" in screen_text(app))
        await until(pilot, lambda: not app.mapper.status.running)
        await type_text(pilot, "use ls instead")
        await pilot.press("enter")
        await until(pilot, lambda: "ok, using ls" in screen_text(app))
        await app.shutdown()
    assert not (repo / "nope.txt").exists()
    assert _last_user_text(mock_model_server, 1) == "use ls instead"
