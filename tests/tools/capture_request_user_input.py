"""What 0.169 does when the model calls `request_user_input` (facts only):
`python -m tests.tools.capture_request_user_input` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/request_user_input_official.json.

Scenarios, each against the mock model server scripted to call the tool once and then answer
"done": `codex exec --json` with the default config and with
`features.default_mode_request_user_input`; `codex app-server` in Default mode, with the feature,
and in Plan mode (turn/start `collaborationMode`), the client answering, answering with an
error, answering `{}`, and closing stdin. Recorded: the tool definition sent to gpt-5.5, the
`function_call_output` text the model reads next, the server request and the notifications
around it (ids and times replaced), exec's JSONL, and the rollout lines of the call.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import scratch_env
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import (
    app_server_argv,
    capture_main,
    run_codex,
    scratch,
    scrub,
    session_records,
    tool_names,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "request_user_input_official.json"
FEATURE = "[features]\ndefault_mode_request_user_input = true\n"
QUESTIONS = {
    "questions": [
        {
            "id": "color",
            "header": "Color",
            "question": "Which color?",
            "options": [
                {"label": "Red (Recommended)", "description": "warm"},
                {"label": "Blue", "description": "cool"},
            ],
        },
        {
            "id": "size",
            "header": "Size",
            "question": "Which size?",
            "options": [
                {"label": "Small", "description": "less"},
                {"label": "Large", "description": "more"},
            ],
        },
    ]
}
NO_OPTIONS = {"questions": [{"id": "q", "header": "Q", "question": "Why?", "options": []}]}
ANSWER = {"answers": {"color": {"answers": ["Blue"]}, "size": {"answers": ["Large", "x"]}}}
_SKIP = ("mcpServer", "account/", "remoteControl", "skills/", "thread/tokenUsage", "item/agent")


def _norm(value: Any) -> Any:
    times = ("emittedAtMs", "startedAtMs", "completedAtMs", "startedAt", "completedAt")
    return scrub(value, times=times)


def _rollout(home: Path) -> list[dict[str, Any]]:
    """The rollout payloads that concern the call (its function_call, its output, any event
    mentioning request_user_input)."""
    out = []
    for record in session_records(home):
        payload = record.get("payload", {})
        kind = payload.get("type")
        if kind in ("function_call", "function_call_output") or (
            record["type"] == "event_msg"
            and "user_input" in str(kind)  # no such event was seen in 0.169
        ):
            payload = {
                k: v
                for k, v in payload.items()
                if k not in ("internal_chat_message_metadata_passthrough", "metadata", "id")
            }
            out.append({"type": record["type"], "payload": _norm(payload)})
    return out


def _tool_output(mock: MockModelServer) -> Any:
    if len(mock.requests) < 2:
        return {"model_requests": len(mock.requests)}
    return mock.requests[1].function_call_output("c1")["output"]


def _asks(args: dict[str, Any]) -> tuple[Turn, Turn]:
    """The model's script: call the tool once with `args`, then answer "done"."""
    return Turn([FunctionCall("c1", "request_user_input", args)]), Turn([Message("done")])


def exec_case(binary: Path, extra: str, args: dict[str, Any]) -> dict[str, Any]:
    with scratch(extra) as s:
        home, mock = s.home, s.mock
        mock.enqueue(*_asks(args))
        argv = [str(binary), "exec", "--json", "--skip-git-repo-check", "hi"]
        run = run_codex(argv, s.env(), s.repo)
        lines = [json.loads(x) for x in run.stdout.splitlines() if x.strip()]
        tool = next(
            t for t in mock.requests[0].json["tools"] if t.get("name") == "request_user_input"
        )
        return {
            "exit_code": run.returncode,
            "jsonl": [_norm(x) for x in lines if x.get("item", {}).get("type") != "error"],
            # 0.169 reports an under-development feature as an `error` item first
            "error_items": [
                x["item"]["message"].split(" in /")[0]
                for x in lines
                if x.get("item", {}).get("type") == "error"
            ],
            "tool_names": tool_names(mock.requests[0].json),
            "tool": tool,
            "tool_output": _tool_output(mock),
            "rollout": _rollout(home),
        }


