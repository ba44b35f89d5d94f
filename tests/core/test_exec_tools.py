"""exec_command / write_stdin end to end: several commands in one turn, a PTY session driven by
write_stdin, parallel calls, malformed calls, and the sandbox actually applied."""

from __future__ import annotations

import asyncio
import re

from tests.core.harness import make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session


def _run(config, text, **kw):
    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, text, **kw)

    return asyncio.run(main())


def ex(call_id, cmd, **kw):
    """An exec_command call; `login: false` keeps the user's login-shell noise out of output."""
    return FunctionCall(call_id, "exec_command", {"cmd": cmd, "login": False, **kw})


def _output(request, call_id):
    item = request.function_call_output(call_id)
    assert item is not None, f"no output for {call_id}"
    return item["output"]


def test_multi_step_exec_commands(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([ex("c1", "echo one > f.txt && cat f.txt")]),
        Turn([ex("c2", "echo two >> f.txt; wc -l < f.txt")]),
        Turn([ex("c3", "exit 3")]),
        Turn([Message("done")]),
    )
    config = make_config(tmp_path, mock_model_server, sandbox="workspace-write")
    events = _run(config, "do it")
    requests = mock_model_server.requests
    assert len(requests) == 4
    for r in requests:
        assert r.tool_pairing_problems() == []
    first = _output(requests[1], "c1")
    assert re.match(r"Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\n", first)
    assert "Process exited with code 0\n" in first
    assert first.endswith("Output:\none\n")
    assert _output(requests[2], "c2").endswith("Output:\n2\n")
    assert "Process exited with code 3" in _output(requests[3], "c3")
    ends = of_type(events, "exec_command_end")
    assert [e.exit_code for e in ends] == [0, 0, 3]
    assert (tmp_path / "work" / "f.txt").read_text() == "one\ntwo\n"
    assert of_type(events, "task_complete")[0].last_agent_message == "done"


