"""PreToolUse / PostToolUse hooks see tool calls as 0.169 shows them (codex.tools.tool_hook_shape):
the same captured scenarios (tests/fixtures/tool_hooks_official.json, capture_tool_hooks.py)
replayed through real sessions of ours against the mock model: which matchers fire for which
call (`Bash`, not `exec_command`; `apply_patch` also as `Edit` / `Write`; exact names vs.
regexes), the stdin documents (fields, order, `cwd` = the command's workdir, `tool_response` =
the command's output), and what the model gets when a hook blocks the call."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from tests.core.harness import make_config, run_turn
from tests.extensions.capture_tool_hooks import CASES, FIXTURE, hooks_for

from codex.core import Session
from codex.core.hooks_view import trust_all
from codex.tools.claude_hooks import ClaudeHooks

FACTS = json.loads(FIXTURE.read_text())
OFFICIAL = {case["name"]: case for case in FACTS["cases"]}
SCENARIO = {case["name"]: case for case in CASES}
VARYING = {"session_id", "turn_id", "transcript_path", "cwd"}


@pytest.fixture(autouse=True)
def scratch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scratch HOME, as the capture had: the login shell reads no user profile (whose noise,
    a pyenv warning on this machine, would join the command's output)."""
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))


def run(tmp_path: Path, server: Any, name: str, *, sandbox: str = "read-only") -> dict[str, Any]:
    """Case `name` of the capture in one trusted session of ours: which matchers fired for
    each event, the first document of each event, the outputs the model got, and the cwd."""
    case = SCENARIO[name]
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    events = ["PreToolUse", "PostToolUse"] + (["Stop"] if case.get("stop") else [])
    hooks = hooks_for(tmp_path, events)
    if case.get("stop"):
        hooks["Stop"] = [g for g in hooks["Stop"] if g.get("matcher") == "*"]
    (home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
    (tmp_path / "answers.json").write_text(json.dumps(case.get("answers", {})))
    work = tmp_path / "work"
    work.mkdir()
    if case.get("mkdir"):
        (work / case["mkdir"]).mkdir()
    server.enqueue(*case["replies"])
    config = make_config(tmp_path, server, sandbox=sandbox, cwd=work)
    trust_all(config)

    async def main() -> None:
        async with Session(config) as session:
            await session.next_event()
            await run_turn(session, "hello hooks")

    asyncio.run(main())
    log_path = tmp_path / "log.jsonl"
    lines = log_path.read_text().splitlines() if log_path.exists() else []
    fired: dict[str, list[str]] = {}
    documents: dict[str, Any] = {}
    for entry in map(json.loads, lines):
        fired.setdefault(entry["event"], []).append(entry["tag"])
        documents.setdefault(entry["event"], entry["doc"])
    outputs = [
        item.get("output")
        for request in server.requests
        for item in request.input()
        if item.get("type") in ("function_call_output", "custom_tool_call_output")
    ]
    return {"fired": fired, "documents": documents, "outputs": outputs, "cwd": work}


def same_fired(ours: dict[str, list[str]], theirs: dict[str, list[str]]) -> None:
    """The same matchers fired for each event (hooks of one event run concurrently, so their
    log order is not compared)."""
    assert {e: sorted(tags) for e, tags in ours.items()} == {
        e: sorted(tags) for e, tags in theirs.items()
    }


def same_document(mine: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert list(mine) == list(theirs)  # the fields and their order
    assert {k: v for k, v in mine.items() if k not in VARYING} == {
        k: v for k, v in theirs.items() if k not in VARYING
    }


def test_a_shell_call_is_bash_to_hooks_as_in_0169(tmp_path, mock_model_server):
    official = OFFICIAL["exec_command"]
    ours = run(tmp_path, mock_model_server, "exec_command")
    # `Bash`, `^Bash$`, `Bash|Edit`, `*` and "" fire; `exec_command`, `shell`, `Bas` do not.
    same_fired(ours["fired"], official["fired"])
    assert "exec_command" not in ours["fired"]["PreToolUse"]
    for event in ("PreToolUse", "PostToolUse"):
        mine, theirs = ours["documents"][event], official["documents"][event]
        same_document(mine, theirs)
        assert mine["cwd"] == str(ours["cwd"] / "sub")  # the command's workdir
        assert theirs["cwd"] == "{tmp}/repo/sub"
    assert ours["documents"]["PostToolUse"]["tool_response"] == "hi\n"
    turn_ids = {doc["turn_id"] for doc in ours["documents"].values()}
    assert len(turn_ids) == 1 and "" not in turn_ids


def test_a_failing_command_still_gets_post_tool_use_with_its_output(tmp_path, mock_model_server):
    official = OFFICIAL["exec_command_fails"]
    ours = run(tmp_path, mock_model_server, "exec_command_fails")
    same_fired(ours["fired"], official["fired"])
    for event in ("PreToolUse", "PostToolUse"):
        same_document(ours["documents"][event], official["documents"][event])


def test_apply_patch_is_matched_by_edit_and_write(tmp_path, mock_model_server):
    official = OFFICIAL["apply_patch"]
    ours = run(tmp_path, mock_model_server, "apply_patch", sandbox="danger-full-access")
    same_fired(ours["fired"], official["fired"])
    same_document(ours["documents"]["PreToolUse"], official["documents"]["PreToolUse"])
    mine, theirs = ours["documents"]["PostToolUse"], official["documents"]["PostToolUse"]
    assert list(mine) == list(theirs)
    assert mine["tool_input"] == theirs["tool_input"]
    # The model's output text (its wall time varies in its digits only).
    assert mine["tool_response"].startswith("Exit code: 0\nWall time: ")
    assert mine["tool_response"].endswith(
        "Output:\nSuccess. Updated the following files:\nA made.txt\n"
    )
    assert (ours["cwd"] / "made.txt").read_text() == "hello\n"


def test_a_rejected_patch_gets_no_post_tool_use(tmp_path, mock_model_server):
    official = OFFICIAL["apply_patch_rejected"]
    ours = run(tmp_path, mock_model_server, "apply_patch_rejected")
    same_fired(ours["fired"], official["fired"])
    assert "PostToolUse" not in ours["fired"]


def test_a_denied_call_answers_the_model_in_0169_words(tmp_path, mock_model_server):
    official = OFFICIAL["deny_and_system_message"]
    ours = run(tmp_path, mock_model_server, "deny_and_system_message")
    same_fired(ours["fired"], official["fired"])
    assert ours["outputs"] == official["outputs"]
    assert official["outputs"] == ["Command blocked by PreToolUse hook: no echo. Command: echo hi"]


def test_tool_hooks_default_to_0169s_600_second_timeout(tmp_path):
    hooks = {
        "PreToolUse": [{"hooks": [{"type": "command", "command": "true"}]}],
        "PostToolUse": [{"hooks": [{"type": "command", "command": "true", "timeout": 7}]}],
    }
    (tmp_path / "hooks.json").write_text(json.dumps({"hooks": hooks}))
    loaded = ClaudeHooks.load(tmp_path)
    assert loaded is not None
    assert [h.timeout_s for h in loaded.pre] == [600.0]
    assert [h.timeout_s for h in loaded.post] == [7.0]
