"""Snapshot tests (pytest-textual-snapshot) of the slash-command pickers over a real transcript:
/model's model and effort lists, /permissions, /review's presets and the review transcript with
its findings, /undo's turn list and its hand-edit question. Built from the real picker code with
fixed data (no session, no clock), so the pictures are stable.

Update after an intended change: pytest tests/tui/test_picker_snapshots.py --snapshot-update
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="needs pytest-textual-snapshot")

from tests.tui.test_snapshots import CONVERSATION, SESSION, SIZE, ScreensApp


def test_model_picker(snap_compare: Any) -> None:
    from codex.tui.settings import model_screen

    assert snap_compare(ScreensApp(CONVERSATION, model_screen("gpt-5.5")), terminal_size=SIZE)


def test_effort_picker(snap_compare: Any) -> None:
    from codex.tui.settings import effort_screen

    screen = effort_screen("gpt-6.1-sol", ("gpt-5.5", "medium"))
    assert snap_compare(ScreensApp(CONVERSATION, screen), terminal_size=SIZE)


def test_permissions_picker(snap_compare: Any) -> None:
    from codex.tui.settings import permissions_screen

    screen = permissions_screen("on-request", "workspace-write")
    assert snap_compare(ScreensApp(CONVERSATION, screen), terminal_size=SIZE)


def test_review_presets(snap_compare: Any) -> None:
    from codex.tui.choice import ChoiceScreen
    from codex.tui.review import PRESETS

    screen = ChoiceScreen("Select a review preset", PRESETS)
    assert snap_compare(ScreensApp(CONVERSATION, screen), terminal_size=SIZE)


def test_review_findings_in_transcript(snap_compare: Any) -> None:
    """What a finished /review leaves: banners around the reviewer's command, then findings."""
    from codex.core.review import parse_result
    from codex.tui.cells import AgentCell
    from codex.tui.review import findings_markdown

    verdict = (
        '{"findings": [{"title": "[P1] Guard the empty list", "body": "first() raises '
        'IndexError when items is empty.", "priority": 1, "confidence_score": 0.8, '
        '"code_location": {"absolute_file_path": "/repo/app.py", "line_range": '
        '{"start": 2, "end": 3}}}], "overall_correctness": "patch is incorrect", '
        '"overall_explanation": "One crash on empty input.", "overall_confidence_score": 0.7}'
    )
    reviewer = [
        {
            "type": "exec_command_begin",
            "call_id": "r1",
            "turn_id": "1",
            "command": ["bash", "-lc", "git diff HEAD"],
            "cwd": "/repo",
        },
        {
            "type": "exec_command_end",
            "call_id": "r1",
            "turn_id": "1",
            "command": ["bash", "-lc", "git diff HEAD"],
            "cwd": "/repo",
            "exit_code": 0,
            "duration": {"secs": 0, "nanos": 8000000},
            "aggregated_output": "+    return items[0]\n",
        },
    ]
    app = ScreensApp([SESSION])
    app.mapper.notice(">> Code review started: current changes <<", "bold")
    from codex.protocol.events import parse_event_msg

    for data in reviewer:
        app.mapper.feed(parse_event_msg(data))
    app.mapper.notice("<< Code review finished >>", "bold")
    cell = AgentCell()
    cell.finish(findings_markdown(parse_result(verdict)))
    app.mapper.add(cell)
    assert snap_compare(app, terminal_size=SIZE)


def _turns() -> list[Any]:
    from codex.tui.undo import TurnPoint

    return [
        TurnPoint(1, "1", "/repo", "a" * 40, 0.0, "b" * 40, 0.0, "add notes to the readme"),
        TurnPoint(2, "2", "/repo", "b" * 40, 0.0, "c" * 40, 0.0, "rename the helper and fix tests"),
        TurnPoint(3, "3", "/repo", "c" * 40, 0.0, "c" * 40, 0.0, "what does main() do?"),
    ]


def test_undo_picker(snap_compare: Any) -> None:
    from codex.tui.undo import redo_row, turn_rows, undo_screen

    redo = redo_row([{"session": "s", "action": "undo", "before": "d" * 40, "time": 0.0}])
    screen = undo_screen([redo, *turn_rows(_turns(), [1, 4, 0])])
    assert snap_compare(ScreensApp(CONVERSATION, screen), terminal_size=SIZE)


def test_undo_hand_edits_question(snap_compare: Any) -> None:
    from codex.tui.undo import conflict_screen

    screen = conflict_screen("turn 2", ["README.md", "src/helper.py"])
    assert snap_compare(ScreensApp(CONVERSATION, screen), terminal_size=SIZE)
