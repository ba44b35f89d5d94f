"""`[custom_tools.<name>]` end to end: the mock model calls the tool, the command runs under the
session's sandbox, its output reaches the next request and the rollout."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import orjson
import pytest
from tests.core.harness import make_config, of_type, run_turn
from tests.exec.harness import rollout_files, run_codex, write_config
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session
from codex.errors import CodexError
from codex.tools.custom import api_tool_name

ECHO_TOOL = Path(__file__).resolve().parents[2] / "examples" / "custom_tools" / "echo_tool.py"


def echo_tool_config(name: str = "echo_demo", extra: str = "") -> str:
    return (
        f"[custom_tools.{name}]\n"
        f'command = ["{sys.executable}", "{ECHO_TOOL}"]\n'
        'description = "Echoes text using CODEX_TOOL_ARGS_JSON"\n'
        'parameters = { type = "object", properties = { text = { type = "string" } }, '
        'required = ["text"] }\n'
        "timeout_ms = 4000\n"
        f"{extra}"
        f"[custom_tools.{name}.env]\n"
        'CUSTOM_TOOL_PREFIX = "dev-build: "\n'
    )


def test_name_mapping_rule():
    assert api_tool_name("echo_demo") == "custom__echo_demo"
    assert api_tool_name("custom.echo") == "custom__custom_echo"
    for bad in ("has space", "", "ü", "x" * 57, "a/b"):
        with pytest.raises(ValueError):
            api_tool_name(bad)


def test_config_defined_custom_tool_runs_command(tmp_path, mock_model_server):
    """The seed's acceptance test, through `codex exec --json`."""
    mock_model_server.enqueue(
        Turn([FunctionCall("call_echo", "custom__echo_demo", {"text": "hello from the agent"})]),
        Turn([Message("done")]),
    )
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(home, mock_model_server.base_url, echo_tool_config())
    run = run_codex("exec", "--json", "--skip-git-repo-check", "use the tool", home=home, cwd=work)
    assert run.rc == 0, run.stderr

    first, second = mock_model_server.requests
    names = [t.get("name") for t in first.json["tools"]]
    assert "custom__echo_demo" in names
    spec = next(t for t in first.json["tools"] if t.get("name") == "custom__echo_demo")
    assert spec["type"] == "function"
    assert spec["parameters"]["required"] == ["text"]

    output = second.function_call_output("call_echo")
    assert output is not None
    result = orjson.loads(output["output"])
    assert result["exit_code"] == 0
    assert result["stdout"] == "dev-build: hello from the agent\n"
    assert result["stderr"] == "[echo_demo call_echo]\n"

    lines = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    recorded = [
        line["payload"]
        for line in lines
        if line["type"] == "response_item" and line["payload"]["type"] == "function_call_output"
    ]
    assert "dev-build: hello from the agent" in recorded[0]["output"]


def test_schema_violation_goes_back_to_the_model(tmp_path, mock_model_server):
    marker = tmp_path / "ran"
    tool = (
        "[custom_tools.strict]\n"
        f'command = ["/bin/sh", "-c", "touch {marker}"]\n'
        'parameters = { type = "object", properties = { n = { type = "integer" } }, '
        'required = ["n"], additionalProperties = false }\n'
    )
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "custom__strict", {"n": "three"})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, extra=tool)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go")

    asyncio.run(main())
    output = mock_model_server.requests[1].function_call_output("c1")
    assert output["output"].startswith(
        "invalid arguments for custom__strict: 'three' is not of type"
    )
    assert "(at `n`)" in output["output"]
    assert not marker.exists()


def test_custom_tool_denied_by_the_sandbox(tmp_path, mock_model_server):
    """read-only sandbox, approval never: the write outside the roots fails and is reported."""
    outside = tmp_path / "outside.txt"
    tool = f'[custom_tools.writer]\ncommand = ["/bin/sh", "-c", "echo data > {outside}"]\n'
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "custom__writer", {})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, sandbox="read-only", extra=tool)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "write")

    events = asyncio.run(main())
    assert not outside.exists()
    result = orjson.loads(mock_model_server.requests[1].function_call_output("c1")["output"])
    assert result["exit_code"] != 0
    assert "Read-only file system" in result["stderr"] or "ermission denied" in result["stderr"]
    ends = of_type(events, "exec_command_end")
    assert ends and ends[0].exit_code == result["exit_code"]


def test_custom_tool_under_full_access_writes(tmp_path, mock_model_server):
    """The same tool under danger-full-access does write: the denial above is the sandbox."""
    outside = tmp_path / "outside.txt"
    tool = f'[custom_tools.writer]\ncommand = ["/bin/sh", "-c", "echo data > {outside}"]\n'
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "custom__writer", {})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, sandbox="danger-full-access", extra=tool)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "write")

    asyncio.run(main())
    assert outside.read_text() == "data\n"


