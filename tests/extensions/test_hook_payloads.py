"""The hook documents' `payload` for each kind of call (the seed's §3.1 shapes)."""

from __future__ import annotations

from codex.protocol.items import parse_item
from codex.tools.hooks import after_document, before_document
from codex.tools.runtime.router import tool_call_from_item


def call_of(item: dict):
    call = tool_call_from_item(parse_item(item))
    assert call is not None
    return call


def test_local_shell_payload():
    call = call_of(
        {
            "type": "local_shell_call",
            "call_id": "ls1",
            "status": "completed",
            "action": {
                "type": "exec",
                "command": ["ls", "-la"],
                "working_directory": "/tmp",
                "timeout_ms": 500,
            },
        }
    )
    assert before_document(call) == {
        "phase": "before_execution",
        "call": {
            "tool_name": "local_shell",
            "call_id": "ls1",
            "payload": {
                "type": "local_shell",
                "command": ["ls", "-la"],
                "workdir": "/tmp",
                "timeout_ms": 500,
            },
        },
    }


def test_function_and_custom_payloads_and_outcomes():
    fn = call_of(
        {"type": "function_call", "call_id": "f1", "name": "shell", "arguments": '{"a": [1]}'}
    )
    assert before_document(fn)["call"]["payload"] == {
        "type": "function",
        "arguments": '{"a": [1]}',
        "parsed_arguments": {"a": [1]},
    }
    custom = call_of(
        {"type": "custom_tool_call", "call_id": "p1", "name": "apply_patch", "input": "*** Begin"}
    )
    assert before_document(custom)["call"]["payload"] == {"type": "custom", "input": "*** Begin"}
    item = {"type": "custom_tool_call_output", "call_id": "p1", "output": "ok"}
    assert after_document(custom, response=item)["outcome"] == {"success": {"response": item}}
    assert after_document(custom, error="boom")["outcome"] == {"error": {"message": "boom"}}
