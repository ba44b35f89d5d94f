"""Which lifecycle hooks 0.169's `codex exec` runs, in which order, with which stdin document,
and what their output does (facts for test_lifecycle_hooks.py):
`python -m tests.extensions.capture_lifecycle_hooks` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/lifecycle_hooks_official.json.

Each case writes a `$CODEX_HOME/hooks.json` (or `[hooks]` tables in config.toml) whose hooks are
one small Python script: it appends `{"event", "doc"}` (its stdin document) to a log and prints
what the case tells it to print for that event (stdout, optionally exit 2 with stderr). The run is
`codex exec --dangerously-bypass-hook-trust` in a scratch CODEX_HOME on the mock model (never
~/.codex). Recorded: the hook log, exec's exit code, and what reached the model (each request's
user/developer message texts). Paths are written `{tmp}`, ids `<uuid>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import FunctionCall, Message, Turn, Usage
from tests.support.official_drive import (
    app_server_argv,
    capture_main,
    run_codex,
    scratch,
    scrub,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "lifecycle_hooks_official.json"

EVENTS = [
    *("SessionStart", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse"),
    *("PreCompact", "PostCompact", "Stop", "SessionEnd"),
]

# The hook: log the document, then answer as `answers.json` says for (event, how many times this
# event has fired before): {"stdout": str, "stderr": str, "exit": int}.
HOOK = r"""
import json, os, sys
event, log, answers = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(sys.stdin)
seen = 0
if os.path.exists(log):
    with open(log) as f:
        seen = sum(1 for line in f if json.loads(line)["event"] == event)
with open(log, "a") as f:
    f.write(json.dumps({"event": event, "doc": doc}) + "\n")
answer = {}
if os.path.exists(answers):
    table = json.load(open(answers)).get(event, [])
    answer = table[seen] if seen < len(table) else (table[-1] if table else {})
sys.stdout.write(answer.get("stdout", ""))
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer.get("exit", 0))
"""


def hooks_for(root: Path, events: list[str]) -> dict[str, Any]:
    script = root / "hook.py"
    script.write_text(HOOK)
    log, answers = root / "log.jsonl", root / "answers.json"
    return {
        event: [
            {
                "hooks": [
                    {
                        "type": "command",
                        "command": f"{sys.executable} {script} {event} {log} {answers}",
                    }
                ]
            }
        ]
        for event in events
    }


def toml_hooks(hooks: dict[str, Any]) -> str:
    """The same hooks as config.toml `[hooks]` tables (0.169's event-named keys)."""
    lines = []
    for event, groups in hooks.items():
        for group in groups:
            lines.append(f"[[hooks.{event}]]")
            for hook in group["hooks"]:
                lines.append(f"[[hooks.{event}.hooks]]")
                for key, value in hook.items():
                    lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


CASES: list[dict[str, Any]] = [
    {"name": "plain_turn", "events": EVENTS, "replies": [Turn([Message("done")])]},
    {
        "name": "tool_turn",
        "events": EVENTS,
        "replies": [
            Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]),
            Turn([Message("done")]),
        ],
    },
    {
        "name": "context_json",
        "events": ["SessionStart", "UserPromptSubmit"],
        "answers": {
            ev: [
                {
                    "stdout": json.dumps(
                        {
                            "hookSpecificOutput": {
                                "hookEventName": ev,
                                "additionalContext": f"ctx from {ev}",
                            }
                        }
                    )
                }
            ]
            for ev in ("SessionStart", "UserPromptSubmit")
        },
        "replies": [Turn([Message("done")])],
    },
    {
        "name": "context_plain_stdout",
        "events": ["SessionStart", "UserPromptSubmit"],
        "answers": {
            ev: [{"stdout": f"plain from {ev}\n"}] for ev in ("SessionStart", "UserPromptSubmit")
        },
        "replies": [Turn([Message("done")])],
    },
    {
        "name": "prompt_blocked_json",
        "events": ["UserPromptSubmit", "Stop"],
        "answers": {
            "UserPromptSubmit": [
                {"stdout": json.dumps({"decision": "block", "reason": "no secrets"})}
            ]
        },
        "replies": [Turn([Message("done")])],
    },
    {
        "name": "prompt_blocked_exit2",
        "events": ["UserPromptSubmit", "Stop"],
        "answers": {"UserPromptSubmit": [{"exit": 2, "stderr": "exit two reason"}]},
        "replies": [Turn([Message("done")])],
    },
    {
        "name": "stop_blocked_once",
        "events": ["Stop"],
        "answers": {
            "Stop": [
                {"stdout": json.dumps({"decision": "block", "reason": "keep going please"})},
                {"stdout": ""},
            ]
        },
        "replies": [Turn([Message("first")]), Turn([Message("second")])],
    },
    {
        "name": "stop_blocked_exit2",
        "events": ["Stop"],
        "answers": {"Stop": [{"exit": 2, "stderr": "exit two continue"}, {}]},
        "replies": [Turn([Message("first")]), Turn([Message("second")])],
    },
    {  # an automatic compaction mid-turn: the tool call's request crosses the token limit
        "name": "compact_mid_turn",
        "events": EVENTS,
        "prefix": "model_auto_compact_token_limit = 100\n",
        "replies": [
            Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi"})], Usage(120, 0, 6)),
            Turn([Message("the summary")], Usage(50, 0, 5)),
            Turn([Message("done")], Usage(40, 0, 4)),
        ],
    },
    {  # a second process resuming the thread (`exec resume --last`)
        "name": "resume",
        "events": ["SessionStart", "UserPromptSubmit", "Stop", "SessionEnd"],
        "resume": True,
        "replies": [Turn([Message("first")]), Turn([Message("second")])],
    },
    {
        "name": "config_toml_source",
        "events": EVENTS,
        "toml": True,
        "replies": [Turn([Message("ok")])],
    },
]


