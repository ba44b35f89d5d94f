"""Claude-style `$CODEX_HOME/hooks.json` (codex-py extension): PreToolUse / PostToolUse with
matchers, a PreToolUse veto, hooks that misbehave, and the trust review every hook needs before
it runs (0.169's `[hooks.state]` records, codex.tools.hook_trust)."""

from __future__ import annotations

import asyncio
import sys

import orjson
import pytest
from tests.core.harness import make_config, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session
from codex.core.hooks_view import configured_hooks, set_enabled, trust_all
from codex.errors import CodexError


def write_hooks(tmp_path, hooks: dict) -> None:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "hooks.json").write_text(orjson.dumps({"hooks": hooks}).decode())


def logger(log) -> dict:
    return {"type": "command", "command": f"cat >> {log}; echo >> {log}"}


def run(tmp_path, server, calls, *, trust=True, config=None, **kwargs):
    """One turn making `calls` in a new session (on `config`, else a fresh config.toml), after
    trusting every configured hook (unless not `trust`)."""
    server.enqueue(Turn(calls), Turn([Message("done")]))
    config = config or make_config(tmp_path, server, **kwargs)
    if trust:
        trust_all(config)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go"), s

    return asyncio.run(main())


def test_matchers_and_documents(tmp_path, mock_model_server):
    pre, post = tmp_path / "pre.jsonl", tmp_path / "post.jsonl"
    write_hooks(
        tmp_path,
        {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [logger(pre)]},
                {"matcher": "apply_patch", "hooks": [logger(tmp_path / "never")]},
                # 0.169 shows shell calls as `Bash` only: our tool name matches nothing.
                {"matcher": "exec_command", "hooks": [logger(tmp_path / "never")]},
            ],
            "PostToolUse": [{"hooks": [logger(post)]}],
        },
    )
    events, session = run(
        tmp_path,
        mock_model_server,
        [FunctionCall("c1", "exec_command", {"cmd": "echo hooked"})],
    )
    assert events[-1].msg.TAG == "task_complete"
    [before] = [orjson.loads(x) for x in pre.read_text().split("\n") if x]
    assert before == {  # 0.169's document (tests/extensions/test_tool_hook_shape.py)
        "session_id": session.conversation_id,
        "turn_id": before["turn_id"],
        "transcript_path": None,
        "cwd": str(tmp_path / "work"),
        "hook_event_name": "PreToolUse",
        "model": "gpt-5.5",
        "permission_mode": "bypassPermissions",
        "tool_name": "Bash",
        "tool_input": {"command": "echo hooked"},
        "tool_use_id": "c1",
    }
    [after] = [orjson.loads(x) for x in post.read_text().split("\n") if x]
    assert after["hook_event_name"] == "PostToolUse"
    assert after["tool_response"].endswith("hooked\n")  # the command's output
    assert not (tmp_path / "never").exists()


def test_pre_tool_use_exit_2_blocks_the_call(tmp_path, mock_model_server):
    marker = tmp_path / "work" / "ran"
    write_hooks(
        tmp_path,
        {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [{"type": "command", "command": "echo 'no shell today' >&2; exit 2"}],
                }
            ]
        },
    )
    run(tmp_path, mock_model_server, [FunctionCall("c1", "exec_command", {"cmd": "touch ran"})])
    output = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert output == "Command blocked by PreToolUse hook: no shell today. Command: touch ran"
    assert not marker.exists()


def test_pre_tool_use_json_deny_blocks_the_call(tmp_path, mock_model_server):
    marker = tmp_path / "work" / "ran"
    answer = orjson.dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": "policy says no",
            }
        }
    ).decode()
    script = tmp_path / "deny.py"
    script.write_text(f"import sys; sys.stdin.read(); print({answer!r})\n")
    write_hooks(
        tmp_path,
        {"PreToolUse": [{"hooks": [{"type": "command", "command": f"{sys.executable} {script}"}]}]},
    )
    run(tmp_path, mock_model_server, [FunctionCall("c1", "exec_command", {"cmd": "touch ran"})])
    output = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert output == "Command blocked by PreToolUse hook: policy says no. Command: touch ran"
    assert not marker.exists()


