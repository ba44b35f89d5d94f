"""MCP servers as the model's tools, through the real `codex exec --json` against the mock model
and real MCP peers built from the `mcp` SDK (tests/mcp/peers)."""

from __future__ import annotations

import orjson
from tests.exec.harness import run_codex, write_config
from tests.mcp.harness import stdio_table
from tests.support.hook_trust import trust_home
from tests.support.model_stream import FunctionCall, Message, Turn


def _events(stdout: bytes) -> list[dict]:
    return [orjson.loads(line) for line in stdout.splitlines() if line.strip()]


def test_stdio_tool_call_reaches_the_server_and_the_model(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "hi"})]),
        Turn([FunctionCall("c2", "mcp__peer__add", {"a": 2, "b": 3})]),
        Turn([Message("done")]),
    )
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(home, mock_model_server.base_url, stdio_table("peer"))
    run = run_codex("exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=work)
    assert run.rc == 0, run.stderr
    _, second, third = mock_model_server.requests

    # the first call waited for the starting server; later requests offer its tools
    names = [t.get("name") for t in second.json["tools"]]
    assert "mcp__peer__echo" in names
    assert "mcp__peer__write-file_v2" not in names
    assert "mcp__peer__write_file_v2" in names
    assert "read_mcp_resource" in names
    echo = next(t for t in second.json["tools"] if t.get("name") == "mcp__peer__echo")
    assert echo["parameters"]["type"] == "object"
    assert echo["parameters"]["properties"]["text"]["type"] == "string"

    out = second.function_call_output("c1")
    # structured content wins over the text content when the server sends both (as upstream)
    assert orjson.loads(out["output"]) == {"result": "echo: hi"}
    out = third.function_call_output("c2")
    assert orjson.loads(out["output"]) == {"sum": 5}

    events = _events(run.stdout)
    items = [e["item"] for e in events if e["type"] == "item.completed"]
    calls = [i for i in items if i["type"] == "mcp_tool_call"]
    assert [c["tool"] for c in calls] == ["echo", "add"]
    assert calls[0]["server"] == "peer"
    assert calls[0]["arguments"] == {"text": "hi"}
    assert calls[0]["status"] == "completed"
    assert calls[0]["result"]["content"] == [{"type": "text", "text": "echo: hi"}]


def _run(tmp_path, server, tables: str, *turns, extra_argv=()):
    server.enqueue(*turns)
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir(exist_ok=True)
    write_config(home, server.base_url, tables)
    run = run_codex(
        "exec", "--json", "--skip-git-repo-check", *extra_argv, "go", home=home, cwd=work
    )
    return run, home


def test_images_errors_and_timeouts(tmp_path, mock_model_server):
    run, _ = _run(
        tmp_path,
        mock_model_server,
        stdio_table("peer", extra="tool_timeout_sec = 10\n"),
        Turn(
            [
                FunctionCall("img", "mcp__peer__picture", {}),
                FunctionCall("bad", "mcp__peer__broken", {}),
                FunctionCall("slow", "mcp__peer__slow", {"seconds": 120}),
            ]
        ),
        Turn([Message("done")]),
    )
    assert run.rc == 0, run.stderr
    second = mock_model_server.requests[1]
    image = second.function_call_output("img")["output"]
    assert image[0] == {"type": "input_text", "text": "a red pixel"}
    assert image[1]["type"] == "input_image"
    assert image[1]["image_url"].startswith("data:image/png;base64,iVBOR")
    assert "Error executing tool broken" in second.function_call_output("bad")["output"]
    assert second.function_call_output("slow")["output"] == "tool call timed out after 10s"
    items = {
        i["tool"]: i
        for e in _events(run.stdout)
        if e["type"] == "item.completed" and (i := e["item"])["type"] == "mcp_tool_call"
    }
    assert items["broken"]["status"] == "failed"
    assert items["slow"]["status"] == "failed"
    assert items["slow"]["error"] == {"message": "tool call timed out after 10s"}
    assert items["picture"]["status"] == "completed"


def test_crashing_and_hanging_servers_are_reported_once_and_skipped(tmp_path, mock_model_server):
    tables = (
        stdio_table("good")
        + stdio_table("crashy", mode="crash")
        + stdio_table("stuck", mode="hang", extra="startup_timeout_sec = 1\n")
    )
    run, home = _run(
        tmp_path,
        mock_model_server,
        tables,
        Turn([FunctionCall("c1", "mcp__good__echo", {"text": "x"})]),
        Turn([FunctionCall("c2", "mcp__good__echo", {"text": "y"})]),
        Turn([Message("done")]),
    )
    assert run.rc == 0, run.stderr
    assert run.stderr.count("MCP client for `crashy` failed to start") == 1
    stuck = "MCP client for `stuck` failed to start: request timed out after 1s"
    assert run.stderr.count(stuck) == 1
    errors = [
        e["item"]["message"]
        for e in _events(run.stdout)
        if e["type"] == "item.completed" and e["item"]["type"] == "error"
    ]
    assert sum("`crashy`" in m for m in errors) == 1
    assert sum("`stuck`" in m for m in errors) == 1
    names = {t.get("name") for t in mock_model_server.requests[2].json["tools"]}
    assert "mcp__good__echo" in names
    assert not any(n and n.startswith(("mcp__crashy", "mcp__stuck")) for n in names)
    # the crashing server's stderr went to its capped log
    assert "mode=crash" in (home / "log" / "mcp-crashy.log").read_text()


def test_enabled_and_disabled_tools_and_disabled_servers(tmp_path, mock_model_server):
    tables = stdio_table(
        "peer", extra='enabled_tools = ["echo", "add"]\ndisabled_tools = ["add"]\n'
    ) + stdio_table("off", extra="enabled = false\n")
    run, _ = _run(
        tmp_path,
        mock_model_server,
        tables,
        Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "x"})]),
        Turn([Message("done")]),
    )
    assert run.rc == 0, run.stderr
    names = [t.get("name") for t in mock_model_server.requests[1].json["tools"]]
    assert [n for n in names if n and n.startswith("mcp__")] == ["mcp__peer__echo"]