def test_custom_tool_asks_for_approval_under_untrusted(tmp_path, mock_model_server):
    """approval `untrusted`: not a known-safe command, so the user is asked; denied: not run."""
    marker = tmp_path / "work" / "marker"
    tool = f'[custom_tools.toucher]\ncommand = ["/bin/touch", "{marker}"]\n'
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "custom__toucher", {})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, approval="untrusted", extra=tool)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "touch", decide=lambda _msg: "denied")

    events = asyncio.run(main())
    asked = of_type(events, "exec_approval_request")
    assert asked and asked[0].command == ["/bin/touch", str(marker)]
    assert not marker.exists()
    output = mock_model_server.requests[1].function_call_output("c1")
    assert output["output"] == "exec command rejected by user"


def test_unmappable_name_is_a_config_error(tmp_path, mock_model_server):
    config = make_config(
        tmp_path, mock_model_server, extra='[custom_tools."bad name"]\ncommand = ["true"]\n'
    )
    with pytest.raises(CodexError, match=r"custom_tools\.bad name\].*cannot be offered"):
        Session(config)


def test_unmappable_name_through_exec_is_one_line(tmp_path, mock_model_server):
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(
        home, mock_model_server.base_url, '[custom_tools."bad name"]\ncommand = ["true"]\n'
    )
    run = run_codex("exec", "--skip-git-repo-check", "hi", home=home, cwd=work)
    assert run.rc != 0
    assert "Traceback" not in run.stderr
    assert "cannot be offered to the model" in run.stderr
    assert mock_model_server.requests == []


def _run_one(tmp_path, server, tool: str, call: FunctionCall, **kwargs):
    server.enqueue(Turn([call]), Turn([Message("ok")]))
    config = make_config(tmp_path, server, extra=tool, **kwargs)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go")

    events = asyncio.run(main())
    return events, server.requests[-1].function_call_output(call.call_id)


def test_custom_tool_timeout(tmp_path, mock_model_server):
    tool = '[custom_tools.slow]\ncommand = ["/bin/sleep", "30"]\ntimeout_ms = 200\n'
    _, output = _run_one(tmp_path, mock_model_server, tool, FunctionCall("c1", "custom__slow"))
    result = orjson.loads(output["output"])
    assert result["timed_out"] is True
    assert result["exit_code"] == 124


def test_custom_tool_over_chat_completions(tmp_path, mock_model_server):
    tool = '[custom_tools.hi]\ncommand = ["/bin/echo", "hi"]\n'
    _run_one(tmp_path, mock_model_server, tool, FunctionCall("c1", "custom__hi"), wire="chat")
    first, second = mock_model_server.requests
    names = [t["function"]["name"] for t in first.json["tools"] if t.get("type") == "function"]
    assert "custom__hi" in names
    [answer] = [m for m in second.json["messages"] if m["role"] == "tool"]
    assert answer["tool_call_id"] == "c1"
    assert orjson.loads(answer["content"])["stdout"] == "hi\n"


def test_escalated_custom_tool_asks_and_runs_outside_the_sandbox(tmp_path, mock_model_server):
    """`with_escalated_permissions` under on-request: the user is asked with the justification,
    and once approved the command runs without the sandbox (it can write outside the roots)."""
    outside = tmp_path / "outside.txt"
    tool = (
        "[custom_tools.writer]\n"
        f'command = ["/bin/sh", "-c", "echo data > {outside}"]\n'
        "with_escalated_permissions = true\n"
        'justification = "writes the report next to the repo"\n'
    )
    mock_model_server.enqueue(Turn([FunctionCall("c1", "custom__writer")]), Turn([Message("ok")]))
    config = make_config(
        tmp_path, mock_model_server, approval="on-request", sandbox="read-only", extra=tool
    )

    async def main():
        async with Session(config) as s:
            await s.next_event()
            return await run_turn(s, "go", decide=lambda _msg: "approved")

    events = asyncio.run(main())
    [asked] = of_type(events, "exec_approval_request")
    assert asked.reason == "writes the report next to the repo"
    assert outside.read_text() == "data\n"


def test_escalated_custom_tool_is_rejected_under_never(tmp_path, mock_model_server):
    tool = '[custom_tools.esc]\ncommand = ["/bin/echo", "x"]\nwith_escalated_permissions = true\n'
    _, output = _run_one(tmp_path, mock_model_server, tool, FunctionCall("c1", "custom__esc"))
    assert output["output"].startswith("approval policy is Never; reject command")
