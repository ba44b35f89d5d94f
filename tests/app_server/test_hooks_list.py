"""`hooks/list` over our app-server answers as 0.169's for the same hooks.json and trust records
(tests/fixtures/hook_trust_official.json, tests/tools/capture_hook_trust.py): the same hooks in
the same order with the same key, event, matcher, enabled state, trust status and hash, and the
same warnings. `timeoutSec` differs where codex-py gives a hook another timeout (hooks.json tool
hooks without one run 60s here, 600s there), so it is compared only for hooks that set one."""

from __future__ import annotations

import sys
from typing import Any

import orjson
import pytest
from tests.tools.capture_hook_trust import CASES, FIXTURE, listing

from codex.tools.hook_trust import EVENT_LABELS

OFFICIAL = {case["name"]: case for case in orjson.loads(FIXTURE.read_bytes())["cases"]}
OURS = [sys.executable, "-m", "codex", "app-server"]


def _definition(case: dict[str, Any], key: str) -> dict[str, Any]:
    """The hooks.json entry a `{home}/hooks.json:event:group:index` key names."""
    label, group, index = key.rsplit(":", 3)[1:]
    event = next(name for name, snake in EVENT_LABELS.items() if snake == label)
    return dict(case["hooks"][event][int(group)]["hooks"][int(index)])


def _comparable(hook: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any]:
    if isinstance(definition.get("timeout"), int) and definition["timeout"] > 0:
        return hook
    return {k: v for k, v in hook.items() if k != "timeoutSec"}


@pytest.mark.parametrize("name", ["claude_shape", "normalization", "trust_states"])
def test_hooks_list_is_the_officials(name: str) -> None:
    [case] = [c for c in CASES if c["name"] == name]
    official = OFFICIAL[name]["official"]
    ours = listing(OURS, case)
    assert ours["warnings"] == official["warnings"]
    assert [h["key"] for h in ours["hooks"]] == [h["key"] for h in official["hooks"]]
    for mine, theirs in zip(ours["hooks"], official["hooks"], strict=True):
        definition = _definition(case, theirs["key"])
        assert _comparable(mine, definition) == _comparable(theirs, definition)
