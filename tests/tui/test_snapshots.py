"""Snapshot tests (pytest-textual-snapshot) of each TUI screen, built from real protocol events
folded by the real mapper into the real widgets, with fixed paths and ids so the pictures are
stable: the transcript (messages, command, patch, plan, errors) with composer and status line,
the command and patch approval dialogs, the trust prompt and the resume picker.

Update after an intended change: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="needs pytest-textual-snapshot")

from textual.app import App, ComposeResult

from codex.protocol.events import parse_event_msg

SIZE = (90, 34)

SESSION = {
    "type": "session_configured",
    "session_id": "0199a213-81c0-7800-8aa1-bbab2a035a53",
    "model": "gpt-5.5",
    "model_provider_id": "mock",
    "approval_policy": "on-request",
    "sandbox_policy": {"type": "workspace-write"},
    "cwd": "/repo",
    "history_log_id": 0,
    "history_entry_count": 0,
}
CONVERSATION = [
    SESSION,
    {"type": "task_started", "turn_id": "1", "model_context_window": 258400},
    {"type": "user_message", "message": "please update the readme"},
    {"type": "agent_reasoning", "text": "**Planning the edit**\n\nLook at README first."},
    {
        "type": "plan_update",
        "plan": [
            {"step": "Read README.md", "status": "completed"},
            {"step": "Patch the title", "status": "in_progress"},
            {"step": "Run the tests", "status": "pending"},
        ],
    },
    {
        "type": "exec_command_begin",
        "call_id": "c1",
        "turn_id": "1",
        "command": ["bash", "-lc", "cat README.md"],
        "cwd": "/repo",
    },
    {
        "type": "exec_command_end",
        "call_id": "c1",
        "turn_id": "1",
        "command": ["bash", "-lc", "cat README.md"],
        "cwd": "/repo",
        "exit_code": 0,
        "duration": {"secs": 0, "nanos": 12000000},
        "aggregated_output": "# bench repo\n",
    },
    {
        "type": "patch_apply_begin",
        "call_id": "p1",
        "turn_id": "1",
        "auto_approved": True,
        "changes": {
            "/repo/README.md": {
                "type": "update",
                "unified_diff": "@@ -1 +1,2 @@\n-# bench repo\n+# bench repo (patched)\n+\n",
            }
        },
    },
    {
        "type": "patch_apply_end",
        "call_id": "p1",
        "turn_id": "1",
        "stdout": "",
        "stderr": "",
        "success": True,
    },
    {"type": "stream_error", "message": "Reconnecting... 1/5"},
    {
        "type": "agent_message",
        "message": "Done. The title now says **(patched)**:\n\n```python\nprint('hi')\n```",
    },
    {
        "type": "token_count",
        "info": {
            "total_token_usage": {"input_tokens": 1200, "output_tokens": 80, "total_tokens": 1280},
            "last_token_usage": {"input_tokens": 1200, "output_tokens": 80, "total_tokens": 1280},
            "model_context_window": 258400,
        },
    },
    {"type": "task_complete", "turn_id": "1", "last_agent_message": "Done."},
    {"type": "error", "message": "unexpected status 500: mock overloaded"},
]


class ScreensApp(App[None]):
    """The TUI's widgets around a transcript folded from `events` (no session)."""

    def __init__(self, events: list[dict[str, Any]], screen: Any = None) -> None:
        super().__init__()
        from codex.tui.mapper import Mapper

        self.mapper = Mapper()
        for data in events:
            msg = parse_event_msg(data)
            self.mapper.feed(msg)
        # The "Worked for … • HH:MM" line carries the wall clock: not in a stable picture.
        cells = self.mapper.cells
        cells[:] = [c for c in cells if "Worked for" not in str(getattr(c, "text", ""))]
        self._extra = screen

    def compose(self) -> ComposeResult:
        from codex.tui.transcript import TranscriptView
        from codex.tui.widgets import Composer, StatusLine

        yield TranscriptView(self.mapper.cells)
        yield Composer(recall=[])
        yield StatusLine()

    def on_mount(self) -> None:
        from codex.tui.transcript import TranscriptView
        from codex.tui.widgets import Composer, StatusLine

        self.query_one(Composer).focus()
        self.query_one(TranscriptView).relayout()
        self.query_one(StatusLine).show(self.mapper.status)
        if self._extra is not None:
            self.push_screen(self._extra)


def test_transcript(snap_compare: Any) -> None:
    assert snap_compare(ScreensApp(CONVERSATION), terminal_size=SIZE)


def test_exec_approval_dialog(snap_compare: Any) -> None:
    from codex.tui.widgets import ApprovalScreen

    request = parse_event_msg(
        {
            "type": "exec_approval_request",
            "call_id": "c2",
            "turn_id": "1",
            "command": ["bash", "-lc", "touch created_outside_sandbox.txt"],
            "cwd": "/repo",
            "reason": "Create a marker file in the repo root?",
        }
    )
    app = ScreensApp(CONVERSATION[:3], ApprovalScreen(request))
    assert snap_compare(app, terminal_size=SIZE)


def test_patch_approval_dialog_shows_diff(snap_compare: Any) -> None:
    from codex.tui.widgets import ApprovalScreen

    request = parse_event_msg(
        {
            "type": "apply_patch_approval_request",
            "call_id": "p2",
            "turn_id": "1",
            "changes": {
                "/repo/docs/notes.txt": {"type": "add", "content": "line one\nline two\n"},
                "/repo/README.md": {
                    "type": "update",
                    "unified_diff": "@@ -1 +1 @@\n-# bench repo\n+# bench repo (patched)\n",
                },
            },
        }
    )
    app = ScreensApp(CONVERSATION[:3], ApprovalScreen(request))
    assert snap_compare(app, terminal_size=SIZE)


def test_trust_prompt(snap_compare: Any, tmp_path: Path) -> None:
    from codex.tui.trust import TrustScreen

    fixed = Path("/nonexistent-codex-snapshot/repo")  # a fixed path for a stable picture
    assert snap_compare(ScreensApp([SESSION], TrustScreen(fixed)), terminal_size=SIZE)


def test_resume_picker_empty(snap_compare: Any, tmp_path: Path) -> None:
    from codex.tui.picker import ResumePicker

    app = ScreensApp([SESSION], ResumePicker(tmp_path / "no-home", cwd=None))
    assert snap_compare(app, terminal_size=SIZE)
