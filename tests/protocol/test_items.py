"""ResponseItem wire shapes (spec-core §1.4) built by our constructors."""

from __future__ import annotations

import orjson
import pytest

from codex.protocol.items import (
    CustomToolCall,
    CustomToolCallOutput,
    FunctionCall,
    FunctionCallOutput,
    InputImage,
    InputText,
    LocalShellAction,
    LocalShellCall,
    Message,
    RawItem,
    Reasoning,
    ReasoningText,
    SummaryText,
    WebSearchCall,
    assistant_message,
    developer_message,
    function_call_output,
    parse_item,
    user_message,
)

CASES = [
    (
        user_message("hi", ["data:image/png;base64,AAAA"]),
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "hi"},
                {"type": "input_image", "image_url": "data:image/png;base64,AAAA"},
            ],
        },
    ),
    (
        assistant_message("done", id="msg_1"),
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "done"}],
        },
    ),
    (
        developer_message("a", "b"),
        {
            "type": "message",
            "role": "developer",
            "content": [{"type": "input_text", "text": "a"}, {"type": "input_text", "text": "b"}],
        },
    ),
    (
        Reasoning([SummaryText("s")], encrypted_content="enc", id="rs_1"),
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "s"}],
            "content": None,
            "encrypted_content": "enc",
        },
    ),
    (
        Reasoning([], content=[ReasoningText("raw thought")]),
        {"type": "reasoning", "summary": [], "encrypted_content": None},
    ),
    (
        FunctionCall("exec_command", '{"cmd":"ls"}', "call_1"),
        {
            "type": "function_call",
            "name": "exec_command",
            "arguments": '{"cmd":"ls"}',
            "call_id": "call_1",
        },
    ),
    (
        function_call_output("call_1", "ok", success=False),
        {"type": "function_call_output", "call_id": "call_1", "output": "ok"},
    ),
    (
        FunctionCallOutput("call_2", [InputText("t"), InputImage("data:x")]),
        {
            "type": "function_call_output",
            "call_id": "call_2",
            "output": [
                {"type": "input_text", "text": "t"},
                {"type": "input_image", "image_url": "data:x"},
            ],
        },
    ),
    (
        CustomToolCall("call_3", "apply_patch", "*** Begin Patch\n*** End Patch"),
        {
            "type": "custom_tool_call",
            "call_id": "call_3",
            "name": "apply_patch",
            "input": "*** Begin Patch\n*** End Patch",
        },
    ),
    (
        CustomToolCallOutput("call_3", "Exit code: 0"),
        {"type": "custom_tool_call_output", "call_id": "call_3", "output": "Exit code: 0"},
    ),
    (
        LocalShellCall("call_4", "completed", LocalShellAction(["ls"])),
        {
            "type": "local_shell_call",
            "call_id": "call_4",
            "status": "completed",
            "action": {
                "type": "exec",
                "command": ["ls"],
                "timeout_ms": None,
                "working_directory": None,
                "env": None,
                "user": None,
            },
        },
    ),
    (
        WebSearchCall("completed", {"type": "search", "query": "q"}, id="ws_1"),
        {
            "type": "web_search_call",
            "id": "ws_1",
            "status": "completed",
            "action": {"type": "search", "query": "q"},
        },
    ),
]


@pytest.mark.parametrize(("item", "expected"), CASES)
def test_item_wire_shape_and_round_trip(item, expected) -> None:
    assert orjson.dumps(item.to_dict()) == orjson.dumps(expected)
    again = parse_item(orjson.loads(orjson.dumps(expected)))
    assert type(again) is type(item)
    assert again.to_dict() == expected


def test_success_flag_never_on_the_wire() -> None:
    out = function_call_output("c", "x", success=True)
    assert "success" not in out.to_dict()
    assert out.success is True


def test_unknown_item_types_and_fields_are_kept() -> None:
    ghost = {"type": "ghost_snapshot", "ghost_commit": {"id": "abc"}}
    item = parse_item(ghost)
    assert isinstance(item, RawItem) and item.to_dict() == ghost
    msg = {
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "x"}],
        "phase": "p",
    }
    parsed = parse_item(msg)
    assert isinstance(parsed, Message) and parsed.extra == {"phase": "p"}
    assert list(parsed.to_dict()) == ["type", "role", "content", "phase"]


def test_message_text_joins_text_parts() -> None:
    assert Message("assistant", [InputText("a"), InputImage("u"), InputText("b")]).text() == "ab"
