"""codex.client.json_tools as pure functions: incremental string decoding at every split point,
reply → items, history rewriting and the per-turn call budget."""

from __future__ import annotations

import itertools

import orjson
from hypothesis import given
from hypothesis import strategies as st

from codex.client.events import Completed, OutputItemAdded, OutputItemDone, OutputTextDelta
from codex.client.json_tools import (
    MAX_CALLS_PER_TURN,
    JsonToolMode,
    may_call_tools,
    reply_schema,
    rewrite_history,
)
from codex.client.request import Prompt
from codex.protocol.items import FunctionCall, Message, assistant_message

TOOL = {
    "type": "function",
    "name": "exec_command",
    "description": "Run a shell command. More words.",
    "parameters": {
        "type": "object",
        "properties": {"cmd": {"type": "string"}, "tty": {"type": "boolean"}},
        "required": ["cmd"],
        "additionalProperties": False,
    },
}


def _user(text: str) -> dict[str, object]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def _run(mode: JsonToolMode, text: str, cuts: list[int]) -> list[object]:
    events: list[object] = []
    bounds = [0, *sorted(set(cuts)), len(text)]
    for a, b in itertools.pairwise(bounds):
        if b > a:
            events += mode.translate([OutputTextDelta(text[a:b])])
    events += mode.translate([OutputItemDone(assistant_message(text)), Completed("r", None)])
    return events


@given(
    message=st.text(max_size=40),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=8),
)
def test_final_message_streams_exactly_at_any_split(message: str, cuts: list[int]) -> None:
    # Models put whitespace between tokens; the prefix match must allow it.
    text = '{\n  "action" : "final",\n  "message": ' + orjson.dumps(message).decode() + "\n}"
    mode = JsonToolMode(Prompt(input=[_user("hi")], tools=[TOOL]))
    events = _run(mode, text, [c % (len(text) + 1) for c in cuts])
    streamed = "".join(e.delta for e in events if isinstance(e, OutputTextDelta))
    done = [e.item for e in events if isinstance(e, OutputItemDone)]
    assert streamed == message
    assert len(done) == 1 and isinstance(done[0], Message) and done[0].text() == message
    assert sum(isinstance(e, OutputItemAdded) for e in events) == 1
    assert isinstance(events[-1], Completed)


def test_tool_reply_becomes_one_function_call() -> None:
    text = '{"action": "tool", "name": "exec_command", "arguments": {"cmd": "ls -a"}}'
    mode = JsonToolMode(Prompt(input=[_user("list")], tools=[TOOL]))
    events = _run(mode, text, [5, 17, 40])
    assert not any(isinstance(e, OutputTextDelta) for e in events)
    calls = [e.item for e in events if isinstance(e, OutputItemDone)]
    assert len(calls) == 1 and isinstance(calls[0], FunctionCall)
    assert calls[0].name == "exec_command"
    assert orjson.loads(calls[0].arguments) == {"cmd": "ls -a"}
    assert calls[0].call_id.startswith("call_")


def test_schema_keeps_required_arguments_only() -> None:
    schema = reply_schema([TOOL])
    tool = schema["anyOf"][1]["properties"]
    assert tool["name"] == {"const": "exec_command"}
    assert set(tool["arguments"]["properties"]) == {"cmd"}


def test_history_is_rewritten_as_plain_messages() -> None:
    env = _user("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>")
    call = {"type": "function_call", "name": "exec_command", "arguments": '{"cmd":"ls"}',
            "call_id": "c1"}  # fmt: skip
    out = {"type": "function_call_output", "call_id": "c1", "output": "a.txt"}
    items = rewrite_history([env, _user("list"), call, out])
    assert [m["role"] for m in items] == ["user", "assistant", "user"]
    assert orjson.loads(items[1]["content"][0]["text"])["arguments"] == {"cmd": "ls"}
    assert "`ls`" in items[2]["content"][0]["text"] and "a.txt" in items[2]["content"][0]["text"]
    mode = JsonToolMode(Prompt(input=[env, _user("list")], tools=[TOOL], instructions="Be nice."))
    assert mode.prompt.instructions.startswith("Be nice. The working directory is /w.")
    assert mode.prompt.tools == ()


def test_repeated_or_too_many_calls_leave_only_the_final_answer() -> None:
    def call(cmd: str, n: int) -> dict[str, object]:
        args = orjson.dumps({"cmd": cmd}).decode()
        return {"type": "function_call", "name": "exec_command", "arguments": args,
                "call_id": f"c{n}"}  # fmt: skip

    assert may_call_tools([_user("x"), call("ls", 1)])
    assert not may_call_tools([_user("x"), call("ls", 1), call("ls", 2)])
    many = [_user("x"), *(call(f"echo {i}", i) for i in range(MAX_CALLS_PER_TURN))]
    assert not may_call_tools(many)
    assert may_call_tools([*many, _user("again")])
    mode = JsonToolMode(Prompt(input=many, tools=[TOOL]))
    assert len(mode.schema["anyOf"]) == 1


def test_output_schema_becomes_the_final_message_shape() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    mode = JsonToolMode(Prompt(input=[_user("count")], tools=[TOOL], output_schema=schema))
    assert mode.prompt.output_schema is None
    assert mode.schema["anyOf"][0]["properties"]["message"] == schema
    events = _run(mode, '{"action": "final", "message": {"n": 3}}', [9, 30])
    done = [e.item for e in events if isinstance(e, OutputItemDone)]
    assert orjson.loads(done[0].text()) == {"n": 3}


def test_history_leaves_out_the_permissions_part() -> None:
    """The sandbox/escalation guide is not for a model that cannot escalate: the developer
    message keeps its other parts, and one holding only that part is gone."""
    guide = {
        "type": "input_text",
        "text": "<permissions instructions>\nno\n</permissions instructions>",
    }
    own = {"type": "input_text", "text": "be brief"}
    both = {"type": "message", "role": "developer", "content": [own, guide]}
    alone = {"type": "message", "role": "developer", "content": [guide]}
    ask = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
    out = rewrite_history([both, alone, ask])
    assert [m["role"] for m in out] == ["system", "user"]
    assert out[0]["content"] == [own]
