"""The event processors as pure functions: core EventMsg sequences → exactly the lines the official
CLI printed for the same scenario (shared/spec/samples/exec-json), thread id aside."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from tests.support.official import SAMPLES as OFFICIAL_SAMPLES

from codex.protocol.events import parse_event_msg
from codex.thread_events.human import HumanEventProcessor, Palette
from codex.thread_events.jsonl import JsonlEventProcessor
from codex.thread_events.shell_quote import join
from codex.thread_events.wire import encode_line

SAMPLES = OFFICIAL_SAMPLES / "exec-json"
TID = "01a20f50-b3ca-75f1-94da-ac2840f97f45"


def configured(tid: str = TID) -> dict[str, Any]:
    return {
        "type": "session_configured",
        "session_id": tid,
        "model": "gpt-5.5",
        "model_provider_id": "mock",
        "approval_policy": "never",
        "sandbox_policy": {"type": "read-only"},
        "cwd": "/repo",
        "history_log_id": 0,
        "history_entry_count": 0,
    }


def tokens(inp: int, out: int) -> dict[str, Any]:
    total = {
        "input_tokens": inp,
        "cached_input_tokens": 0,
        "output_tokens": out,
        "reasoning_output_tokens": 0,
        "total_tokens": inp + out,
    }
    return {
        "type": "token_count",
        "info": {
            "total_token_usage": total,
            "last_token_usage": total,
            "model_context_window": 258400,
        },
        "rate_limits": None,
    }


def started() -> dict[str, Any]:
    return {"type": "task_started", "turn_id": "0", "model_context_window": 258400}


def complete(last: str | None) -> dict[str, Any]:
    return {"type": "task_complete", "turn_id": "0", "last_agent_message": last}


def run_jsonl(msgs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], JsonlEventProcessor]:
    """Through the real protocol types (parse, then wire form), like the runner does."""
    proc = JsonlEventProcessor()
    lines: list[bytes] = []
    for raw in msgs:
        msg = parse_event_msg(raw).to_dict()
        lines += [encode_line(e) for e in proc.process(msg)]
    for line in lines:
        assert line.endswith(b"\n") and b"\n" not in line[:-1]
    return [orjson.loads(line) for line in lines], proc


def sample(name: str) -> tuple[list[dict[str, Any]], str]:
    events = [orjson.loads(line) for line in (SAMPLES / name).read_bytes().splitlines() if line]
    return events, events[0]["thread_id"]


def test_plain_answer_matches_sample_a() -> None:
    expected, tid = sample("A.jsonl")
    got, proc = run_jsonl(
        [
            configured(tid),
            started(),
            {"type": "agent_message_delta", "delta": "hel"},
            {"type": "agent_message", "message": "hello"},
            tokens(100, 10),
            complete("hello"),
        ]
    )
    assert got == expected
    assert not proc.saw_error and proc.final_message == "hello"


def test_command_matches_sample_b() -> None:
    expected, tid = sample("B.jsonl")
    argv = ["/bin/bash", "-lc", "echo hello-from-shell; pwd; id -u"]
    output = expected[3]["item"]["aggregated_output"]
    got, _ = run_jsonl(
        [
            configured(tid),
            started(),
            tokens(100, 10),
            {
                "type": "exec_command_begin",
                "call_id": "c1",
                "turn_id": "0",
                "command": argv,
                "cwd": "/repo",
            },
            {
                "type": "exec_command_output_delta",
                "call_id": "c1",
                "stream": "stdout",
                "chunk": "aGk=",
            },
            {
                "type": "exec_command_end",
                "call_id": "c1",
                "turn_id": "0",
                "command": argv,
                "cwd": "/repo",
                "exit_code": 0,
                "duration": {"secs": 0, "nanos": 5},
                "aggregated_output": output,
            },
            {"type": "agent_message", "message": "done: shell ran"},
            tokens(200, 20),
            complete("done: shell ran"),
        ]
    )
    assert got == expected


def test_patch_matches_sample_d() -> None:
    expected, tid = sample("D.jsonl")
    changes = {"/repo/hello_patch.txt": {"type": "add", "content": "hi\n"}}
    got, _ = run_jsonl(
        [
            configured(tid),
            started(),
            {
                "type": "patch_apply_begin",
                "call_id": "p1",
                "turn_id": "0",
                "auto_approved": True,
                "changes": changes,
            },
            {
                "type": "patch_apply_end",
                "call_id": "p1",
                "turn_id": "0",
                "stdout": "",
                "stderr": "",
                "success": True,
                "changes": changes,
            },
            {"type": "turn_diff", "unified_diff": "diff --git a/x b/x\n"},
            {"type": "agent_message", "message": "patched"},
            tokens(200, 20),
            complete("patched"),
        ]
    )
    assert got == expected


def test_retries_then_failure_match_sample_e500() -> None:
    expected, tid = sample("E500.jsonl")
    msgs: list[dict[str, Any]] = [configured(tid), started()]
    retry = expected[2]["message"]
    for n in range(1, 6):
        msgs.append({"type": "stream_error", "message": retry.replace("1/5", f"{n}/5")})
    final = expected[-2]["message"]
    msgs += [{"type": "error", "message": final}, complete(None)]
    got, proc = run_jsonl(msgs)
    assert got == expected
    assert proc.saw_error


def test_warning_item_and_reasoning() -> None:
    expected, tid = sample("A-fallbackmodel.jsonl")
    got, _ = run_jsonl(
        [
            configured(tid),
            {"type": "warning", "message": expected[1]["item"]["message"]},
            started(),
            {"type": "agent_message", "message": "hello"},
            tokens(100, 10),
            complete("hello"),
        ]
    )
    assert got == expected
    expected, tid = sample("min-M7-reasoning.jsonl")
    got, _ = run_jsonl(
        [
            configured(tid),
            started(),
            {"type": "agent_reasoning", "text": "**Planning** I will say hello"},
            {"type": "agent_reasoning", "text": ""},
            {"type": "agent_message", "message": "hello after reasoning"},
            tokens(100, 10),
            complete("hello after reasoning"),
        ]
    )
    assert got == expected


def test_usage_is_zero_without_token_counts_and_ends_without_begins_are_ignored() -> None:
    got, _ = run_jsonl(
        [
            configured(),
            started(),
            {
                "type": "exec_command_end",
                "call_id": "nobody",
                "turn_id": "0",
                "command": ["true"],
                "cwd": "/",
                "exit_code": 0,
                "duration": {"secs": 0, "nanos": 0},
            },
            complete(None),
        ]
    )
    assert [e["type"] for e in got] == ["thread.started", "turn.started", "turn.completed"]
    assert set(got[-1]["usage"].values()) == {0}


def test_failed_command_mcp_and_todo_list_lifecycle() -> None:
    plan1 = [{"step": "a", "status": "in_progress"}, {"step": "b", "status": "pending"}]
    plan2 = [{"step": "a", "status": "completed"}, {"step": "b", "status": "in_progress"}]
    invocation = {"server": "srv", "tool": "t", "arguments": {"x": 1}}
    got, _ = run_jsonl(
        [
            configured(),
            started(),
            {"type": "plan_update", "plan": plan1},
            {
                "type": "exec_command_begin",
                "call_id": "c",
                "turn_id": "0",
                "command": ["bash", "-lc", "exit 3"],
                "cwd": "/",
            },
            {
                "type": "exec_command_end",
                "call_id": "c",
                "turn_id": "0",
                "command": ["bash", "-lc", "exit 3"],
                "cwd": "/",
                "exit_code": 3,
                "duration": {"secs": 0, "nanos": 0},
                "aggregated_output": "x\n",
            },
            {"type": "mcp_tool_call_begin", "call_id": "m", "invocation": invocation},
            {
                "type": "mcp_tool_call_end",
                "call_id": "m",
                "invocation": invocation,
                "duration": {"secs": 0, "nanos": 0},
                "result": {"Ok": {"content": [{"type": "text", "text": "r"}], "isError": False}},
            },
            {"type": "mcp_tool_call_begin", "call_id": "m2", "invocation": invocation},
            {
                "type": "mcp_tool_call_end",
                "call_id": "m2",
                "invocation": invocation,
                "duration": {"secs": 0, "nanos": 0},
                "result": {"Err": "boom"},
            },
            {"type": "web_search_begin", "call_id": "w"},
            {"type": "web_search_end", "call_id": "w", "query": "q"},
            {"type": "plan_update", "plan": plan2},
            complete("ok"),
        ]
    )
    kinds = [(e["type"], e.get("item", {}).get("type"), e.get("item", {}).get("id")) for e in got]
    assert kinds == [
        ("thread.started", None, None),
        ("turn.started", None, None),
        ("item.started", "todo_list", "item_0"),
        ("item.started", "command_execution", "item_1"),
        ("item.completed", "command_execution", "item_1"),
        ("item.started", "mcp_tool_call", "item_2"),
        ("item.completed", "mcp_tool_call", "item_2"),
        ("item.started", "mcp_tool_call", "item_3"),
        ("item.completed", "mcp_tool_call", "item_3"),
        ("item.started", "web_search", "item_4"),
        ("item.completed", "web_search", "item_4"),
        ("item.updated", "todo_list", "item_0"),
        ("item.completed", "todo_list", "item_0"),
        ("turn.completed", None, None),
    ]
    assert got[4]["item"]["status"] == "failed" and got[4]["item"]["exit_code"] == 3
    assert got[4]["item"]["command"] == "bash -lc 'exit 3'"
    assert got[6]["item"]["status"] == "completed"
    assert got[6]["item"]["result"] == {
        "content": [{"type": "text", "text": "r"}],
        "structured_content": None,
    }
    assert got[8]["item"]["error"] == {"message": "boom"} and got[8]["item"]["result"] is None
    assert got[10]["item"]["action"] == {"type": "search", "query": "q"}
    assert got[12]["item"]["items"] == [
        {"text": "a", "completed": True},
        {"text": "b", "completed": False},
    ]


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["/bin/bash", "-lc", "echo hi"], "/bin/bash -lc 'echo hi'"),
        (["ls", ""], "ls ''"),
        (["echo", "it's"], 'echo "it\'s"'),
        (["echo", "a'$b"], "echo \"a'\"'$b'"),
        (["echo", "^x"], "echo '^x'"),
    ],
)
def test_command_display_quotes_like_upstream(argv: list[str], shown: str) -> None:
    assert join(argv) == shown


def test_human_processor_keeps_stdout_material_apart_and_counts_tokens() -> None:
    proc = HumanEventProcessor(color=Palette(False))
    err = "".join(
        proc.process(parse_event_msg(m).to_dict())
        for m in [
            configured(),
            started(),
            {"type": "stream_error", "message": "Reconnecting... 1/5"},
            {
                "type": "exec_command_begin",
                "call_id": "c",
                "turn_id": "0",
                "command": ["ls"],
                "cwd": "/r",
            },
            {
                "type": "exec_command_end",
                "call_id": "c",
                "turn_id": "0",
                "command": ["ls"],
                "cwd": "/r",
                "exit_code": 0,
                "duration": {"secs": 1, "nanos": 500_000_000},
                "aggregated_output": "\n".join(str(i) for i in range(30)),
            },
            {"type": "agent_message", "message": "the answer"},
            tokens(1200, 34),
            complete("the answer"),
        ]
    )
    assert "\x1b[" not in err
    assert "Reconnecting... 1/5\n" in err
    assert "ls in /r\n succeeded in 1.50s:\n" in err
    assert "\n19\n" in err and "\n20\n" not in err
    assert proc.final_message == "the answer"
    assert proc.footer() == "tokens used\n1,234\n"
    coloured = HumanEventProcessor(color=Palette(True))
    assert "\x1b[31m" in coloured.process({"type": "error", "message": "x"})
    assert coloured.saw_error


def test_human_turn_diff_shown_once_per_version() -> None:
    proc = HumanEventProcessor()
    diff = {"type": "turn_diff", "unified_diff": "diff --git a/x b/x\n+x\n"}
    assert proc.process(diff) == "diff --git a/x b/x\n+x\n\n"
    assert proc.process(diff) == ""
    changed = {"type": "turn_diff", "unified_diff": "diff --git a/x b/x\n+y\n"}
    assert "+y" in proc.process(changed)


def test_web_search_action_comes_from_the_event_when_present() -> None:
    proc = JsonlEventProcessor()
    (done,) = proc.process(
        {"type": "web_search_end", "call_id": "w", "query": "q", "action": {"type": "open_page"}}
    )
    assert orjson.loads(encode_line(done))["item"]["action"] == {"type": "other"}
    (done,) = proc.process(
        {
            "type": "web_search_end",
            "call_id": "v",
            "query": "",
            "action": {"type": "search", "query": "from action"},
        }
    )
    assert orjson.loads(encode_line(done))["item"]["action"] == {
        "type": "search",
        "query": "from action",
    }


def test_human_patch_lines_as_0169() -> None:
    proc = HumanEventProcessor()
    changes = {"/r/a.txt": {"type": "add", "content": "x"}}
    begin = {"type": "patch_apply_begin", "call_id": "p", "turn_id": "0", "changes": changes}
    assert proc.process(begin) == "apply patch\n"
    end = {"type": "patch_apply_end", "call_id": "p", "success": True, "stdout": "", "stderr": ""}
    assert proc.process(end) == "patch: completed\n/r/a.txt\n"
    assert proc.process({"type": "agent_reasoning", "text": "**Plan**"}) == "**Plan**\n"
