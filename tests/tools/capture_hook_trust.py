"""What 0.169's app-server `hooks/list` reports for hooks.json definitions (facts for
test_hook_trust.py): `python -m tests.tools.capture_hook_trust` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/hook_trust_official.json.

Each case writes one `$CODEX_HOME/hooks.json` (and `[hooks.state]` records in config.toml) into a
scratch CODEX_HOME on the mock provider (never ~/.codex), starts the official app-server there,
asks `hooks/list` for the scratch repo and records, per hook, its key, event, matcher, timeout,
enabled, trust status and current hash, with the scratch CODEX_HOME written `{home}`; the
warnings 0.169 gives about entries it skipped are kept too. The server is stopped when each case
ends. `... ours` prints what our app-server answers for the same cases instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hook_trust_official.json"


def command(text: str, **more: Any) -> dict[str, Any]:
    return {"type": "command", "command": text, **more}


EVERY_EVENT = [
    *("PreModelRequest", "PostModelRequest", "PreToolUse", "PermissionRequest", "PostToolUse"),
    *("PreCompact", "PostCompact", "SessionStart", "SessionEnd", "UserPromptSubmit"),
    *("SubagentStart", "SubagentStop", "Stop", "Interrupt"),
]
TRUSTED = "sha256:437ca789f0218b0f24e204c8610c275ce0a5e159ff5f122e1739540afd247b51"

CASES: list[dict[str, Any]] = [
    {  # the file 0.169's /hooks was shown (tests/fixtures/tui_official_0169/settings_notes.md)
        "name": "claude_shape",
        "hooks": {
            "PreToolUse": [
                {"matcher": "exec_command|shell", "hooks": [command("~/check.sh", timeout=30)]}
            ],
            "PostToolUse": [{"hooks": [command("logger -t codex")]}],
        },
    },
    {  # what the hash covers: matcher forms, timeouts, optional fields, skipped entries
        "name": "normalization",
        "hooks": {
            "PreToolUse": [
                {"matcher": "", "hooks": [command("a")]},
                {
                    "matcher": "*",
                    "hooks": [
                        command("b", timeout=0),
                        {"type": "prompt", "prompt": "not run"},
                        command("c", statusMessage="checking", extra=1, **{"async": True}),
                    ],
                },
                {"hooks": [command('é\tx\n\u0001 "q" \\ /', timeout=5, commandWindows="w")]},
                {"matcher": "x", "hooks": [command("e", additionalContextLimit=7)]},
                {"matcher": "  spaced  ", "hooks": [command("f", timeout=7)]},
            ],
            "PostToolUse": [{"matcher": "apply_patch", "hooks": [command("p", timeout=99999)]}],
            "SessionStart": [
                {"matcher": "startup", "hooks": [command("s"), command("   ")]},
            ],
            "UserPromptSubmit": [{"matcher": "ignored", "hooks": [command("u")]}],
            "Stop": [{"matcher": "ignored", "hooks": [command("st")]}],
        },
    },
    {  # every event: which keep a matcher, default and clamped timeouts
        "name": "every_event",
        "hooks": {
            event: [{"matcher": "m1", "hooks": [command(event), command(event, timeout=10)]}]
            for event in EVERY_EVENT
        },
    },
    {  # records: trusted (hash matches), modified (hash differs), switched off, untrusted
        "name": "trust_states",
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "exec_command|shell",
                    "hooks": [
                        command("~/check.sh", timeout=30),
                        command("two"),
                        command("three"),
                        command("four"),
                    ],
                }
            ],
        },
        "state": {
            "{home}/hooks.json:pre_tool_use:0:0": {"trusted_hash": TRUSTED},
            "{home}/hooks.json:pre_tool_use:0:1": {"trusted_hash": "sha256:0000"},
            "{home}/hooks.json:pre_tool_use:0:2": {"enabled": False},
        },
    },
]


# Hooks written in the user's own config.toml: 0.169 asks for trust for them too (the reason the
# fork's `tool_hook_command`, also user config, needs trust in codex-py). codex-py does not run
# config.toml `[hooks]` tables, so test_hook_trust.py leaves this case out.
CASES.append(
    {
        "name": "config_toml_hooks",
        "hooks": {},
        "toml": '[[hooks.PreToolUse]]\nmatcher = "shell"\n'
        '[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "from-config-toml"\n',
    }
)


def state_toml(state: dict[str, dict[str, Any]], home: Path) -> str:
    """`[hooks.state."KEY"]` tables for `state`, `{home}` replaced by the scratch home."""
    lines = []
    for key, fields in state.items():
        lines.append(f"\n[hooks.state.{orjson.dumps(key.replace('{home}', str(home))).decode()}]")
        for name, value in fields.items():
            lines.append(f"{name} = {orjson.dumps(value).decode()}")
    return "\n".join(lines) + "\n"


FIELDS = ("key", "eventName", "matcher", "timeoutSec", "enabled", "trustStatus", "currentHash")


def listing(argv: list[str], case: dict[str, Any]) -> dict[str, Any]:
    """`hooks/list` for `case` from the app-server `argv`, scratch paths written `{home}`."""
    with scratch() as s:
        s.configure(case.get("toml", "") + state_toml(case.get("state", {}), s.home))
        (s.home / "hooks.json").write_bytes(orjson.dumps({"hooks": case["hooks"]}))
        with s.serve(argv) as client:
            [entry] = client.call("hooks/list", {"cwds": [str(s.repo)]})["data"]
        text = orjson.dumps(entry).decode().replace(str(s.home), "{home}")
        entry = orjson.loads(text)
    return {
        "hooks": [{name: hook.get(name) for name in FIELDS} for hook in entry["hooks"]],
        "warnings": entry["warnings"],
    }


def produce(binary: Path) -> dict[str, Any]:
    cases = [{**case, "official": listing(app_server_argv(binary), case)} for case in CASES]
    return {"captured_with": "codex-cli 0.169.0 app-server hooks/list", "cases": cases}


def ours(argv: list[str]) -> Any:
    return [listing([*argv, "app-server"], case) for case in CASES]


if __name__ == "__main__":
    raise SystemExit(capture_main(FIXTURE, produce, ours=ours))
