"""Session behaviour around the turn loop: the initial context (developer instructions,
AGENTS.md, environment), resume from a history, per-turn output schema and images, retries
surfaced as stream_error, fatal model errors, the other shell tools, view_image, and a rollout
recorder fed through the hook."""

from __future__ import annotations

import asyncio
import base64

from tests.core.harness import ListRecorder, make_config, of_type, run_turn
from tests.support.model_stream import FunctionCall, HttpError, Message, Turn

from codex.core import Session
from codex.protocol import ops
from codex.protocol.items import assistant_message, user_message

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _session_run(config, text="go", **kw):
    async def main():
        async with Session(config, **kw.pop("session_kw", {})) as s:
            await s.next_event()
            return await run_turn(s, text, **kw)

    return asyncio.run(main())


def test_initial_context_developer_agents_environment(tmp_path, mock_model_server):
    work = tmp_path / "repo" / "sub"
    work.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / "AGENTS.md").write_text("root rules\n")
    (work / "AGENTS.md").write_text("sub rules\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / "AGENTS.md").write_text("global rules\n")
    mock_model_server.enqueue(Turn([Message("ok")]))
    config = make_config(
        tmp_path,
        mock_model_server,
        cwd=work,
        approval="on-request",
        extra='developer_instructions = "be brief"',
    )
    _session_run(config)
    request = mock_model_server.single_request()
    # The developer instructions, then the permissions part (codex.core.permissions_prompt).
    (developer,) = [i for i in request.input() if i.get("role") == "developer"]
    parts = [part["text"] for part in developer["content"]]
    assert parts[0] == "be brief" and len(parts) == 2
    assert parts[1].startswith("<permissions instructions>\n")
    users = request.message_texts("user")
    assert users[0] == (
        f"# AGENTS.md instructions for {work}\n\n<INSTRUCTIONS>\nglobal rules"
        "\n\n--- project-doc ---\n\nroot rules\n\n\nsub rules\n\n</INSTRUCTIONS>"
    )
    env = users[1]
    assert env.startswith("<environment_context>\n")
    assert f"  <cwd>{work}</cwd>" in env
    assert "  <approval_policy>on-request</approval_policy>" in env
    assert "  <sandbox_mode>workspace-write</sandbox_mode>" in env
    assert "  <network_access>restricted</network_access>" in env
    assert "<current_date>" in env and env.endswith("</environment_context>")
    assert request.json["instructions"].startswith("You are Codex")


def test_resume_from_initial_history(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("second answer")]))
    config = make_config(tmp_path, mock_model_server)
    history = [user_message("first question").to_dict(), assistant_message("first answer")]
    events = _session_run(
        config, "second question", session_kw={"initial_history": history, "conversation_id": "c-1"}
    )
    request = mock_model_server.single_request()
    texts = [
        (i.get("role"), "".join(p.get("text", "") for p in i.get("content", [])))
        for i in request.input()
        if i.get("type") == "message"
    ]
    assert texts == [
        ("user", "first question"),
        ("assistant", "first answer"),
        ("user", "second question"),
    ]
    assert of_type(events, "task_complete")[0].last_agent_message == "second answer"