def app_server_case(
    binary: Path, extra: str, mode: str, reply: str, args: dict[str, Any] = QUESTIONS
) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    seen: list[dict[str, Any]] = []
    with scratch(extra) as s:
        s.mock.enqueue(*_asks(args))
        with s.serve(app_server_argv(binary), capabilities={"experimentalApi": True}) as client:
            thread = client.call("thread/start", {"cwd": str(s.repo)})["thread"]
            params: dict[str, Any] = {
                "threadId": thread["id"],
                "input": [{"type": "text", "text": "hi"}],
            }
            if mode == "plan":
                params["collaborationMode"] = {"mode": "plan", "settings": {"model": "gpt-5.5"}}
            client.start("turn/start", params)
            while True:
                message = client.next()
                method = str(message.get("method", ""))
                if method and not method.startswith(_SKIP):
                    seen.append({"method": method, "params": message.get("params")})
                if method == "item/tool/requestUserInput":
                    seen[-1]["id"] = message["id"]
                    if reply == "answer":
                        client.send({"id": message["id"], "result": ANSWER})
                    elif reply == "error":
                        error = {"code": -32000, "message": "no"}
                        client.send({"id": message["id"], "error": error})
                    elif reply == "empty":
                        client.send({"id": message["id"], "result": {}})
                    else:
                        facts["exit_code_after_close"] = client.close()
                        break
                if method == "turn/completed":
                    break
        # (Read once the server is gone: its rollout is complete then.)
        facts["messages"] = _norm(
            [m for m in seen if m["method"] not in ("thread/started", "thread/settings/updated")]
        )
        facts["tool_output"] = _tool_output(s.mock)
        facts["tool_description"] = next(
            t["description"]
            for t in s.mock.requests[0].json["tools"]
            if t.get("name") == "request_user_input"
        )
        facts["rollout"] = _rollout(s.home)
        return facts


def offered_to(binary: Path, models: tuple[str, ...]) -> dict[str, list[str]]:
    """The tool names each model is sent on its first request (`exec -m MODEL`)."""
    out = {}
    for model in models:
        with scratch(reply=Turn([Message("done")])) as s:
            argv = [str(binary), "exec", "-m", model, "--skip-git-repo-check", "hi"]
            run_codex(argv, s.env(), s.root)
            out[model] = tool_names(s.mock.requests[0].json)
    return out


def official_schemas(binary: Path) -> dict[str, Any]:
    """0.169's `generate-json-schema` of the server request's params and response."""
    with tempfile.TemporaryDirectory() as tmp:
        run_codex(
            [str(binary), "app-server", "generate-json-schema", "--out", tmp],
            scratch_env(Path(tmp) / "home"),
            tmp,
            check=True,
        )
        return {
            name: json.loads((Path(tmp) / f"{name}.json").read_text())
            for name in ("ToolRequestUserInputParams", "ToolRequestUserInputResponse")
        }


def all_facts(binary: Path) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "note": (
            "0.169 offers request_user_input to gpt-5.5 on every turn; in Default mode (all "
            "codex exec runs, app-server turns without collaborationMode) a call returns "
            "'request_user_input is unavailable in Default mode' unless "
            "features.default_mode_request_user_input (under development, off) is set. When "
            "allowed, the app-server asks the client with item/tool/requestUserInput; exec's "
            'in-process client refuses it, so the model reads {"answers":{}}. No item/* '
            "notification, no exec JSONL item and no rollout event_msg for the call. The answer's "
            "JSON keeps no fixed question order (a hash map in 0.169)."
        ),
        "answer_sent": ANSWER,
        "exec_default": exec_case(binary, "", QUESTIONS),
        "exec_feature": exec_case(binary, FEATURE, QUESTIONS),
        "exec_default_no_options": exec_case(binary, "", NO_OPTIONS),
        "exec_feature_no_options": exec_case(binary, FEATURE, NO_OPTIONS),
        "exec_feature_bad_arguments": exec_case(binary, FEATURE, {"questions": "nope"}),
        "exec_default_bad_arguments": exec_case(binary, "", {"questions": "nope"}),
        "tools_by_model": offered_to(binary, ("gpt-4.1", "gpt-5", "gpt-5.1", "codex-mini-latest")),
        "schemas": official_schemas(binary),
        "app_server_default": app_server_case(binary, "", "default", "answer"),
        "app_server_feature_answer": app_server_case(binary, FEATURE, "default", "answer"),
        "app_server_plan_answer": app_server_case(binary, "", "plan", "answer"),
        "app_server_plan_error": app_server_case(binary, "", "plan", "error"),
        "app_server_plan_empty_result": app_server_case(binary, "", "plan", "empty"),
        "app_server_plan_disconnect": app_server_case(binary, "", "plan", "close"),
    }
    for case in (
        "exec_feature",
        "exec_default_no_options",
        "exec_feature_no_options",
        "exec_feature_bad_arguments",
        "exec_default_bad_arguments",
    ):
        facts[case].pop("tool")  # the same definition as exec_default's, descriptions aside
        facts[case].pop("tool_names")
    return facts


def main() -> int:
    return capture_main(FIXTURE, all_facts)


if __name__ == "__main__":
    sys.exit(main())