def test_pty_session_and_write_stdin(tmp_path, mock_model_server):
    script = 'read -r name; echo "hello $name"; tty >/dev/null && echo is-a-tty; read -r x'
    mock_model_server.enqueue(
        Turn([ex("c1", script, tty=True, yield_time_ms=300)]),
        Turn([FunctionCall("c2", "write_stdin", {"session_id": 0, "chars": "world\n"})]),
        Turn(
            [
                FunctionCall(
                    "c3",
                    "write_stdin",
                    {"session_id": 0, "chars": "bye\n", "yield_time_ms": 5000},
                )
            ]
        ),
        Turn([FunctionCall("c4", "write_stdin", {"session_id": 0, "chars": "x"})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server)
    _run(config, "interactive")
    requests = mock_model_server.requests
    first = _output(requests[1], "c1")
    assert "Process running with session ID 0" in first
    second = _output(requests[2], "c2")
    assert "hello world" in second and "is-a-tty" in second
    third = _output(requests[3], "c3")
    assert "Process exited with code 0" in third
    assert _output(requests[4], "c4") == "write_stdin failed: Unknown process id 0"


def test_pipe_mode_session_has_no_stdin(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([ex("c1", "sleep 5", yield_time_ms=250)]),
        Turn([FunctionCall("c2", "write_stdin", {"session_id": 0, "chars": "hi\n"})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server)
    _run(config, "x")
    out = _output(mock_model_server.requests[2], "c2")
    assert out.startswith("stdin is closed for this session")


def test_parallel_tool_calls(tmp_path, mock_model_server):
    # Two commands that can only both finish if they run at the same time: each waits for the
    # other's marker file.
    wait = "for i in $(seq 100); do [ -e {o}.mark ] && echo {s}-saw-{O} && exit 0; sleep 0.05; done"
    a = "touch a.mark; " + wait.format(o="b", s="A", O="B") + "; exit 1"
    b = "touch b.mark; " + wait.format(o="a", s="B", O="A") + "; exit 1"
    mock_model_server.enqueue(
        Turn([ex("pa", a), ex("pb", b)]),
        Turn([Message("both")]),
    )
    config = make_config(tmp_path, mock_model_server)
    _run(config, "parallel")
    second = mock_model_server.requests[1]
    assert "A-saw-B" in _output(second, "pa")
    assert "B-saw-A" in _output(second, "pb")
    outputs = [i["call_id"] for i in second.inputs_of_type("function_call_output")]
    assert outputs == ["pa", "pb"]  # recorded in call order


def test_malformed_tool_calls(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn(
            [
                FunctionCall("m1", "exec_command", "{not json"),
                FunctionCall("m2", "exec_command", {"command": "ls"}),
                FunctionCall("m3", "no_such_tool", {}),
                FunctionCall("m4", "update_plan", {"plan": [{"step": "a", "status": "bogus"}]}),
            ]
        ),
        Turn([Message("recovered")]),
    )
    config = make_config(tmp_path, mock_model_server)
    events = _run(config, "x")
    second = mock_model_server.requests[1]
    assert _output(second, "m1").startswith("failed to parse function arguments:")
    assert _output(second, "m2") == (
        "failed to parse function arguments: missing field `cmd` at line 1 column 16"
    )
    assert _output(second, "m3") == "unsupported call: no_such_tool"
    assert _output(second, "m4").startswith("failed to parse function arguments:")
    assert of_type(events, "task_complete")[0].last_agent_message == "recovered"


def test_update_plan_emits_plan_update(tmp_path, mock_model_server):
    plan = {"explanation": "why", "plan": [{"step": "a", "status": "in_progress"}]}
    mock_model_server.enqueue(
        Turn([FunctionCall("p1", "update_plan", plan)]), Turn([Message("ok")])
    )
    events = _run(make_config(tmp_path, mock_model_server), "plan")
    updates = of_type(events, "plan_update")
    assert updates[0].plan[0].step == "a" and updates[0].explanation == "why"
    assert _output(mock_model_server.requests[1], "p1") == "Plan updated"


def test_read_only_sandbox_blocks_writes(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([ex("w1", "echo x > blocked.txt")]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, sandbox="read-only", approval="never")
    _run(config, "write")
    out = _output(mock_model_server.requests[1], "w1")
    assert re.search(r"Read-only file system|Permission denied", out)
    assert not (tmp_path / "work" / "blocked.txt").exists()


def test_chat_completions_wire_function_tools_only(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([ex("c1", "echo chat-wire")]),
        Turn([Message("chat done")]),
    )
    config = make_config(tmp_path, mock_model_server, wire="chat")
    events = _run(config, "via chat")
    first = mock_model_server.requests[0]
    assert first.path.endswith("/chat/completions")
    kinds = {t.get("type") for t in first.json["tools"]}
    assert kinds == {"function"}
    assert of_type(events, "task_complete")[0].last_agent_message == "chat done"
    assert "chat-wire" in of_type(events, "exec_command_end")[0].aggregated_output


def test_huge_output_is_capped_and_middle_truncated(tmp_path, mock_model_server):
    # 5 MB of output: capture keeps a bounded head and tail, the model gets the token budget.
    cmd = "head -c 5000000 /dev/zero | tr '\\0' a; echo; echo THE-END"
    mock_model_server.enqueue(Turn([ex("big", cmd, max_output_tokens=1000)]), Turn([Message("ok")]))
    _run(make_config(tmp_path, mock_model_server), "flood")
    out = _output(mock_model_server.requests[1], "big")
    body = out.split("Output:\n", 1)[1]
    assert "Total output lines: " in body
    assert "tokens truncated…" in body
    assert body.endswith("THE-END\n")
    assert len(body.encode()) < 4000 + 200


def test_head_tail_buffer_keeps_both_ends():
    from codex.tools.runtime.process import HeadTailBuffer

    buf = HeadTailBuffer(cap=10)
    for chunk in (b"abc", b"defgh", b"ijklmnop", b"qrstuvwxyz"):
        buf.append(chunk)
    assert buf.total == 26
    assert buf.peek() == b"abcdevwxyz"
    assert buf.omitted == 16
