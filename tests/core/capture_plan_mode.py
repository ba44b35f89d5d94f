"""What 0.169 does with collaboration modes (facts only):
`python -m tests.core.capture_plan_mode` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/plan_mode_official.json.

Against the mock model server, `codex app-server` with the experimental API: four turns on one
thread, in modes default, plan, plan, default (turn/start `collaborationMode`), recording what
each request adds to the model input (developer messages), the tool names, the rollout's
turn_context `collaboration_mode` and task_started `collaboration_mode_kind`; then
`collaborationMode/list`, thread/resume's answer, and turn/start `collaborationMode` from a
client without the experimental API. Texts are recorded as their length and first words only,
since the mode instructions are upstream prose we must not copy.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import (
    UUID,
    app_server_argv,
    capture_main,
    scratch,
    session_records,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "plan_mode_official.json"
_TAG = re.compile(r"^\s*(<[a-z_]+>)")


def _brief(text: str) -> dict[str, Any]:
    """A text as a fact without its prose: its opening tag, length and a few marker words."""
    tag = _TAG.match(text)
    return {
        "opening_tag": tag.group(1) if tag else None,
        "closing_tag": text.rstrip()[-30:].split("\n")[-1] if text.rstrip().endswith(">") else None,
        "chars": len(text),
        "mentions_request_user_input": "request_user_input" in text,
        "mentions_proposed_plan": "<proposed_plan>" in text,
    }


def _developer_parts(request: Any) -> list[dict[str, Any]]:
    out = []
    for item in request.input():
        if item.get("type") == "message" and item.get("role") == "developer":
            out.append([_brief(c.get("text", "")) for c in item.get("content", [])])
    return out


def _rollout(home: Path) -> list[dict[str, Any]]:
    out = []
    for record in session_records(home):
        payload = record.get("payload", {})
        if record["type"] == "turn_context":
            out.append({"turn_context.collaboration_mode": payload.get("collaboration_mode")})
        elif payload.get("type") == "task_started":
            out.append(
                {"task_started.collaboration_mode_kind": payload.get("collaboration_mode_kind")}
            )
        elif record["type"] == "world_state":
            out.append(
                {
                    "world_state.collaboration_mode": payload.get("state", {}).get(
                        "collaboration_mode"
                    )
                }
            )
    return out


def _norm(value: Any) -> Any:
    """Uuids replaced; upstream's mode instructions (prose we must not copy) as a brief."""
    if isinstance(value, dict):
        return {
            k: _brief(v) if k == "developer_instructions" and isinstance(v, str) else _norm(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str):
        return UUID.sub("<uuid>", value)
    return value


def _sequence(request: Any) -> list[str]:
    """The input items in order, as role/type plus the opening tag of a message's first text."""
    out = []
    for item in request.input():
        if item.get("type") == "message":
            first = (item.get("content") or [{}])[0].get("text", "")
            tag = _TAG.match(first)
            out.append(f"{item['role']}:{tag.group(1) if tag else first[:12]!r}")
        else:
            out.append(str(item.get("type")))
    return out


def _turn(client: RpcClient, thread_id: str, text: str, mode: dict[str, Any] | None) -> Any:
    params: dict[str, Any] = {"threadId": thread_id, "input": [{"type": "text", "text": text}]}
    if mode is not None:
        params["collaborationMode"] = mode
    rid = client.start("turn/start", params)
    result = None
    while True:
        message = client.next()
        if message.get("id") == rid:
            result = message.get("error") or "ok"
            if "error" in message:
                return result
        if message.get("method") == "turn/completed":
            return result


def app_server_modes(binary: Path) -> dict[str, Any]:
    plan = {"mode": "plan", "settings": {"model": "gpt-5.5"}}
    default = {"mode": "default", "settings": {"model": "gpt-5.5"}}
    with (
        scratch(reply=Turn([Message("done")])) as s,
        s.serve(app_server_argv(binary), capabilities={"experimentalApi": True}) as client,
    ):
        home, repo, mock = s.home, s.repo, s.mock
        facts: dict[str, Any] = {
            "collaborationMode/list": client.call("collaborationMode/list", {})
        }
        thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
        turns = []
        for text, mode in (
            ("one", None),
            ("two", plan),
            ("three", plan),
            ("four", default),
            ("five", plan),
        ):
            before = len(mock.requests)
            answer = _turn(client, thread["id"], text, mode)
            request = mock.requests[before]
            turns.append(
                {
                    "sent_mode": mode,
                    "turn_start": answer,
                    "developer_messages_in_input": _developer_parts(request),
                    "tool_names": [t.get("name") or t.get("type") for t in request.json["tools"]],
                    "input_sequence": _sequence(request),
                }
            )
        facts["turns"] = turns
        resumed = client.call("thread/resume", {"threadId": thread["id"]})
        facts["thread_resume_keys"] = sorted(resumed)
        facts["thread_resume_collaboration"] = {
            k: v for k, v in resumed.items() if "ollab" in k or "mode" in k.lower()
        }
        facts["rollout"] = _rollout(home)
        return _norm(facts)


def without_experimental(binary: Path) -> Any:
    with scratch(reply=Turn([Message("done")])) as s, s.serve(app_server_argv(binary)) as client:
        repo, mock = s.repo, s.mock
        thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
        answer = _turn(
            client, thread["id"], "x", {"mode": "plan", "settings": {"model": "gpt-5.5"}}
        )
        listed = client.start("collaborationMode/list", {})
        while True:
            message = client.next()
            if message.get("id") == listed:
                break
        return _norm(
            {
                "turn_start": answer,
                "collaborationMode/list": message.get("error") or "ok",
                "requests": len(mock.requests),
            }
        )


def modes_facts(binary: Path) -> dict[str, Any]:
    return {
        "app_server_experimental": app_server_modes(binary),
        "app_server_without_experimental": without_experimental(binary),
    }


def main() -> int:
    # The file's other keys ("tui": tests/tui/capture_plan_mode.py) are kept as they are.
    return capture_main(
        FIXTURE, lambda binary: {**json.loads(FIXTURE.read_text()), **modes_facts(binary)}
    )


if __name__ == "__main__":
    sys.exit(main())
