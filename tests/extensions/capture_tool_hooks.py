"""What 0.169 sends PreToolUse / PostToolUse hooks, and which matchers fire, for its shell tool
(`exec_command`), `apply_patch` (rejected by the sandbox, and applied) and a failing command
(MCP tools are not captured: the mock cannot send 0.169's namespaced MCP calls); plus how
`codex exec` reports hook runs (human stderr, `--json` stdout) and a hook's `systemMessage`.
Facts for test_tool_hook_shape.py:
`python -m tests.extensions.capture_tool_hooks` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/tool_hooks_official.json.

Each matcher gets its own group whose hook logs `{"tag": <matcher>, "event", "doc"}`, so the log
says which matchers fired for which call. The run is `codex exec --dangerously-bypass-hook-trust`
in a scratch CODEX_HOME on the mock model (never ~/.codex). Paths are written `{tmp}`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call
from tests.support.official_drive import capture_main, run_codex, scratch, scrub

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "tool_hooks_official.json"

# Logs its stdin document under its tag, then prints `answers.json`[event] (if any) on stdout.
HOOK = r"""
import json, os, sys
tag, event, log, answers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
doc = json.load(sys.stdin)
with open(log, "a") as f:
    f.write(json.dumps({"tag": tag, "event": event, "doc": doc}) + "\n")
if os.path.exists(answers):
    sys.stdout.write(json.load(open(answers)).get(event, {}).get(tag, ""))
