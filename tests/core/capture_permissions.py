"""Where and when 0.169 tells the model its sandbox and approval policy (facts for
tests/core/test_permissions_prompt.py): `python -m tests.core.capture_permissions` (needs the
anchor, tests/support/official.py) rewrites tests/fixtures/permissions_official.json.

Runs `codex exec` (and `exec resume`) and `codex app-server` turns against the loopback mock
under each sandbox mode and approval policy, and records each request's input as a layout:
messages (role) and their parts by kind. A permissions part is recorded as the facts it states
(`permission_facts`) and a hash of its text: never the text, which is upstream's prose. The
same functions run our CLI in the test, so both sides are reduced the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient, scratch_env
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.official import official_binary

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "permissions_official.json"
DEV = "DEVELOPER INSTRUCTIONS FOR THE CAPTURE"
PERMISSIONS = "<permissions instructions>"

SANDBOXES = ("read-only", "workspace-write", "danger-full-access")
APPROVALS = ("never", "on-request", "untrusted")
# exec: (flags) — 0.169's exec always runs with approval `never`, whatever the config says.
EXEC_CASES: list[list[str]] = [
    ["-s", "read-only"],
    ["-s", "workspace-write"],
    ["-s", "workspace-write", "-c", "sandbox_workspace_write.network_access=true"],
    ["-s", "danger-full-access"],
    ["-s", "workspace-write", "-c", "approval_policy=on-request"],
    ["-s", "read-only", "-c", f"developer_instructions={json.dumps(DEV)}"],
]
# exec then `exec resume --last` with other flags: (first, resumed)
RESUME_CASES: list[tuple[list[str], list[str]]] = [
    (["-s", "read-only"], ["-s", "workspace-write"]),
    (["-s", "read-only"], ["-s", "read-only"]),
]
# one app-server thread (never / workspace-write), then turns with these turn/start overrides
# ("{tmp}/other" is a directory made for the run)
SEQUENCE: list[dict[str, Any]] = [
    {},
    {"approvalPolicy": "untrusted"},
    {},
    {"sandboxPolicy": {"type": "readOnly"}},
    {"sandboxPolicy": {"type": "workspaceWrite", "networkAccess": True}},
    {"cwd": "{tmp}/other"},
    {"approvalPolicy": "on-request", "sandboxPolicy": {"type": "dangerFullAccess"}},
    {"cwd": "{tmp}/repo"},
    {"approvalPolicy": "never"},
]

_SANDBOX = re.compile(r"(?:`sandbox_mode` is|Sandbox mode:) `([a-z-]+)`")
_NETWORK = re.compile(r"Network access(?: is|:) (enabled|restricted)")
_APPROVAL = re.compile(
    r"(?:Approval policy is currently|`approval_policy` is|Approval policy:) `?([a-z-]+)"
)
_ROOTS = re.compile(r"[Ww]ritable roots?(?: is| are|:) (.+?)\.\n")


def permission_facts(text: str) -> dict[str, Any]:
    """What a permissions part states, read from 0.169's wording or ours: the sandbox mode, the
    network, the approval policy (0.169 names it except under on-request, whose part is the
    escalation guide), whether it explains how to ask for escalation, and the writable roots."""
    sandbox = _SANDBOX.search(text)
    network = _NETWORK.search(text)
    approval = _APPROVAL.search(text)
    guide = "require_escalated" in text and "prefix_rule" in text
    name = approval.group(1) if approval else ("on-request" if guide else None)
    roots = _ROOTS.search(text)
    return {
        "sandbox_mode": sandbox.group(1) if sandbox else None,
        "network_access": network.group(1) if network else None,
        "approval_policy": "untrusted" if name == "unless-trusted" else name,
        "escalation_guide": guide,
        "mentions_sandbox_permissions": "sandbox_permissions" in text,
        "writable_roots": re.findall(r"`([^`]+)`", roots.group(1)) if roots else [],
    }


def _kind(role: str, text: str) -> str:
    head = text.lstrip()
    for prefix, kind in (
        (PERMISSIONS, "permissions"),
        ("<skills_instructions>", "skills"),
        ("<tools>", "tools"),
        ("<collaboration_mode>", "collaboration_mode"),
        ("<environment_context>", "environment_context"),
        ("# AGENTS.md instructions", "agents_md"),
    ):
        if head.startswith(prefix):
            return kind
    if text == DEV:
        return "developer_instructions"
    if role == "developer":
        return "other_developer"  # 0.169's model instructions message
    return f"{role}_text"


def layout(items: list[dict[str, Any]], tmp: str, *, hashes: bool) -> list[dict[str, Any]]:
    """The items as role + part kinds; permissions parts as their facts (and text hash)."""
    out: list[dict[str, Any]] = []
    for item in items:
        if item.get("type") != "message":
            out.append({"type": item.get("type")})
            continue
        parts: list[Any] = []
        for part in item.get("content") or []:
            text = (part.get("text") or "").replace(tmp, "{tmp}")
            kind = _kind(item["role"], text)
            if kind == "permissions":
                facts: dict[str, Any] = {"kind": kind, **permission_facts(text)}
                if hashes:
                    facts["sha1"] = hashlib.sha1(text.encode()).hexdigest()
                parts.append(facts)
            else:
                parts.append(kind)
        out.append({"role": item["role"], "parts": parts})
    return out


def _requests_layouts(mock: MockModelServer, tmp: str, hashes: bool) -> list[Any]:
    """Per request: the whole input for the first, else what it adds to the one before."""
    out = []
    previous = 0
    for request in mock.requests:
        items = request.json["input"]
        out.append(layout(items[previous:], tmp, hashes=hashes))
        previous = len(items)
    return out


def _env(home: Path) -> dict[str, str]:
    env = scratch_env(home)
    env.pop("TMPDIR", None)  # a writable root when set: left out on both sides
    return env


def exec_case(
    argv: list[str], first: list[str], resumed: list[str] | None = None, *, hashes: bool = False
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
        home = write_mock_config(Path(tmp) / "home", mock.base_url)
        work = Path(tmp) / "work"
        work.mkdir()
        runs = [[*argv, "exec", "--skip-git-repo-check", *first, "hi"]]
        if resumed is not None:
            runs.append(
                [*argv, "exec", "--skip-git-repo-check", *resumed, "resume", "--last", "again"]
            )
        codes = []
        for run in runs:
            proc = subprocess.run(
                run, cwd=work, env=_env(home), capture_output=True, timeout=120, check=False
            )
            codes.append(proc.returncode)
        out: dict[str, Any] = {"args": first, "rc": codes}
        if resumed is not None:
            out["resume_args"] = resumed
        out["requests"] = _requests_layouts(mock, tmp, hashes)
        return out


def _turn_over(message: dict[str, Any], request_id: int) -> bool:
    """The turn completed, or turn/start was refused."""
    if message.get("method") == "turn/completed":
        return True
    return message.get("id") == request_id and "error" in message


def app_server_case(
    argv: list[str], starts: list[dict[str, Any]], turns: list[dict[str, Any]], *, hashes: bool
) -> list[dict[str, Any]]:
    """One server; per thread/start params a thread running `turns` (turn/start overrides)."""
    results = []
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
        home = write_mock_config(Path(tmp) / "home", mock.base_url)
        repo = Path(tmp) / "repo"
        repo.mkdir()
        (Path(tmp) / "other").mkdir()
        client = RpcClient(argv, _env(home), repo)
        try:
            client.initialize()
            for start in starts:
                reply, _ = client.response(
                    client.start("thread/start", {"cwd": str(repo), **start})
                )
                entry: dict[str, Any] = {"thread_start": start}
                results.append(entry)
                if "error" in reply:
                    entry["error"] = reply["error"]["message"]
                    continue
                tid = reply["result"]["thread"]["id"]
                entry["turns"] = []
                previous = 0  # the thread's last request's input length
                for overrides in turns:
                    params = json.loads(json.dumps(overrides).replace("{tmp}", tmp))
                    before = len(mock.requests)
                    rid = client.start(
                        "turn/start",
                        {"threadId": tid, "input": [{"type": "text", "text": "hi"}], **params},
                    )
                    client.until(lambda m, rid=rid: _turn_over(m, rid))
                    new = mock.requests[before:]
                    entry["turns"].append(
                        {
                            "turn_start": overrides,
                            "added": [
                                layout(r.json["input"][previous:], tmp, hashes=hashes) for r in new
                            ],
                        }
                    )
                    previous = len(new[-1].json["input"]) if new else previous
        finally:
            client.close()
    return results


def facts_for(argv: list[str], *, hashes: bool) -> dict[str, Any]:
    starts = [{"approvalPolicy": a, "sandbox": s} for a in APPROVALS for s in SANDBOXES]
    starts.append(
        {"approvalPolicy": "on-request", "sandbox": "workspace-write", "developerInstructions": DEV}
    )
    return {
        "exec": [exec_case(argv, case, hashes=hashes) for case in EXEC_CASES],
        "exec_resume": [exec_case(argv, a, b, hashes=hashes) for a, b in RESUME_CASES],
        "app_server_starts": app_server_case([*argv, "app-server"], starts, [{}], hashes=hashes),
        "app_server_sequence": app_server_case(
            [*argv, "app-server"],
            [{"approvalPolicy": "never", "sandbox": "workspace-write"}],
            SEQUENCE,
            hashes=hashes,
        ),
        "app_server_on_failure": app_server_case(
            [*argv, "app-server"],
            [{"approvalPolicy": "on-failure", "sandbox": "read-only"}],
            [],
            hashes=hashes,
        ),
    }


def main() -> int:
    binary = official_binary()
    if binary is None:
        print("the official 0.169 binary is not installed", file=sys.stderr)
        return 1
    facts: dict[str, Any] = {
        "about": "where and when the official 0.169.0 CLI puts the <permissions instructions> "
        "part in the request input, against the loopback mock (config: "
        "tests/support/mock_config.py), captured by tests/core/capture_permissions.py. Parts "
        "are reduced to their kind; a permissions part to the facts it states and the sha1 of "
        "its text ({tmp} for the scratch dir). Requests after the first: only what they add.",
        **facts_for([str(binary)], hashes=True),
    }
    FIXTURE.write_text(json.dumps(facts, indent=1) + "\n")
    print(FIXTURE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
