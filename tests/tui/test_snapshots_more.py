"""Snapshot tests (pytest-textual-snapshot) of the screens test_snapshots.py did not cover: the
slash-command popup filtered by what was typed, the `@` file-search popup, the resume picker
with recorded sessions (and filtered by a search), `/status` and `/diff` output, the row of a
message queued while a turn runs, the MCP tool approval dialog and the `?` shortcuts overlay.

The popups, /status, /diff, the queued row and the overlay are the real app (`codex` as
launched, against the loopback mock model). Their only unstable parts are the temporary
repository path (header, status line, /status) and the session id (/status): once the session
is configured those are replaced with fixed values before anything is typed, so the pictures
are stable. The picker's
"N minutes ago" column reads the wall clock: its rollouts get fixed mtimes and the picker module
a fixed clock.

Update after an intended change: pytest tests/tui/test_snapshots_more.py --snapshot-update
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

pytest.importorskip("pytest_textual_snapshot", reason="needs pytest-textual-snapshot")

from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_pilot import type_text, until
from tests.tui.test_snapshots import CONVERSATION, SESSION, SIZE, ScreensApp

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
FIXED_CWD = "/repo"
FIXED_SESSION = "0199a213-81c0-7800-8aa1-bbab2a035a53"
SESSION_START = CONVERSATION[:3]  # configured, a turn started, the user's message
NOW = 1_796_000_000.0  # the picker's clock (2026-11-30), so "… ago" never moves


async def _ready(pilot: Any) -> None:
    """Wait for the session, then give the screen fixed values for what varies per run."""
    from codex.tui.cells import NoticeCell

    app = pilot.app
    await until(pilot, lambda: bool(app.mapper.status.session_id))
    app.mapper.status.cwd = FIXED_CWD
    app.mapper.status.session_id = FIXED_SESSION
    header = app.mapper.cells[0]
    assert isinstance(header, NoticeCell) and header.text.startswith(">_ OpenAI Codex")
    header.text = f">_ OpenAI Codex (v0.0.0-test)\n   {FIXED_CWD}"
    header.touch()
    app.mark_dirty()
    await pilot.pause()


async def _slash(pilot: Any, line: str) -> None:
    await type_text(pilot, line)
    await pilot.press("escape")  # close the popup: Enter runs the line as typed
    await pilot.press("enter")


def test_slash_popup_filtered(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    async def run_before(pilot: Any) -> None:
        from codex.tui.widgets import Popup

        await _ready(pilot)
        await type_text(pilot, "/re")
        popup = pilot.app.query_one(Popup)
        await until(pilot, lambda: popup.kind == "slash" and bool(popup.items))
        await pilot.press("down")  # the second match highlighted

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_at_file_popup(snap_compare: Any, make_app: Callable[..., Any], repo: Path) -> None:
    (repo / ".gitignore").write_text("secret_notes.txt\n")
    (repo / "src").mkdir()
    for name in ("src/notebook.py", "src/main.py", "notes.md", "docs_notes.txt"):
        (repo / name).write_text("")
    (repo / "secret_notes.txt").write_text("")

    async def run_before(pilot: Any) -> None:
        from codex.tui.completion import file_candidates
        from codex.tui.widgets import Popup

        file_candidates.cache_clear()  # (cached per cwd: another test's repo may be in it)
        await _ready(pilot)
        await type_text(pilot, "read @note")
        popup = pilot.app.query_one(Popup)
        await until(pilot, lambda: popup.kind == "file" and bool(popup.items))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_status_output(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    async def run_before(pilot: Any) -> None:
        await _ready(pilot)
        await _slash(pilot, "/status")
        await until(
            pilot,
            lambda: any("/status" in str(getattr(c, "text", "")) for c in pilot.app.mapper.cells),
        )

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_diff_output(snap_compare: Any, make_app: Callable[..., Any], repo: Path) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    (repo / "a.txt").write_text("one\ntwo\nthree\n")
    (repo / "b.py").write_text("print('b')\n")
    subprocess.run([*git, "add", "a.txt", "b.py"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a"], check=True)
    (repo / "a.txt").write_text("one\n2\nthree\nfour\n")
    (repo / "b.py").unlink()
    (repo / "notes.md").write_text("# notes\n\nuntracked, shown as added\n")

    async def run_before(pilot: Any) -> None:
        await _ready(pilot)
        await _slash(pilot, "/diff")
        await until(pilot, lambda: pilot.app.mapper.cells[-1].kind == "patch")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_queued_message_row(
    snap_compare: Any, make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    # The first reply is held before it starts, so the turn stays running (nothing streamed)
    # while the second message waits in the queued row.
    mock_model_server.enqueue(Hold(Turn([Message("never shown")], USAGE), frames=None))

    async def run_before(pilot: Any) -> None:
        import asyncio

        app = pilot.app
        await _ready(pilot)
        await type_text(pilot, "first question")
        await pilot.press("enter")
        await until(pilot, lambda: app.mapper.status.running)
        await asyncio.to_thread(mock_model_server.wait_held)
        await type_text(pilot, "and then this")
        await pilot.press("enter")
        await until(pilot, lambda: app.queued == ["and then this"])
        await until(pilot, lambda: "queued" in app._queued_shown)

    try:
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
    finally:
        mock_model_server.release()


# ---- the resume picker with recorded sessions --------------------------------------------------

SESSIONS = (
    # (id, file stamp, seconds before NOW it was last updated, cwd, first user message)
    (
        "0199a213-81c0-7800-8aa1-000000000001",
        "2026-11-30T09-00-00",
        90,
        "/repo",
        "fix the flaky test in tests/test_io.py",
    ),
    (
        "0199a213-81c0-7800-8aa1-000000000002",
        "2026-11-30T06-00-00",
        3 * 3600,
        "/repo",
        "update the readme\nwith the new flags",
    ),
    (
        "0199a213-81c0-7800-8aa1-000000000003",
        "2026-11-28T10-00-00",
        2 * 86400,
        "/other",
        "why does main() exit 2?",
    ),
)


def _record_sessions(home: Path) -> None:
    """Rollouts as codex writes them (session_meta, then the user's first message), each with
    a fixed mtime (what the picker sorts by and shows as "… ago")."""
    for thread_id, stamp, age, cwd, text in SESSIONS:
        day = home / "sessions" / stamp[:4] / stamp[5:7] / stamp[8:10]
        day.mkdir(parents=True, exist_ok=True)
        lines = [
            {"timestamp": stamp, "type": "session_meta", "payload": {"id": thread_id, "cwd": cwd}},
            {
                "timestamp": stamp,
                "type": "event_msg",
                "payload": {"type": "user_message", "message": text},
            },
        ]
        path = day / f"rollout-{stamp}-{thread_id}.jsonl"
        path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
        os.utime(path, (NOW - age, NOW - age))


@pytest.fixture
def picker_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import codex.tui.picker as picker

    home = tmp_path / "picker-home"
    _record_sessions(home)
    monkeypatch.setattr(picker, "time", SimpleNamespace(time=lambda: NOW))
    return home


def test_resume_picker_with_sessions(snap_compare: Any, picker_home: Path) -> None:
    """Newest first, the first highlighted and previewed."""
    from codex.tui.picker import ResumePicker

    app = ScreensApp([SESSION], ResumePicker(picker_home, cwd=None))
    assert snap_compare(app, terminal_size=SIZE)


def test_resume_picker_searched(snap_compare: Any, picker_home: Path) -> None:
    """Typing filters the list; the match is previewed (its id, cwd and whole first message)."""
    from codex.tui.picker import ResumePicker

    app = ScreensApp([SESSION], ResumePicker(picker_home, cwd=None))
    assert snap_compare(app, press=list("readme"), terminal_size=SIZE)


# ---- dialogs and overlays test_snapshots.py does not cover -------------------------------------


def test_mcp_tool_approval_dialog(snap_compare: Any) -> None:
    """An MCP tool call put to the user, as core asks it (an elicitation with the tool's
    description and arguments, "allow for this session" offered)."""
    from codex.mcp_client.approval import question
    from codex.protocol.events import parse_event_msg
    from codex.tui.mcp_approval import McpApprovalScreen

    arguments = {"path": "/repo/marker.txt", "mode": "0644"}
    request = parse_event_msg(
        {
            "type": "elicitation_request",
            "server_name": "peer",
            "id": "mcp_tool_call_approval_t1",
            "turn_id": "1",
            "request": {
                "mode": "form",
                "_meta": {
                    "codex_approval_kind": "mcp_tool_call",
                    "persist": ["session", "always"],
                    "tool_description": "Create an empty file (destructive).",
                    "tool_params": arguments,
                },
                "message": question("peer", "touch"),
                "requested_schema": {"type": "object", "properties": {}},
            },
        }
    )
    app = ScreensApp(SESSION_START, McpApprovalScreen(request))
    assert snap_compare(app, terminal_size=SIZE)


def test_shortcuts_overlay(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    """`?` on an empty composer: the shortcuts above it, the footer saying how to close them."""

    async def run_before(pilot: Any) -> None:
        from codex.tui.widgets import ShortcutsOverlay

        await _ready(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: bool(pilot.app.query(ShortcutsOverlay)))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
