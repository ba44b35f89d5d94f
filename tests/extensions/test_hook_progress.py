"""Hook progress as 0.169 reports it (codex.tools.hook_runs): `codex exec` prints "hook: <Event>"
as each hook run starts and "hook: <Event> <Status>" as it ends; the app-server sends
`hook/started` / `hook/completed` with the run summary (a `systemMessage` as a warning entry, a
block's reason as feedback). The capture's own scenarios (capture_tool_hooks.py) run through our
CLI (`python -m codex`, the same argv as 0.169 got) and compared with
tests/fixtures/tool_hooks_official.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.extensions.capture_tool_hooks import (
    CASES,
    FIXTURE,
    LIFECYCLE_CASES,
    app_server_case,
    lifecycle_lines,
    run_case,
)

FACTS = json.loads(FIXTURE.read_text())
OFFICIAL = {case["name"]: case for case in FACTS["cases"]}
SCENARIO = {case["name"]: case for case in CASES}


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    """Our CLI behind one executable path, as the capture calls 0.169's binary."""
    wrapper = tmp_path / "codex"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m codex "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def hook_lines(stderr: list[str]) -> list[str]:
    return [line for line in stderr if line.startswith("hook: ")]


@pytest.mark.parametrize(
    "name", ["exec_command", "apply_patch_rejected", "deny_and_system_message"]
)
def test_exec_prints_each_hook_run_as_0169(ours: Path, name: str) -> None:
    facts = run_case(ours, SCENARIO[name], False)
    official = hook_lines(OFFICIAL[name]["stderr"])
    assert official  # the capture saw them
    assert hook_lines(facts["stderr"]) == official
    # A systemMessage is not printed by exec (0.169 shows it to app-server clients only).
    assert not any("says hi" in line for line in facts["stderr"])


def _runs(notes: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The hook/* notifications, without what varies by run (times)."""
    out = []
    for note in notes:
        if note["method"] not in ("hook/started", "hook/completed"):
            continue
        run = dict(note["params"]["run"])
        for key in ("startedAt", "completedAt", "durationMs"):
            run[key] = run[key] is not None
        params = {**note["params"], "run": run}
        out.append((note["method"], params))
    return out


def test_app_server_sends_hook_notifications_as_0169(ours: Path) -> None:
    facts = app_server_case(ours)
    official = _runs(FACTS["app_server"]["notifications"])
    mine = _runs(facts["notifications"])
    assert [m for m, _ in official] == ["hook/started", "hook/completed"] * 5
    assert mine == official
    # Stop's systemMessage: a warning entry of its run.
    assert mine[5][1]["run"]["entries"] == [{"kind": "warning", "text": "stop says hi"}]
    # The denied call: blocked, its systemMessage a warning entry, the reason feedback.
    assert mine[7][1]["run"]["status"] == "blocked"
    assert mine[7][1]["run"]["entries"] == [
        {"kind": "warning", "text": "pre says hi"},
        {"kind": "feedback", "text": "no rm"},
    ]


@pytest.mark.parametrize("name", LIFECYCLE_CASES)
def test_exec_prints_lifecycle_hook_runs_as_0169(ours: Path, name: str) -> None:
    """Every lifecycle event hooked: exec reports the same runs in the same order ("hook:
    UserPromptSubmit Blocked" for a blocked prompt, "hook: Stop Blocked" then a second Stop;
    no SessionEnd line: 0.169 does not report it)."""
    official = FACTS["lifecycle_exec_lines"][name]
    assert official
    assert lifecycle_lines(ours, only=name)[name] == official


def test_exec_json_carries_no_hook_runs(ours: Path) -> None:
    """`exec --json` says nothing about hook runs in 0.169 (no item, no event): neither do we."""
    official = OFFICIAL["deny_and_system_message --json"]["stdout_events"]
    facts = run_case(ours, SCENARIO["deny_and_system_message"], True)
    assert facts["fired"]["PreToolUse"]  # the hooks did run
    for events in (official, facts["stdout_events"]):
        kinds = [(e["type"], (e.get("item") or {}).get("type", "")) for e in events]
        assert not any("hook" in kind or "hook" in item for kind, item in kinds)
    ours_types = [e["type"] for e in facts["stdout_events"]]
    assert ours_types == ["thread.started", "turn.started", "item.completed", "turn.completed"]