def test_user_turn_output_schema_and_images(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    image = work / "dot.png"
    image.write_bytes(PNG_1X1)
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    mock_model_server.enqueue(Turn([Message('{"a": "b"}')]))
    config = make_config(tmp_path, mock_model_server, cwd=work)
    op = ops.UserTurn(
        items=[ops.InputLocalImage(str(image)), ops.InputText("describe")],
        cwd=str(work),
        approval_policy="never",
        sandbox_policy={"type": "read-only"},
        model="gpt-5.5",
        final_output_json_schema=schema,
    )
    events = _session_run(config, "", op=op)
    body = mock_model_server.single_request().json
    assert body["text"]["format"]["schema"] == schema
    last_user = [i for i in body["input"] if i.get("role") == "user"][-1]
    kinds = [p["type"] for p in last_user["content"]]
    assert kinds == ["input_image", "input_text"]
    assert last_user["content"][0]["image_url"].startswith("data:image/png;base64,")
    assert of_type(events, "user_message")[0].images == [str(image)]


def test_retries_surface_as_stream_error(tmp_path, mock_model_server, monkeypatch):
    mock_model_server.enqueue(Turn([Message("partial")], fault="cut"), Turn([Message("whole")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            for client in [s.client_for(s.config.model)]:
                client.retry.sleep = _no_sleep
            return await run_turn(s, "go")

    events = asyncio.run(main())
    errors = of_type(events, "stream_error")
    assert len(errors) == 1 and errors[0].message.startswith("Reconnecting... 1/2")
    assert of_type(events, "task_complete")[0].last_agent_message == "whole"
    assert len(mock_model_server.requests) == 2


async def _no_sleep(_delay):
    return None


def test_fatal_model_error_ends_turn_with_error(tmp_path, mock_model_server):
    mock_model_server.enqueue(HttpError(400, {"error": {"message": "bad request from mock"}}))
    events = _session_run(make_config(tmp_path, mock_model_server))
    assert "bad request from mock" in of_type(events, "error")[0].message
    assert of_type(events, "task_complete")[0].last_agent_message is None


def test_shell_command_tool_for_gpt_5_1(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([FunctionCall("s1", "shell_command", {"command": "echo via-shell-command"})]),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, model="gpt-5.1")
    events = _session_run(config)
    tools = [t.get("name") for t in mock_model_server.requests[0].json["tools"]]
    assert "shell_command" in tools and "exec_command" not in tools
    out = mock_model_server.requests[1].function_call_output("s1")["output"]
    assert out.startswith("Exit code: 0\nWall time: ")
    assert out.endswith("via-shell-command\n")
    end = of_type(events, "exec_command_end")[0]
    assert end.exit_code == 0 and "via-shell-command" in end.stdout


def test_shell_tool_structured_output_and_timeout(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn(
            [
                FunctionCall("a", "shell", {"command": ["bash", "-c", "echo out; echo err >&2"]}),
                FunctionCall("b", "shell", {"command": ["sleep", "5"], "timeout_ms": 300}),
            ]
        ),
        Turn([Message("ok")]),
    )
    config = make_config(tmp_path, mock_model_server, model="gpt-4.1")
    _session_run(config)
    import orjson

    second = mock_model_server.requests[1]
    a = orjson.loads(second.function_call_output("a")["output"])
    assert a["metadata"]["exit_code"] == 0
    assert a["output"] == "out\nerr\n"
    b = orjson.loads(second.function_call_output("b")["output"])
    assert b["metadata"]["exit_code"] == 124
    assert b["output"].startswith("command timed out after 300 milliseconds\n")


def test_view_image_attaches_to_next_request(tmp_path, mock_model_server):
    work = tmp_path / "work"
    work.mkdir()
    (work / "pic.png").write_bytes(PNG_1X1)
    mock_model_server.enqueue(
        Turn([FunctionCall("v1", "view_image", {"path": "pic.png"})]),
        Turn([FunctionCall("v2", "view_image", {"path": "missing.png"})]),
        Turn([Message("seen")]),
    )
    events = _session_run(make_config(tmp_path, mock_model_server, cwd=work))
    second = mock_model_server.requests[1]
    # The image rides in the call's own output, as the official CLI sends it (issue 15).
    (image,) = second.function_call_output("v1")["output"]
    assert image["type"] == "input_image" and image["detail"] == "original"
    assert image["image_url"].startswith("data:image/png;base64,")
    third = mock_model_server.requests[2]
    assert third.function_call_output("v2")["output"].startswith("unable to locate image at")
    assert of_type(events, "view_image_tool_call")[0].path == str(work / "pic.png")


def test_input_during_a_running_turn_joins_it(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "sleep 0.5", "login": False})]),
        Turn([Message("done")]),
    )
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with Session(config) as s:
            await s.next_event()

            async def on_event(ev):
                if ev.msg.TAG == "exec_command_begin":
                    await s.submit(ops.UserInput([ops.InputText("also this")]))

            return await run_turn(s, "first", on_event=on_event)

    asyncio.run(main())
    second = mock_model_server.requests[1]
    assert second.message_texts("user")[-1] == "also this"
    assert len(mock_model_server.requests) == 2


