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
from tests.extensions.capture_hook_fixes import bad_matcher

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
