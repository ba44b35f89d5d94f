"""A thread's first turn in Plan mode, as 0.169 sends it (tests/fixtures/plan_mode_official.json,
"tui" requests: `/plan`, then the first prompt): the mode text is one more part of the opening
developer message, not a message of its own; the rollout's initial context holds the same
message, so a resumed thread neither loses nor repeats it. A first Default turn is unchanged."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from tests.core.harness import make_config
from tests.core.test_plan_mode import FACTS, _turns
from tests.support.model_stream import Message, Turn

from codex.core import modes

TUI_FIRST = FACTS["tui"]["requests"][0]["developer_parts"]


def _developer_parts(request: Any) -> list[list[str]]:
    return [
        [part.get("text", "") for part in item.get("content") or []]
        for item in request.input()
        if item.get("type") == "message" and item.get("role") == "developer"
    ]


def _rollout_developer_parts(config: Any) -> list[list[str]]:
    (path,) = sorted((Path(config.codex_home) / "sessions").rglob("*.jsonl"))
    out = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        item = row.get("payload") or {}
        if row.get("type") == "response_item" and item.get("role") == "developer":
            out.append([part.get("text", "") for part in item.get("content") or []])
    return out


MODE_PART = f"{modes.OPEN_TAG}{modes.PLAN_INSTRUCTIONS}{modes.CLOSE_TAG}"


def _roles(request: Any) -> list[str]:
    return [str(item.get("role")) for item in request.input() if item.get("type") == "message"]


@pytest.mark.parametrize("extra", ['developer_instructions = "Be brief."', ""])
def test_first_turn_in_plan_mode(tmp_path, mock_model_server, extra):
    mock_model_server.repeat(Turn([Message("done")]))
    config = make_config(tmp_path, mock_model_server, extra=extra)
    asyncio.run(_turns(config, ["plan", "plan"]))
    first, second = mock_model_server.requests
    # 0.169: the opening developer message carries the mode as one of its parts (the first
    # message, the base instructions, does not), and no message of its own follows.
    theirs = [[p.startswith(modes.OPEN_TAG) for p in message] for message in TUI_FIRST]
    assert theirs[0] == [False] and theirs[1].count(True) == 1 and not theirs[1][0]
    # ... after the permissions part (codex.core.permissions_prompt), as 0.169 puts it.
    is_permissions = [p.startswith("<permissions instruction") for p in TUI_FIRST[1]]
    assert is_permissions.index(True) < theirs[1].index(True)
    ours = _developer_parts(first)
    (permissions,) = [p for p in ours[0] if p.startswith("<permissions instructions>")]
    if extra:  # one more part of the opening message
        assert ours == [["Be brief.", permissions, MODE_PART]]
    else:
        assert ours == [[permissions, MODE_PART]]
    assert _roles(first)[0] == "developer" and _roles(first)[-1] == "user"
    assert _roles(first).count("developer") == 1  # nothing right before the user message
    # The next Plan turn announces nothing new; the history keeps the amended message.
    assert _developer_parts(second) == ours
    # The rollout's initial context is the message the model saw.
    assert _rollout_developer_parts(config) == ours


def test_first_turn_in_default_mode_is_unchanged(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("done")]))
    config = make_config(tmp_path, mock_model_server)
    asyncio.run(_turns(config, [None, "plan"]))
    first, second = mock_model_server.requests
    assert not any(t.startswith(modes.OPEN_TAG) for m in _developer_parts(first) for t in m)
    # A later switch still sends its own message, right before the user's (as 0.169).
    assert _developer_parts(second)[: len(_developer_parts(first))] == _developer_parts(first)
    assert _developer_parts(second)[-1][0].startswith(modes.OPEN_TAG)