def test_misbehaving_hooks_do_not_block(tmp_path, mock_model_server, caplog):
    write_hooks(
        tmp_path,
        {
            "PreToolUse": [
                {
                    "hooks": [
                        {"type": "command", "command": "exit 1"},
                        {"type": "command", "command": "head -c 200000 /dev/urandom"},
                        {"type": "command", "command": "sleep 60", "timeout": 1},
                        {"type": "command", "command": "kill -SEGV $$"},
                    ]
                }
            ]
        },
    )
    events, _ = run(
        tmp_path, mock_model_server, [FunctionCall("c1", "exec_command", {"cmd": "echo fine"})]
    )
    assert events[-1].msg.TAG == "task_complete"
    assert "fine" in str(mock_model_server.requests[1].function_call_output("c1")["output"])
    messages = [r.getMessage() for r in caplog.records]
    assert any("did not finish within 1.0s" in m for m in messages)
    assert any("`exit 1` exited with status 1" in m for m in messages)


def test_malformed_hooks_json_is_a_clear_error(tmp_path, mock_model_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "hooks.json").write_text("{not json")
    config = make_config(tmp_path, mock_model_server)
    with pytest.raises(CodexError, match=r"hooks\.json: not valid JSON"):
        Session(config)


def warnings(events) -> list[str]:
    return [ev.msg.message for ev in events if ev.msg.TAG == "warning"]


def test_an_untrusted_hook_does_not_run(tmp_path, mock_model_server):
    log = tmp_path / "pre.jsonl"
    write_hooks(tmp_path, {"PreToolUse": [{"hooks": [logger(log)]}], "PostToolUse": []})
    call = [FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]
    events, _ = run(tmp_path, mock_model_server, call, trust=False)
    assert events[-1].msg.TAG == "task_complete"
    assert not log.exists()
    assert warnings(events) == [
        "1 hook needs review before it can run. Review it with /hooks in the TUI."
    ]


def test_a_trusted_hook_runs_until_its_definition_changes(tmp_path, mock_model_server):
    log = tmp_path / "pre.jsonl"
    write_hooks(tmp_path, {"PreToolUse": [{"matcher": "Bash", "hooks": [logger(log)]}]})
    call = [FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]
    config = make_config(tmp_path, mock_model_server)
    events, _ = run(tmp_path, mock_model_server, call, config=config)
    [document] = [orjson.loads(x) for x in log.read_text().split("\n") if x]
    assert document["tool_use_id"] == "c1"
    assert warnings(events) == []
    assert [h.trust for h in configured_hooks(config)] == ["trusted"]

    # Edited after it was trusted (a matcher that still matches): "modified", so it stops.
    log.unlink()
    write_hooks(tmp_path, {"PreToolUse": [{"matcher": "^Bash$", "hooks": [logger(log)]}]})
    events, _ = run(tmp_path, mock_model_server, call, trust=False, config=config)
    assert not log.exists()
    assert warnings(events) == [
        "1 hook needs review before it can run. Review it with /hooks in the TUI."
    ]
    assert [h.trust for h in configured_hooks(config)] == ["modified"]


def test_a_switched_off_hook_does_not_run(tmp_path, mock_model_server):
    log = tmp_path / "pre.jsonl"
    write_hooks(tmp_path, {"PreToolUse": [{"hooks": [logger(log)]}]})
    config = make_config(tmp_path, mock_model_server)
    trust_all(config)
    [hook] = configured_hooks(config)
    set_enabled(config, hook, False)
    call = [FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]
    events, _ = run(tmp_path, mock_model_server, call, trust=False, config=config)
    assert events[-1].msg.TAG == "task_complete" and warnings(events) == []
    assert not log.exists()


def test_trust_taken_during_a_session_applies_to_its_next_call(tmp_path, mock_model_server):
    """/hooks writes config.toml while the session runs; the next tool call sees the record."""
    log = tmp_path / "pre.jsonl"
    write_hooks(tmp_path, {"PreToolUse": [{"hooks": [logger(log)]}]})
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo one"})]),
        Turn([Message("one")]),
        Turn([FunctionCall("c2", "exec_command", {"cmd": "echo two"})]),
        Turn([Message("two")]),
    )
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await run_turn(s, "first")
            trust_all(config)
            await run_turn(s, "second")

    asyncio.run(main())
    [document] = [orjson.loads(x) for x in log.read_text().split("\n") if x]
    assert document["tool_use_id"] == "c2"
