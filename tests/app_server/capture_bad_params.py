"""What 0.169's app-server answers to malformed params (facts for test_bad_params.py):
`python -m tests.app_server.capture_bad_params` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/bad_params_official.json (`--out PATH` writes elsewhere, to diff a
re-capture; `ours` prints what our server answers instead).

One initialized connection, in a scratch CODEX_HOME against the loopback mock model server;
for the most used methods: params of the wrong JSON type (string, number, array, boolean where
an object is required), a required field missing, a field of the wrong type, an unknown enum
variant, unknown extra fields; for every other method both servers know whose params are a
struct, a string, an empty array, and `{}` / a numeric `threadId` where it has such fields.
Every answer is reduced to its error code and message, or "ok".
The thread ids name no thread, so a call that gets past its params fails on the id (or the
missing thread) without doing anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.app_server.capture_missing_params import _answer
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "bad_params_official.json"

NO_THREAD = "00000000-0000-7000-8000-000000000000"
WRONG_TYPES: list[Any] = ["x", 5, [], True]

# method -> params cases beyond WRONG_TYPES (each sent as is).
CASES: dict[str, list[Any]] = {
    "thread/start": [
        {"approvalPolicy": "sometimes"},
        {"approvalPolicy": 5},
        {"sandbox": "nope"},
        {"model": 5},
        {"cwd": []},
        {"ephemeral": "yes"},
        {"config": "x"},
        {"baseInstructions": {}},
    ],
    "thread/resume": [
        {},
        {"threadId": 5},
        {"threadId": None},
        {"threadId": NO_THREAD, "approvalPolicy": "nope"},
        {"threadId": NO_THREAD, "bogusField": 1},
    ],
    "thread/fork": [{}, {"threadId": 5}, {"threadId": NO_THREAD, "ephemeral": "x"}],
    "thread/list": [
        {"limit": "10"},
        {"limit": -1},
        {"limit": 1.5},
        {"sortKey": "nope"},
        {"sortKey": 5},
        {"archived": "yes"},
        {"cursor": 5},
        {"modelProviders": "x"},
        {"sourceKinds": ["nope"]},
        {"bogusField": 1},
    ],
    "thread/read": [
        {},
        {"threadId": 5},
        {"threadId": NO_THREAD, "includeTurns": "yes"},
        {"threadId": NO_THREAD, "bogusField": 1},
    ],
    "turn/start": [
        {},
        {"threadId": NO_THREAD},
        {"input": []},
        {"threadId": NO_THREAD, "input": "hi"},
        {"threadId": NO_THREAD, "input": [5]},
        {"threadId": NO_THREAD, "input": [{"type": "nope"}]},
        {"threadId": NO_THREAD, "input": [{"type": "text"}]},
        {"threadId": NO_THREAD, "input": [{"text": "hi"}]},
        {"threadId": NO_THREAD, "input": [{"type": "text", "text": 5}]},
        {"threadId": NO_THREAD, "input": [], "effort": "extreme"},
        {"threadId": NO_THREAD, "input": [], "approvalPolicy": "nope"},
        {"threadId": NO_THREAD, "input": [], "bogusField": 1},
    ],
    "turn/interrupt": [{}, {"threadId": NO_THREAD}, {"threadId": NO_THREAD, "turnId": 5}],
    "thread/archive": [{}, {"threadId": 5}, {"threadId": NO_THREAD, "bogusField": 1}],
    "thread/unarchive": [{}, {"threadId": 5}],
    "thread/name/set": [{}, {"threadId": NO_THREAD}, {"threadId": NO_THREAD, "name": 5}],
    "model/list": [{"limit": "5"}, {"includeHidden": "yes"}, {"cursor": 5}, {"bogusField": 1}],
    "config/read": [{"includeLayers": "yes"}, {"cwd": 5}, {"bogusField": 1}],
    "command/exec": [
        {},
        {"command": "ls"},
        {"command": [5]},
        {"command": ["true"], "timeoutMs": "5"},
        {"command": ["true"], "timeoutMs": -1},
        {"command": ["true"], "cwd": 5},
        {"command": ["true"], "sandboxPolicy": {"type": "nope"}},
        {"command": ["true"], "sandboxPolicy": "x"},
    ],
    "review/start": [
        {},
        {"threadId": NO_THREAD},
        {"threadId": NO_THREAD, "target": "x"},
        {"threadId": NO_THREAD, "target": {"type": "nope"}},
        {"threadId": NO_THREAD, "target": {"type": "custom"}},
        {"threadId": NO_THREAD, "target": {"type": "uncommittedChanges"}, "delivery": "nope"},
    ],
    "thread/goal/set": [
        {},
        {"threadId": 5},
        {"threadId": NO_THREAD, "objective": 5},
        {"threadId": NO_THREAD, "status": "nope"},
    ],
    "thread/goal/get": [{}, {"threadId": 5}],
    "skills/list": [{"cwds": "x"}, {"cwds": [5]}, {"forceReload": "yes"}, {"bogusField": 1}],
    "fs/readFile": [{}, {"path": 5}, {"path": "relative.txt"}],
    "thread/loaded/list": [{"limit": "x"}, {"bogusField": 1}],
    "thread/turns/list": [{}, {"threadId": 5}, {"threadId": NO_THREAD, "limit": "x"}],
    "thread/shellCommand": [
        {"threadId": NO_THREAD, "command": "true", "timeoutMs": "5"},
        {"threadId": NO_THREAD, "command": "true", "timeoutMs": -1},
        {"threadId": NO_THREAD, "command": 5},
    ],
}


# The other methods whose params struct has a required field (0.169's schema): sent `{}`.
REQUIRES_A_FIELD = frozenset(
    [
        "account/login/cancel",
        "account/rateLimitResetCredit/consume",
        "account/sendAddCreditsNudgeEmail",
        "app/read",
        "command/exec/resize",
        "command/exec/terminate",
        "command/exec/write",
        "config/batchWrite",
        "config/value/write",
        "experimentalFeature/enablement/set",
        "externalAgentConfig/import",
        "externalAgentConfig/import/recordHistory",
        "feedback/save",
        "feedback/upload",
        "fs/copy",
        "fs/createDirectory",
        "fs/getMetadata",
        "fs/readDirectory",
        "fs/remove",
        "fs/unwatch",
        "fs/watch",
        "fs/writeFile",
        "fuzzyFileSearch",
        "marketplace/add",
        "marketplace/remove",
        "mcpServer/oauth/login",
        "mcpServer/resource/read",
        "mcpServer/tool/call",
        "modelProvider/config/write",
        "plugin/install",
        "plugin/read",
        "plugin/share/checkout",
        "plugin/share/delete",
        "plugin/share/save",
        "plugin/share/updateTargets",
        "plugin/skill/read",
        "plugin/uninstall",
        "skills/config/write",
        "skills/extraRoots/set",
        "thread/approveGuardianDeniedAction",
        "thread/attachment/add",
        "thread/attachment/list",
        "thread/attachment/remove",
        "thread/attachmentOwner/list",
        "thread/compact/start",
        "thread/delete",
        "thread/goal/clear",
        "thread/inject_items",
        "thread/items/list",
        "thread/metadata/update",
        "thread/revert",
        "thread/section/move",
        "thread/shellCommand",
        "thread/unsubscribe",
        "threadSection/create",
        "threadSection/delete",
        "threadSection/update",
        "turn/steer",
        "windowsSandbox/setupStart",
    ]
)
# The other methods whose params struct has a `threadId` (0.169's schema): sent it as a number.
TAKES_A_THREAD = frozenset(
    [
        "app/installed",
        "app/list",
        "app/read",
        "experimentalFeature/list",
        "feedback/save",
        "feedback/upload",
        "hooks/list",
        "mcpServer/oauth/login",
        "mcpServer/resource/read",
        "mcpServer/tool/call",
        "mcpServerStatus/list",
        "thread/approveGuardianDeniedAction",
        "thread/attachment/add",
        "thread/attachment/list",
        "thread/attachment/remove",
        "thread/compact/start",
        "thread/delete",
        "thread/goal/clear",
        "thread/inject_items",
        "thread/items/list",
        "thread/metadata/update",
        "thread/revert",
        "thread/section/move",
        "thread/shellCommand",
        "thread/unsubscribe",
        "turn/steer",
    ]
)


def _other_cases(method: str) -> list[Any]:
    cases: list[Any] = ["x", []]
    if method in REQUIRES_A_FIELD:
        cases.append({})
    if method in TAKES_A_THREAD:
        cases.append({"threadId": 5})
    return cases


def _struct_methods() -> list[str]:
    """The methods both servers know whose params are a struct (param_shapes.STRUCTS)."""
    from codex.app_server.methods import METHODS
    from codex.app_server.param_shapes import STRUCTS

    return sorted(set(STRUCTS) & set(METHODS))


def bad_params_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch() as s, s.serve(argv) as client:
        for method, cases in CASES.items():
            facts[method] = {
                json.dumps(p): _answer(client, {"method": method, "params": p})
                for p in [*WRONG_TYPES, *cases]
            }
        # Every other method with a params struct: a string, an empty array, and `{}` or a
        # numeric threadId where the struct has such fields.
        facts["every_struct"] = {
            method: {
                json.dumps(p): _answer(client, {"method": method, "params": p})
                for p in _other_cases(method)
            }
            for method in _struct_methods()
            if method not in CASES
        }
    facts["exit_code"] = client.proc.returncode
    return facts


if __name__ == "__main__":
    raise SystemExit(
        capture_main(
            FIXTURE,
            lambda binary: bad_params_facts(app_server_argv(binary)),
            ours=lambda argv: bad_params_facts([*argv, "app-server"]),
        )
    )