def texts(request: Any) -> list[Any]:
    """The request's input items after the instructions: messages as [role, text] (the long
    fixed ones, permissions / skills / environment, cut to their first line), others by type."""
    out: list[Any] = []
    for item in request.input():
        if item.get("type") == "function_call_output":
            output = item.get("output")
            out.append(["function_call_output", output if isinstance(output, str) else "..."])
            continue
        if item.get("type") != "message":
            out.append(item.get("type"))
            continue
        for part in item.get("content") or []:
            text = part.get("text", "")
            if len(text) > 200:
                text = text.splitlines()[0][:80] + " ..."
            out.append([item.get("role"), text])
    return out


def run_case(binary: Path, case: dict[str, Any]) -> dict[str, Any]:
    with scratch() as s:
        hooks = hooks_for(s.root, case["events"])
        if case.get("prefix"):  # top-level keys go before the config's tables
            config = s.home / "config.toml"
            config.write_text(case["prefix"] + config.read_text())
        if case.get("toml"):
            with open(s.home / "config.toml", "a") as f:
                f.write("\n" + toml_hooks(hooks))
        else:
            (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
        (s.root / "answers.json").write_text(json.dumps(case.get("answers", {})))
        for reply in case["replies"]:
            s.mock.enqueue(reply)
        argv = [str(binary), "exec", "--dangerously-bypass-hook-trust", "--skip-git-repo-check"]
        done = run_codex([*argv, "hello hooks"], s.env({"MOCK_KEY": "k"}), s.repo, timeout=120)
        if case.get("resume"):
            again = [*argv, "resume", "--last", "again"]
            done = run_codex(again, s.env({"MOCK_KEY": "k"}), s.repo, timeout=120)
        log_path = s.root / "log.jsonl"
        log = (
            [json.loads(line) for line in log_path.read_text().splitlines()]
            if log_path.exists()
            else []
        )
        facts = {
            "name": case["name"],
            "events": case["events"],
            "answers": case.get("answers", {}),
            "exit": done.returncode,
            "stderr_tail": done.stderr.strip().splitlines()[-3:],
            "stdout": done.stdout.strip(),
            "fired": [entry["event"] for entry in log],
            "documents": [entry["doc"] for entry in log],
            "requests": [texts(r) for r in s.mock.requests],
        }
        return scrub(facts, names={str(s.root): "{tmp}", sys.executable: "{python}"}, stamps=True)


LISTED_TOML = """
[[hooks.Stop]]
[[hooks.Stop.hooks]]
type = "command"
command = "echo stop"

[[hooks.SessionStart]]
matcher = "startup"
[[hooks.SessionStart.hooks]]
type = "command"
command = "echo ss"
timeout = 5
"""
LISTED_JSON = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo j"}]}]}}
LISTED_KEYS = ("key", "eventName", "command", "matcher", "timeoutSec", "sourcePath", "source")


def listing(binary: Path) -> dict[str, Any]:
    """app-server `hooks/list` with hooks in both hooks.json and config.toml `[hooks]`: the
    keys, sources and display order 0.169 gives config.toml hooks, and its warning."""
    with scratch(LISTED_TOML) as s:
        (s.home / "hooks.json").write_text(json.dumps(LISTED_JSON))
        with s.serve(app_server_argv(binary)) as client:
            entry = client.call("hooks/list", {"cwds": [str(s.repo)]})["data"][0]
        hooks = [
            {k: h[k] for k in (*LISTED_KEYS, "displayOrder", "currentHash", "trustStatus")}
            for h in entry["hooks"]
        ]
        facts = {"toml": LISTED_TOML, "hooks_json": LISTED_JSON, "hooks": hooks}
        facts["warnings"] = entry["warnings"]
        return scrub(facts, names={str(s.root): "{tmp}"})


ALLOW = {"hookEventName": "PermissionRequest", "decision": {"behavior": "allow"}}
DENY = {
    "hookEventName": "PermissionRequest",
    "decision": {"behavior": "deny", "message": "not this one"},
}
PERMISSION_ANSWERS = {
    "allow": {"stdout": json.dumps({"hookSpecificOutput": ALLOW})},
    "deny": {"stdout": json.dumps({"hookSpecificOutput": DENY})},
    "exit2": {"exit": 2, "stderr": "denied by exit two"},
    "undecided": {},
}
ESCALATED = {"cmd": "touch made-by-hook", "sandbox_permissions": "require_escalated"}


def permission_case(binary: Path, how: str) -> dict[str, Any]:
    """PermissionRequest through the app-server (`codex exec` never asks: its approval policy
    is always never): an on-request thread, a command asking for escalation, the hook's
    answer `how`. Recorded: the hook documents, the approval requests the client got (each
    declined), whether the command ran, and the call's output the model got. The hook is
    trusted through our [hooks.state] records (the same keys and hashes as 0.169's,
    test_hook_trust.py)."""
    from tests.support.hook_trust import trust_home

    with scratch() as s:
        events = ["PreToolUse", "PermissionRequest", "PostToolUse"]
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks_for(s.root, events)}))
        answers = {"PermissionRequest": [PERMISSION_ANSWERS[how]]}
        (s.root / "answers.json").write_text(json.dumps(answers))
        trust_home(s.home)
        s.mock.enqueue(
            Turn([FunctionCall("c1", "exec_command", {**ESCALATED, "justification": "test"})]),
            Turn([Message("done")]),
        )
        asked: list[str] = []
        with s.serve(app_server_argv(binary)) as client:
            params = {"cwd": str(s.repo), "approvalPolicy": "on-request", "sandbox": "read-only"}
            thread_id = client.call("thread/start", params)["thread"]["id"]
            turn = {"threadId": thread_id, "input": [{"type": "text", "text": "hello hooks"}]}
            client.start("turn/start", turn)
            while True:
                message = client.next()
                if "method" in message and "id" in message:  # a request to the client
                    asked.append(message["method"])
                    client.send({"id": message["id"], "result": {"decision": "decline"}})
                elif message.get("method") == "turn/completed":
                    break
        log_path = s.root / "log.jsonl"
        lines = log_path.read_text().splitlines() if log_path.exists() else []
        log = [json.loads(line) for line in lines]
        output = s.mock.requests[-1].function_call_output("c1") if s.mock.requests else None
        facts = {
            "name": f"permission_{how}",
            "answer": PERMISSION_ANSWERS[how],
            "fired": [entry["event"] for entry in log],
            "documents": [entry["doc"] for entry in log],
            "client_asked": asked,
            "made": (s.repo / "made-by-hook").exists(),
            "output": (output or {}).get("output"),
        }
        return scrub(facts, names={str(s.root): "{tmp}"}, stamps=True)


