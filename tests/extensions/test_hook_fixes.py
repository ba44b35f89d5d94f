"""Review fixes to the lifecycle hooks, each replayed on ours against 0.169's facts
(tests/fixtures/hook_fixes_official.json, tests/extensions/capture_hook_fixes.py): a bad matcher
skips only its group (and is never compiled for events that ignore matchers), a long
additionalContext is capped as 0.169 caps it, UserPromptSubmit runs for steered input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.extensions.capture_hook_fixes import bad_matcher, context, steer

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hook_fixes_official.json"
OURS = [sys.executable, "-m", "codex"]


def official() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


@pytest.mark.parametrize("index", [0, 1], ids=["Stop", "PreToolUse"])
def test_bad_matcher_skips_only_its_group(index: int) -> None:
    """0.169 runs a session whose hooks.json has a `(` matcher: for Stop (matcher ignored) both
    groups fire, for PreToolUse the bad group is skipped with an `invalid matcher` warning.
    Before the fix `codex exec` exited 1 ("hooks.Stop matcher '(': missing )")."""
    want = official()["bad_matcher"][index]
    got = bad_matcher(OURS, want["event"])
    assert got == want


@pytest.mark.parametrize("index", [0, 1], ids=["default", "limit_1000"])
def test_long_context_is_capped_as_0169_caps_it(index: int) -> None:
    """A 21,000-character SessionStart context: 0.169 sends 10,101 characters by default (4,101
    with additionalContextLimit 1000), with its 'Warning: truncated output' header, a middle
    cut, and the path of the full output it saved. Before the fix ours sent all 21,000."""
    want = official()["context"][index]
    got = context(OURS, want["limit"])
    assert got == want


@pytest.mark.parametrize("index", [0, 1], ids=["allowed", "blocked"])
def test_steered_prompt_runs_user_prompt_submit(index: int) -> None:
    """app-server, the first answer held, `turn/steer`: 0.169 runs UserPromptSubmit for the
    steered message too; allowed, it joins the next request with the hook's context after it;
    blocked, it is dropped and the turn asks nothing more (one request, turn completed).
    Before the fix ours ran the hook for the first prompt only (a prompt policy was bypassed)."""
    want = official()["steer"][index]
    got = steer([*OURS, "app-server"], want["block"])
    assert got["prompts_seen"] == want["prompts_seen"]
    assert got["requests"] == want["requests"]
    assert (got["status"], got["steer_answer"]) == (want["status"], want["steer_answer"])
