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
from tests.extensions.capture_tool_hooks import CASES, FIXTURE, app_server_case, run_case

FACTS = json.loads(FIXTURE.read_text())
OFFICIAL = {case["name"]: case for case in FACTS["cases"]}
SCENARIO = {case["name"]: case for case in CASES}
TOOL_EVENTS = ("hook: PreToolUse", "hook: PostToolUse")


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    """Our CLI behind one executable path, as the capture calls 0.169's binary."""
    wrapper = tmp_path / "codex"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m codex "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def tool_hook_lines(stderr: list[str]) -> list[str]:
    return [line for line in stderr if line.startswith(TOOL_EVENTS)]


@pytest.mark.parametrize(
    "name", ["exec_command", "apply_patch_rejected", "deny_and_system_message"]
)
def test_exec_prints_each_hook_run_as_0169(ours: Path, name: str) -> None:
    facts = run_case(ours, SCENARIO[name], False)
    official = tool_hook_lines(OFFICIAL[name]["stderr"])
    assert official  # the capture saw them
    assert tool_hook_lines(facts["stderr"]) == official
    # A systemMessage is not printed by exec (0.169 shows it to app-server clients only).
    assert not any("says hi" in line for line in facts["stderr"])


def _runs(notes: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The tool hooks' hook/* notifications, without what varies by run (times)."""
    out = []
    for note in notes:
        if note["method"] not in ("hook/started", "hook/completed"):
            continue
        run = dict(note["params"]["run"])
        if run["eventName"] not in ("preToolUse", "postToolUse"):
            continue
        for key in ("startedAt", "completedAt", "durationMs"):
            run[key] = run[key] is not None
        params = {**note["params"], "run": run}
        out.append((note["method"], params))
    return out


def test_app_server_sends_hook_notifications_as_0169(ours: Path) -> None:
    facts = app_server_case(ours)
    official = _runs(FACTS["app_server"]["notifications"])
    mine = _runs(facts["notifications"])
    assert [m for m, _ in official] == ["hook/started", "hook/completed"] * 3
    assert mine == official
    # The denied call: blocked, its systemMessage a warning entry, the reason feedback.
    assert mine[-1][1]["run"]["status"] == "blocked"
    assert mine[-1][1]["run"]["entries"] == [
        {"kind": "warning", "text": "pre says hi"},
        {"kind": "feedback", "text": "no rm"},
    ]
