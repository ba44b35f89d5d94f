"""Facts for test_hook_fixes.py, from 0.169 (`python -m tests.extensions.capture_hook_fixes`
rewrites tests/fixtures/hook_fixes_official.json; needs the anchor, tests/support/official.py):

- `context`: how a long hook `additionalContext` reaches the model (SessionStart, with and
  without the hook's `additionalContextLimit`): the developer message's length, head and tail,
  and where the full output was saved.
- `steer`: UserPromptSubmit for a message steered into a running turn (app-server `turn/steer`
  while the mock holds the first answer), the steered prompt allowed or blocked by the hook.
- `bad_matcher`: a lifecycle group (Stop) or a tool group (PreToolUse) whose matcher is not a
  valid regex: does `codex exec` run, and which hooks fire.

Every run is in a scratch CODEX_HOME/HOME on the loopback mock (tests/support/official_drive.py),
never ~/.codex. Each scenario takes the command to run (`argv`), so the test replays it on ours.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.extensions.capture_lifecycle_hooks import hooks_for
from tests.support.hook_trust import trust_home
from tests.support.mock_model_server import Hold
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official_drive import capture_main, run_codex, scratch, scrub

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hook_fixes_official.json"
BYPASS = ("exec", "--dangerously-bypass-hook-trust", "--skip-git-repo-check")
# 3000 numbered words, 21,000 characters: well over 0.169's default context cap
BIG = "".join(f"w{i:05d} " for i in range(3000))


def _log(root: Path) -> list[dict[str, Any]]:
    path = root / "log.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _messages(request: Any) -> list[list[str]]:
    return [
        [item.get("role"), part.get("text", "")]
        for item in request.input()
        if item.get("type") == "message"
        for part in item.get("content") or []
        if isinstance(part, dict)
    ]


def _prompt_or_context(message: list[str]) -> bool:
    """A user's prompt or a hook's context (not the environment context, which differs)."""
    role, text = message
    return (role == "user" and not text.startswith("<environment_context>")) or "ctx-" in text


def context(argv: list[str], limit: int | None) -> dict[str, Any]:
    """A SessionStart hook answering BIG as additionalContext (`limit`: its
    additionalContextLimit): the message the model got, and the saved full output."""
    with scratch() as s:
        hooks = hooks_for(s.root, ["SessionStart"])
        if limit is not None:
            hooks["SessionStart"][0]["hooks"][0]["additionalContextLimit"] = limit
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
        answer = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": BIG}}
        (s.root / "answers.json").write_text(
            json.dumps({"SessionStart": [{"stdout": json.dumps(answer)}]})
        )
        s.mock.enqueue(Turn([Message("done")]))
        done = run_codex([*argv, *BYPASS, "hello hooks"], s.env({"MOCK_KEY": "k"}), s.repo)
        sent = (
            [t for _, t in _messages(s.mock.requests[0]) if "w00001" in t]
            if s.mock.requests
            else []
        )
        text = sent[0] if sent else ""
        saved = re.search(r"Full hook output saved to: (\S+)", text)
        saved_text = (
            Path(saved.group(1)).read_text() if saved and Path(saved.group(1)).exists() else None
        )
        if saved_text is not None:  # leave nothing in the system temp dir
            Path(saved.group(1)).unlink()
            with contextlib.suppress(OSError):  # (another run's output is there too)
                Path(saved.group(1)).parent.rmdir()
        facts = {
            "limit": limit,
            "exit": done.returncode,
            "length": len(text),
            "head": text[:160],
            "tail": text[-200:],
            "marker": re.findall(r"…\d+ (?:tokens|chars) truncated…", text),
            "saved_path": saved.group(1) if saved else None,
            "saved_is_full_output": saved_text is not None and saved_text.strip() == BIG.strip(),
            "saved_length": None if saved_text is None else len(saved_text),
        }
        return scrub(facts, names={str(s.home): "{home}", str(s.root): "{tmp}"})


def steer(argv: list[str], block: bool) -> dict[str, Any]:
    """turn/steer while the first answer is held; the hook blocks the steered prompt when
    `block`. Which prompts the hook saw, what each request carried, how the turn ended."""
    with scratch() as s:
        hooks = hooks_for(s.root, ["UserPromptSubmit"])
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
        trust_home(s.home)  # the app-server runs trusted hooks only
        extra = {
            "hookSpecificOutput": {
                "hookEventName": "UserPromptSubmit",
                "additionalContext": "ctx-second",
            }
        }
        second = (
            {"stdout": json.dumps({"decision": "block", "reason": "no steering"})}
            if block
            else {"stdout": json.dumps(extra)}
        )
        (s.root / "answers.json").write_text(json.dumps({"UserPromptSubmit": [{}, second]}))
        s.mock.enqueue(
            Hold(Turn([Message("first")])), Turn([Message("second")]), Turn([Message("third")])
        )
        with s.serve(argv) as client:
            thread = client.call("thread/start", {"cwd": str(s.repo)})
            thread_id = thread["thread"]["id"]
            turn = {"threadId": thread_id, "input": [{"type": "text", "text": "hello hooks"}]}
            turn_id = client.call("turn/start", turn)["turn"]["id"]
            s.mock.wait_held()
            steered = {
                "threadId": thread_id,
                "expectedTurnId": turn_id,
                "input": [{"type": "text", "text": "steered prompt"}],
            }
            answer = client.call("turn/steer", steered)
            s.mock.release()
            done = client.until(lambda m: m.get("method") == "turn/completed")
        facts = {
            "block": block,
            "steer_answer": sorted(answer) if isinstance(answer, dict) else answer,
            "prompts_seen": [e["doc"].get("prompt") for e in _log(s.root)],
            "requests": [
                [m for m in _messages(r) if _prompt_or_context(m)] for r in s.mock.requests
            ],
            "status": done[-1]["params"]["turn"]["status"],
        }
        return scrub(facts, names={str(s.root): "{tmp}"})


def bad_matcher(argv: list[str], event: str) -> dict[str, Any]:
    """hooks.json with a `(` matcher on `event` plus a good hook on the same event: does exec
    run, and which hooks fire."""
    with scratch() as s:
        hooks = hooks_for(s.root, [event])
        good = hooks[event][0]["hooks"][0]
        bad = {"matcher": "(", "hooks": [{"type": "command", "command": good["command"] + " bad"}]}
        hooks[event] = [bad, *hooks[event]]
        (s.home / "hooks.json").write_text(json.dumps({"hooks": hooks}))
        call = FunctionCall("call-1", "exec_command", {"cmd": "echo hi"})
        s.mock.enqueue(Turn([call]), Turn([Message("done")]))
        done = run_codex([*argv, *BYPASS, "hello hooks"], s.env({"MOCK_KEY": "k"}), s.repo)
        facts = {
            "event": event,
            "exit": done.returncode,
            "stdout": done.stdout.strip(),
            "stderr_has_matcher": "matcher" in done.stderr,
            "fired": [e["event"] for e in _log(s.root)],
            "requests": len(s.mock.requests),
        }
        return scrub(facts, names={str(s.root): "{tmp}", sys.executable: "{python}"})


def produce(binary: Path) -> dict[str, Any]:
    argv = [str(binary)]
    return {
        "captured_with": "codex-cli 0.169.0",
        "context": [context(argv, None), context(argv, 1000)],
        "steer": [steer([*argv, "app-server"], False), steer([*argv, "app-server"], True)],
        "bad_matcher": [bad_matcher(argv, "Stop"), bad_matcher(argv, "PreToolUse")],
    }


if __name__ == "__main__":
    raise SystemExit(capture_main(FIXTURE, produce))