def test_recorder_hook_receives_items_events_and_turn_context(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi", "login": False})]),
        Turn([Message("bye")]),
    )
    recorder = ListRecorder()
    _session_run(make_config(tmp_path, mock_model_server), session_kw={"recorder": recorder})
    types = [i["type"] for i in recorder.items]
    assert types[-3:] == ["function_call", "function_call_output", "message"]
    assert recorder.items[-1]["role"] == "assistant"
    event_types = [e["type"] for e in recorder.events]
    assert "task_started" in event_types and "task_complete" in event_types
    assert "agent_message_delta" not in event_types
    assert len(recorder.contexts) == 2  # one per sampling request
    assert recorder.contexts[0]["approval_policy"] == "never"
    assert recorder.flushes >= 1 and recorder.closed


def test_real_rollout_recorder(tmp_path, mock_model_server):
    from codex.rollout.recorder import RolloutRecorder, SessionMetaParams

    mock_model_server.enqueue(Turn([Message("recorded")]))
    config = make_config(tmp_path, mock_model_server)
    meta = SessionMetaParams(
        cwd=str(config.cwd),
        originator="codex_exec",
        cli_version="0.169.0",
        source="exec",
        model_provider="mock",
    )
    recorder = RolloutRecorder.create(config.codex_home, meta)
    _session_run(
        config,
        session_kw={
            "recorder": recorder,
            "originator": "codex_exec",
            "conversation_id": recorder.conversation_id,
        },
    )
    import orjson

    lines = [orjson.loads(x) for x in recorder.path.read_bytes().splitlines()]
    kinds = [(x["type"], x["payload"].get("type")) for x in lines]
    assert kinds[0][0] == "session_meta"
    assert ("response_item", "message") in kinds
    assert ("turn_context", None) in kinds
    assert ("event_msg", "task_complete") in kinds
    last_item = [x for x in lines if x["type"] == "response_item"][-1]["payload"]
    assert last_item["role"] == "assistant"


def test_reasoning_events_and_echo(tmp_path, mock_model_server):
    from tests.support.model_stream import Reasoning

    mock_model_server.enqueue(
        Turn(
            [
                Reasoning(summary=["**Plan** look first"], encrypted_content="enc-1"),
                FunctionCall("c1", "exec_command", {"cmd": "true", "login": False}),
            ]
        ),
        Turn([Message("done")]),
    )
    events = _session_run(make_config(tmp_path, mock_model_server))
    assert [m.text for m in of_type(events, "agent_reasoning")] == ["**Plan** look first"]
    assert "".join(m.delta for m in of_type(events, "agent_reasoning_delta")) == (
        "**Plan** look first"
    )
    echoed = mock_model_server.requests[1].inputs_of_type("reasoning")
    assert echoed and echoed[0]["encrypted_content"] == "enc-1"
    body = mock_model_server.requests[0].json
    assert body["reasoning"] == {"effort": "medium"}  # 0.169 for gpt-5.5: no summary by default
    assert body["include"] == ["reasoning.encrypted_content"]


def test_changed_turn_context_adds_environment_diff(tmp_path, mock_model_server):
    first_dir = tmp_path / "work"
    other = tmp_path / "other"
    other.mkdir()
    mock_model_server.enqueue(Turn([Message("a")]), Turn([Message("b")]))
    config = make_config(tmp_path, mock_model_server, cwd=first_dir)

    def turn(cwd, text):
        return ops.UserTurn(
            items=[ops.InputText(text)],
            cwd=str(cwd),
            approval_policy="never",
            sandbox_policy={"type": "workspace-write"},
            model="gpt-5.5",
        )

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await run_turn(s, "", op=turn(first_dir, "one"))
            await run_turn(s, "", op=turn(other, "two"))

    asyncio.run(main())
    from codex.core.prompt import user_shell_name

    users = mock_model_server.requests[1].message_texts("user")
    assert users[-2] == (
        f"<environment_context>\n  <cwd>{other}</cwd>\n  <shell>{user_shell_name()[1]}</shell>\n"
        "</environment_context>"
    )
    assert users[-1] == "two"
    assert sum(t.startswith("<environment_context>") for t in users) == 2


def test_exec_command_streams_output_deltas(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo streamed", "login": False})]),
        Turn([Message("ok")]),
    )
    events = _session_run(make_config(tmp_path, mock_model_server))
    deltas = of_type(events, "exec_command_output_delta")
    assert b"".join(d.chunk for d in deltas) == b"streamed\n"
    assert {d.call_id for d in deltas} == {"c1"}