def test_resource_tools(tmp_path, mock_model_server):
    run, _ = _run(
        tmp_path,
        mock_model_server,
        stdio_table("peer"),
        Turn([FunctionCall("l", "list_mcp_resources", {})]),
        Turn([FunctionCall("r", "read_mcp_resource", {"server": "peer", "uri": "memo://notes"})]),
        Turn([Message("done")]),
    )
    assert run.rc == 0, run.stderr
    listed = orjson.loads(mock_model_server.requests[1].function_call_output("l")["output"])
    assert listed["resources"][0]["server"] == "peer"
    assert listed["resources"][0]["uri"] == "memo://notes"
    read = orjson.loads(mock_model_server.requests[2].function_call_output("r")["output"])
    assert read["contents"][0]["text"] == "remember the milk"


def test_tool_hook_gets_server_tool_and_raw_arguments(tmp_path, mock_model_server):
    log = tmp_path / "hook.jsonl"
    hook = f'tool_hook_command = ["/bin/sh", "-c", "cat >> {log}; echo >> {log}"]\n'
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "hooked"})]), Turn([Message("ok")])
    )
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(home, mock_model_server.base_url, stdio_table("peer"))
    config = home / "config.toml"  # a top-level key: before the first table
    config.write_text(hook + config.read_text())
    assert trust_home(home) == 1  # the hook runs only once trusted (codex.tools.hook_trust)
    run = run_codex("exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=work)
    assert run.rc == 0, run.stderr
    docs = [orjson.loads(line) for line in log.read_bytes().splitlines() if line.strip()]
    before = next(d for d in docs if d["phase"] == "before_execution")
    assert before["call"]["payload"] == {
        "type": "mcp",
        "server": "peer",
        "tool": "echo",
        "raw_arguments": '{"text":"hooked"}',
    }


def test_resource_tools_are_the_officials_and_in_the_first_request(tmp_path, mock_model_server):
    """tests/fixtures/mcp/official_tools.json (python -m tests.mcp.capture_tools): 0.169 offers
    the three resource tools from the first request on, with these exact specs."""
    import json
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "official_tools.json"
    names = ("list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource")
    official = [
        t for t in json.loads(fixture.read_text())["tools_per_request"][0] if t.get("name") in names
    ]
    run, _ = _run(tmp_path, mock_model_server, stdio_table("peer"), Turn([Message("done")]))
    assert run.rc == 0, run.stderr
    first = mock_model_server.requests[0].json["tools"]
    assert [t for t in first if t.get("name") in names] == official


def test_annotated_tools_follow_the_approval_rules(tmp_path, mock_model_server):
    """As upstream: a destructive tool needs approval, which `codex exec` cannot give (upstream
    exec cancels the question): the call ends with "user cancelled MCP tool call" and the tool
    never runs; a read-only tool and an unannotated one run."""
    target = tmp_path / "touched.txt"
    run, _ = _run(
        tmp_path,
        mock_model_server,
        stdio_table("peer"),
        Turn([FunctionCall("c0", "mcp__peer__peek", {"path": str(target)})]),
        Turn(
            [
                FunctionCall("t1", "mcp__peer__touch", {"path": str(target)}),
                FunctionCall("p1", "mcp__peer__peek", {"path": str(target)}),
                FunctionCall("e1", "mcp__peer__echo", {"text": "x"}),
            ]
        ),
        Turn([Message("done")]),
    )
    assert run.rc == 0, run.stderr
    assert not target.exists()
    last = mock_model_server.requests[-1]
    assert last.function_call_output("t1")["output"] == "user cancelled MCP tool call"
    assert "missing" in last.function_call_output("p1")["output"]
    assert "echo: x" in last.function_call_output("e1")["output"]
    events = _events(run.stdout)
    items = {e["item"].get("id"): e["item"] for e in events if e["type"] == "item.completed"}
    touch = next(i for i in items.values() if i.get("tool") == "touch")
    assert touch["status"] == "failed"
    assert touch["error"] == {"message": "user cancelled MCP tool call"}
    started = [e["item"] for e in events if e["type"] == "item.started"]
    assert any(i.get("tool") == "touch" for i in started)  # begun, then refused


def test_full_access_runs_destructive_tools_without_asking(tmp_path, mock_model_server):
    target = tmp_path / "touched.txt"
    run, _ = _run(
        tmp_path,
        mock_model_server,
        stdio_table("peer"),
        Turn([FunctionCall("c0", "mcp__peer__peek", {"path": str(target)})]),
        Turn([FunctionCall("t1", "mcp__peer__touch", {"path": str(target)})]),
        Turn([Message("done")]),
        extra_argv=("--dangerously-bypass-approvals-and-sandbox",),
    )
    assert run.rc == 0, run.stderr
    assert target.read_text() == "touched"
    assert "touched" in mock_model_server.requests[-1].function_call_output("t1")["output"]


def test_per_tool_approval_modes(tmp_path, mock_model_server):
    """`[mcp_servers.<s>.tools.<t>] approval_mode`: "approve" runs a destructive tool without
    asking, "prompt" asks even for an unannotated one (exec cannot answer: cancelled);
    `default_tools_approval_mode` covers the server's other tools."""
    target, other = tmp_path / "touched.txt", tmp_path / "other.txt"
    tables = stdio_table(
        "peer",
        extra='[mcp_servers.peer.tools.touch]\napproval_mode = "approve"\n'
        '[mcp_servers.peer.tools.echo]\napproval_mode = "prompt"\n',
    ) + stdio_table("free", extra='default_tools_approval_mode = "approve"\n')
    run, _ = _run(
        tmp_path,
        mock_model_server,
        tables,
        Turn([FunctionCall("c0", "mcp__peer__peek", {"path": str(target)})]),
        Turn(
            [
                FunctionCall("t1", "mcp__peer__touch", {"path": str(target)}),
                FunctionCall("e1", "mcp__peer__echo", {"text": "x"}),
                FunctionCall("t2", "mcp__free__touch", {"path": str(other)}),
            ]
        ),
        Turn([Message("done")]),
    )
    assert run.rc == 0, run.stderr
    last = mock_model_server.requests[-1]
    assert target.read_text() == "touched" and other.read_text() == "touched"
    assert last.function_call_output("e1")["output"] == "user cancelled MCP tool call"