"""

# "Bas" / "patch": whether a matcher is searched for in the name or must match all of it.
MATCHERS = [
    *("Bash", "exec_command", "shell", "^Bash$", "Bash|Edit", "apply_patch", "Edit", "Write"),
    *("*", "", "Bas", "patch"),
]


def hooks_for(root: Path, events: list[str]) -> dict[str, Any]:
    script = root / "hook.py"
    script.write_text(HOOK)
    log, answers = root / "log.jsonl", root / "answers.json"
    out: dict[str, Any] = {}
    for event in events:
        groups = []
        for matcher in MATCHERS:
            command = f"{sys.executable} {script} '{matcher}' {event} {log} {answers}"
            group: dict[str, Any] = {"hooks": [{"type": "command", "command": command}]}
            if matcher:
                group["matcher"] = matcher
            groups.append(group)
        out[event] = groups
    return out


PATCH = "*** Begin Patch\n*** Add File: made.txt\n+hello\n*** End Patch\n"

CASES: list[dict[str, Any]] = [
    {  # workdir and the other arguments: only the command reaches the hook; cwd is the workdir
        "name": "exec_command",
        "replies": [
            Turn(
                [
                    FunctionCall(
                        "c1",
                        "exec_command",
                        {"cmd": "echo hi", "workdir": "sub", "yield_time_ms": 5000},
                    )
                ]
            ),
            Turn([Message("done")]),
        ],
        "mkdir": "sub",
    },
    {
        "name": "exec_command_fails",
        "replies": [
            Turn([FunctionCall("c1", "exec_command", {"cmd": "echo oops >&2; exit 3"})]),
            Turn([Message("done")]),
        ],
    },
    {  # read-only sandbox: the patch is rejected before it runs (no PostToolUse)
        "name": "apply_patch_rejected",
        "replies": [Turn([apply_patch_call("p1", PATCH)]), Turn([Message("done")])],
    },
    {
        "name": "apply_patch",
        "argv": ["--sandbox", "danger-full-access"],
        "replies": [Turn([apply_patch_call("p1", PATCH)]), Turn([Message("done")])],
    },
    {  # a PreToolUse hook denies with a systemMessage; Stop says a systemMessage too
        "name": "deny_and_system_message",
        "answers": {
            "PreToolUse": {
                "Bash": json.dumps(
                    {
                        "systemMessage": "pre says hi",
                        "hookSpecificOutput": {
                            "hookEventName": "PreToolUse",
                            "permissionDecision": "deny",
                            "permissionDecisionReason": "no echo",
                        },
                    }
                )
            },
            "PostToolUse": {},
            "Stop": {"*": json.dumps({"systemMessage": "stop says hi"})},
        },
        "replies": [
            Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]),
            Turn([Message("done")]),
        ],
        "stop": True,
    },
]


def run_case(binary: Path, case: dict[str, Any], json_mode: bool) -> dict[str, Any]:
    with scratch() as s:
        events = ["PreToolUse", "PostToolUse"] + (["Stop"] if case.get("stop") else [])
        hooks = hooks_for(s.root, events)
        if case.get("stop"):
            hooks["Stop"] = [g for g in hooks["Stop"] if g.get("matcher") == "*"]
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
        (s.root / "answers.json").write_text(json.dumps(case.get("answers", {})))
        if case.get("mkdir"):
            (s.repo / case["mkdir"]).mkdir()
        for reply in case["replies"]:
            s.mock.enqueue(reply)
        argv = [str(binary), "exec", "--dangerously-bypass-hook-trust", "--skip-git-repo-check"]
        argv += case.get("argv", [])
        if json_mode:
            argv.append("--json")
        done = run_codex([*argv, "hello hooks"], s.env({"MOCK_KEY": "k"}), s.repo, timeout=120)
        log_path = s.root / "log.jsonl"
        lines = log_path.read_text().splitlines() if log_path.exists() else []
        log = [json.loads(line) for line in lines]
        outputs = []
        for request in s.mock.requests:
            for item in request.input():
                if item.get("type") in ("function_call_output", "custom_tool_call_output"):
                    outputs.append(item.get("output"))
        fired: dict[str, list[str]] = {}
        documents: dict[str, Any] = {}
        for entry in log:
            fired.setdefault(entry["event"], []).append(entry["tag"])
            documents.setdefault(entry["event"], entry["doc"])
        facts: dict[str, Any] = {
            "name": case["name"] + (" --json" if json_mode else ""),
            "exit": done.returncode,
            "fired": fired,
            "documents": documents,
            "outputs": outputs,
        }
        if json_mode:
            facts["stdout_events"] = [json.loads(x) for x in done.stdout.splitlines() if x]
        else:
            facts["stderr"] = [
                x
                for x in done.stderr.splitlines()
                if "hook" in x.lower() or "warning" in x.lower() or "says hi" in x
            ]
            facts["stdout"] = done.stdout
        return scrub(facts, names={str(s.root): "{tmp}", sys.executable: "{python}"}, stamps=True)


def produce(binary: Path) -> dict[str, Any]:
    cases = [run_case(binary, case, False) for case in CASES]
    cases.append(run_case(binary, CASES[0], True))
    cases.append(run_case(binary, CASES[-1], True))
    return {
        "captured_with": "codex-cli 0.169.0 exec --dangerously-bypass-hook-trust",
        "matchers": MATCHERS,
        "cases": cases,
        "app_server": app_server_case(binary),
        "lifecycle_exec_lines": lifecycle_lines(binary),
    }


def app_server_case(binary: Path) -> dict[str, Any]:
    """The app-server's hook notifications for one turn: a shell call whose `Bash` PreToolUse
    hook passes, another whose hook denies it with a `systemMessage`, a PostToolUse hook and a
    Stop hook with a `systemMessage`. Recorded: every notification after turn/start (deltas
    left out), in order. Hooks trusted through our [hooks.state] records (test_hook_trust.py)."""
    from tests.support.hook_trust import trust_home
    from tests.support.official_drive import app_server_argv

    with scratch() as s:
        script = s.root / "hook.py"
        script.write_text(HOOK)
        log, answers = s.root / "log.jsonl", s.root / "answers.json"

        def group(tag: str, event: str, matcher: str | None = None) -> dict[str, Any]:
            command = f"{sys.executable} {script} '{tag}' {event} {log} {answers}"
            out: dict[str, Any] = {"hooks": [{"type": "command", "command": command}]}
            if matcher is not None:
                out["matcher"] = matcher
            return out

        hooks = {
            "PreToolUse": [group("Bash", "PreToolUse", "Bash")],
            "PostToolUse": [group("Bash", "PostToolUse", "Bash")],
            "Stop": [group("*", "Stop")],
        }
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
        deny = {
            "systemMessage": "pre says hi",
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": "no rm",
            },
        }
        (s.root / "answers.json").write_text(
            json.dumps(
                {
                    "PreToolUse": {"Bash": ""},
                    "Stop": {"*": json.dumps({"systemMessage": "stop says hi"})},
                }
            )
        )
        trust_home(s.home)
        s.mock.enqueue(
            Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]),
            Turn([Message("done")]),
        )
        notes: list[dict[str, Any]] = []
        with s.serve(app_server_argv(binary)) as client:
            thread_id = client.call("thread/start", {"cwd": str(s.repo)})["thread"]["id"]
            turn = {"threadId": thread_id, "input": [{"type": "text", "text": "hello hooks"}]}
            client.start("turn/start", turn)
            while True:
                message = client.next()
                method = message.get("method", "")
                if "delta" in method.lower():
                    continue
                if "method" in message:
                    notes.append({"method": method, "params": message.get("params")})
                if method == "turn/completed":
                    break
            # A second turn whose PreToolUse hook denies the call with a systemMessage.
            (s.root / "answers.json").write_text(
                json.dumps({"PreToolUse": {"Bash": json.dumps(deny)}})
            )
            s.mock.enqueue(
                Turn([FunctionCall("c2", "exec_command", {"cmd": "rm -rf nothing"})]),
                Turn([Message("done")]),
            )
            client.start("turn/start", turn)
            while True:
                message = client.next()
                method = message.get("method", "")
                if "delta" in method.lower():
                    continue
                if "method" in message:
                    notes.append({"method": method, "params": message.get("params")})
                if method == "turn/completed":
                    break
        return scrub(
            {"notifications": notes},
            names={str(s.root): "{tmp}", sys.executable: "{python}"},
            stamps=True,
        )


LIFECYCLE_CASES = ("plain_turn", "compact_mid_turn", "stop_blocked_once", "prompt_blocked_json")


def lifecycle_lines(binary: Path, only: str | None = None) -> dict[str, list[str]]:
    """`codex exec`'s "hook: ..." stderr lines for some of capture_lifecycle_hooks.py's cases
    (every lifecycle event hooked): which runs exec reports, in which order."""
    from tests.extensions import capture_lifecycle_hooks as lifecycle

    out: dict[str, list[str]] = {}
    for name in [only] if only else LIFECYCLE_CASES:
        case = next(c for c in lifecycle.CASES if c["name"] == name)
        with scratch() as s:
            hooks = lifecycle.hooks_for(s.root, case["events"])
            if case.get("prefix"):
                config = s.home / "config.toml"
                config.write_text(case["prefix"] + config.read_text())
            (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
            (s.root / "answers.json").write_text(json.dumps(case.get("answers", {})))
            for reply in case["replies"]:
                s.mock.enqueue(reply)
            argv = [str(binary), "exec", "--dangerously-bypass-hook-trust", "--skip-git-repo-check"]
            done = run_codex([*argv, "hello hooks"], s.env({"MOCK_KEY": "k"}), s.repo, timeout=120)
            out[name] = [x for x in done.stderr.splitlines() if x.startswith("hook: ")]
    return out


if __name__ == "__main__":
    raise SystemExit(capture_main(FIXTURE, produce))