def interrupt_case(binary: Path) -> dict[str, Any]:
    """An interrupted turn through the app-server (turn/interrupt while the model's answer is
    held): which hooks fire, with which documents. Hooks trusted as in `permission_case`."""
    from tests.support.hook_trust import trust_home
    from tests.support.mock_model_server import Hold

    with scratch() as s:
        events = ["SessionStart", "UserPromptSubmit", "Stop", "Interrupt", "SessionEnd"]
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks_for(s.root, events)}))
        trust_home(s.home)
        s.mock.enqueue(Hold(Turn([Message("never seen")])))
        with s.serve(app_server_argv(binary)) as client:
            thread_id = client.call("thread/start", {"cwd": str(s.repo)})["thread"]["id"]
            turn = {"threadId": thread_id, "input": [{"type": "text", "text": "hello hooks"}]}
            turn_id = client.call("turn/start", turn)["turn"]["id"]
            s.mock.wait_held()
            client.call("turn/interrupt", {"threadId": thread_id, "turnId": turn_id})
            done = client.until(lambda m: m.get("method") == "turn/completed")
            s.mock.release()
        log_path = s.root / "log.jsonl"
        lines = log_path.read_text().splitlines() if log_path.exists() else []
        log = [json.loads(line) for line in lines]
        facts = {
            "fired": [entry["event"] for entry in log],
            "documents": [entry["doc"] for entry in log],
            "status": done[-1]["params"]["turn"]["status"],
        }
        return scrub(facts, names={str(s.root): "{tmp}"}, stamps=True)


def produce(binary: Path) -> dict[str, Any]:
    return {
        "captured_with": "codex-cli 0.169.0 exec --dangerously-bypass-hook-trust",
        "cases": [run_case(binary, case) for case in CASES],
        "listing_both_sources": listing(binary),
        "permission_request": [permission_case(binary, how) for how in PERMISSION_ANSWERS],
        "interrupt": interrupt_case(binary),
    }


if __name__ == "__main__":
    raise SystemExit(capture_main(FIXTURE, produce))
