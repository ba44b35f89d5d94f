"""Our rollout has the official 0.169 CLI's lines, in its order, with its payload shapes.

Both CLIs run the same conversation (tests/rollout/parity_script.py: reasoning, a shell call, an
apply_patch, an answer, token counts, then `exec resume`) against the mock model server; the
official file is tests/fixtures/rollout_parity/. Our file used to hold `user_message` /
`agent_message` / `agent_reasoning` events, a turn context per request and no turn ids on it,
the initial context before the turn, and no `item_completed`, `token_usage_record` or
`thread_settings_applied` lines.

Left out of the comparison, each for a reason:
* `codex_py_checkpoint` events: ours only (codex undo's work-tree checkpoints);
* `world_state`: 0.169's snapshot of its own skills/plugins/environment state, not reproduced;
* developer-role initial-context messages: 0.169's permissions/skills text, which our prompt
  (codex.core.prompt) does not send, so it is not recorded either.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from tests.rollout.parity_script import FIXTURE, enqueue, lines, run
from tests.support.mock_model_server import MockModelServer
from tests.support.official import official_binary

from codex.rollout import list_sessions, load_rollout

Key = tuple[str, str | None, str | None]


def keys(rollout: list[dict[str, Any]]) -> list[Key]:
    """(line type, payload type, item type) per compared line."""
    out: list[Key] = []
    for line in rollout:
        payload = line["payload"]
        kind = payload.get("type")
        if line["type"] == "world_state" or kind == "codex_py_checkpoint":
            continue
        if line["type"] == "response_item" and payload.get("role") == "developer":
            continue
        item = payload.get("item") if kind == "item_completed" else None
        out.append((line["type"], kind, item.get("type") if isinstance(item, dict) else None))
    return out


def canonical(rollout: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The file with each command's and patch's completed item right before its call's output.
    A unified exec call answers as soon as the command's output is in; under load either CLI may
    see the process exit only after that, and then writes the item after the output (0.169 did
    here, under load); a patch's item may likewise land before the response's usage record. The
    position of those lines is timing, not format."""
    commands = {
        x["payload"]["item"]["id"]: x
        for x in rollout
        if x["payload"].get("type") == "item_completed"
        and x["payload"]["item"].get("type") in ("CommandExecution", "FileChange")
    }
    out: list[dict[str, Any]] = []
    for line in rollout:
        payload = line["payload"]
        if payload.get("type") == "item_completed" and payload["item"]["id"] in commands:
            continue
        if (
            payload.get("type") in ("function_call_output", "custom_tool_call_output")
            and payload["call_id"] in commands
        ):
            out.append(commands.pop(payload["call_id"]))
        out.append(line)
    return out + list(commands.values())


def shapes(rollout: list[dict[str, Any]]) -> dict[Key, set[str]]:
    """The payload keys (and an item's keys) each kind of line has in this file."""
    out: dict[Key, set[str]] = {}
    for line, key in zip((x for x in rollout if keys([x])), keys(rollout), strict=True):
        payload = line["payload"]
        found = set(payload) | {f"item.{k}" for k in payload.get("item", {}) or {}}
        out.setdefault(key, set()).update(found)
    return out


# Payload keys 0.169 writes that we do not (see codex.rollout.shape's docstring).
NOT_WRITTEN: dict[str, set[str]] = {
    "session_meta": {"account_scoped", "history_mode", "context_window"},
    "turn_context": {
        "disabled_plugin_ids",
        "approvals_reviewer",
        "permission_profile",
        "comp_hash",
        "collaboration_mode",
        "multi_agent_version",
        "realtime_active",
    },
    "response_item": {"id", "internal_chat_message_metadata_passthrough", "content"},
}


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("ours")
    with MockModelServer() as server:
        enqueue(server)
        path = run([sys.executable, "-m", "codex"], root, server)
    return lines(path)


def test_the_lines_and_their_order_are_the_official_ones(ours: list[dict[str, Any]]) -> None:
    official = lines(FIXTURE)
    assert keys(canonical(ours)) == keys(canonical(official))


def test_the_payloads_have_the_official_keys(ours: list[dict[str, Any]]) -> None:
    official, mine = shapes(lines(FIXTURE)), shapes(ours)
    for key, want in official.items():
        missing = want - mine[key] - NOT_WRITTEN.get(key[0], set())
        assert not missing, (key, missing)


def test_turn_ids_name_every_line_of_their_turn(ours: list[dict[str, Any]]) -> None:
    started = [x["payload"]["turn_id"] for x in ours if x["payload"].get("type") == "task_started"]
    assert len(started) == 2 and len(set(started)) == 2
    turn = None
    for line in ours:
        payload = line["payload"]
        if payload.get("type") == "task_started":
            turn = payload["turn_id"]
            assert payload["turn_attribution"]["turn_id"] == turn == payload["root_turn_id"]
        elif line["type"] in ("turn_context", "token_usage_record") or payload.get("type") in (
            "item_completed",
            "task_complete",
        ):
            assert payload["turn_id"] == turn, line


def test_our_readers_read_the_new_file(ours: list[dict[str, Any]], tmp_path: Path) -> None:
    """Resume rebuilds the conversation from it and the session list shows its first prompt."""
    home = tmp_path / "home"
    day = home / "sessions" / "2026" / "12" / "07"
    day.mkdir(parents=True)
    meta = ours[0]["payload"]
    path = day / f"rollout-2026-12-07T00-00-00-{meta['id']}.jsonl"
    import orjson

    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in ours))
    resumed = load_rollout(path)
    texts = [
        "".join(c.get("text", "") for c in item.get("content", []))
        for item in resumed.history
        if item.get("type") == "message"
    ]
    assert "make a file" in texts and "all done" in texts and "resumed reply" in texts
    assert resumed.last_turn_context is not None and resumed.last_model == "gpt-5.5"
    page = list_sessions(home)
    assert [p.path for p in page.items] == [path]


@pytest.mark.skipif(official_binary() is None, reason="official codex binary not installed")
def test_the_fixture_is_what_the_official_binary_writes(tmp_path: Path) -> None:
    binary = official_binary()
    assert binary is not None
    with MockModelServer() as server:
        enqueue(server)
        path = run([str(binary)], tmp_path, server)
    assert keys(canonical(lines(path))) == keys(canonical(lines(FIXTURE)))
