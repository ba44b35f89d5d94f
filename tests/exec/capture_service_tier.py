"""How 0.169 handles the service tier (facts for tests/exec/test_service_tier.py and
tests/app_server/test_service_tier.py): `python -m tests.exec.capture_service_tier` (needs the
anchor, tests/support/official.py) rewrites tests/fixtures/service_tier_official.json.

Recorded per case: the request body's `service_tier` (None when absent) and the key it follows,
exec's stderr lines that mention the tier, the --json events that do, and the exit code; for the
app-server, the `serviceTier` thread/start and thread/resume report and what each turn's request
carried after turn/start with `serviceTier`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.support.model_stream import Message, Turn, Usage
from tests.support.official_drive import (
    Scratch,
    app_server_argv,
    capture_main,
    rollout_files,
    rollout_records,
    run_codex,
    scratch,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "service_tier_official.json"

# (args before the prompt, top-level config.toml lines)
EXEC_CASES: list[tuple[list[str], str]] = [
    ([], ""),
    (["-c", "service_tier=fast"], ""),
    (["-c", "service_tier=priority"], ""),
    (["-c", "service_tier=flex"], ""),
    (["-c", "service_tier=default"], ""),
    (["-c", "service_tier=bogus"], ""),
    (["-c", "service_tier=Fast"], ""),
    ([], 'service_tier = "fast"\n'),
    ([], 'service_tier = "flex"\n'),
    (["-c", "service_tier=default"], 'service_tier = "fast"\n'),
    (["-m", "gpt-6.1-sol", "-c", "service_tier=fast"], ""),
    (["-m", "gpt-6-sol"], ""),
    (["-m", "gpt-daybreak-blue-latest", "-c", "service_tier=fast"], ""),
    (["-m", "gpt-daybreak-blue-latest", "-c", "service_tier=flex"], ""),
    (["-m", "not-in-catalog", "-c", "service_tier=fast"], ""),
    (["-m", "not-in-catalog", "-c", "service_tier=flex"], ""),
    (["-m", "not-in-catalog", "-c", "service_tier=bogus"], ""),
]
ERROR_CASES: list[tuple[list[str], str]] = [
    (["-c", "service_tier=1"], ""),
    ([], "service_tier = true\n"),
]


def _env(s: Scratch) -> dict[str, str]:
    """No colour codes in the stderr lines kept; no OPENAI_* setting of the user's."""
    env = s.env({"NO_COLOR": "1"})
    return {k: v for k, v in env.items() if not k.startswith("OPENAI_")}


def _tier_of(body: dict[str, Any]) -> dict[str, Any]:
    keys = list(body)
    if "service_tier" not in body:
        return {"service_tier": None}
    return {"service_tier": body["service_tier"], "after": keys[keys.index("service_tier") - 1]}


# (args, the text of CODEX_HOME/f.config.toml: the profile file `-p f` selects)
PROFILE_CASES: list[tuple[list[str], str]] = [
    (["-p", "f"], 'service_tier = "flex"\n'),
    (["-p", "f", "-c", "service_tier=fast"], 'service_tier = "flex"\n'),
]


def exec_case(
    binary: str, args: list[str], top: str, *, json_mode: bool, profile: str | None = None
) -> dict[str, Any]:
    with scratch(reply=Turn([Message("ok")], Usage(10, 0, 2))) as s:
        tmp, home, mock = str(s.root), s.home, s.mock
        if profile is not None:
            (home / "f.config.toml").write_text(profile)
        config = home / "config.toml"
        config.write_text(top + config.read_text())  # top-level keys before any table
        argv = [binary, "exec", "--skip-git-repo-check", *(["--json"] if json_mode else []), *args]
        proc = run_codex([*argv, "hi"], _env(s), tmp)
        stderr = proc.stderr.replace(tmp, "{tmp}")
        out: dict[str, Any] = {"args": args, "config": top, "rc": proc.returncode}
        if profile is not None:
            out["profile_file"] = profile
        out["stderr"] = [
            line for line in stderr.splitlines() if "tier" in line or "service_tier" in line
        ]
        if json_mode:
            events = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
            out["json_events"] = [e for e in events if "tier" in json.dumps(e)]
        bodies = [r.json for r in mock.requests]
        out["requests"] = [_tier_of(b) for b in bodies if isinstance(b, dict)]
        for f in rollout_files(home, "rollout-*.jsonl"):
            lines = rollout_records(f)
            ctx = [x["payload"] for x in lines if x["type"] == "turn_context"]
            out["turn_context_tier_keys"] = sorted(
                {k for c in ctx for k in c if "tier" in k or "service" in k}
            )
        return out


def app_server_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")], Usage(10, 0, 2))) as s, s.serve(argv) as client:
        repo, mock = s.repo, s.mock
        base = {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "danger-full-access"}

        def start(extra: dict[str, Any]) -> Any:
            reply, _ = client.response(client.start("thread/start", {**base, **extra}))
            if "error" in reply:
                return {"error": reply["error"]}
            return reply["result"]

        def tier_of_turn(thread_id: str, params: dict[str, Any]) -> Any:
            before = len(mock.requests)
            rid = client.start(
                "turn/start",
                {"threadId": thread_id, "input": [{"type": "text", "text": "hi"}], **params},
            )
            reply, _ = client.response(rid)
            if "error" in reply:
                return {"error": reply["error"]}
            client.until(
                lambda m: (
                    m.get("method") == "turn/completed" and m["params"]["threadId"] == thread_id
                )
            )
            return [_tier_of(r.json) for r in mock.requests[before:]]

        for name, extra in [
            ("none", {}),
            ("fast", {"serviceTier": "fast"}),
            ("priority", {"serviceTier": "priority"}),
            ("flex", {"serviceTier": "flex"}),
            ("default", {"serviceTier": "default"}),
            ("bogus", {"serviceTier": "bogus"}),
            ("null", {"serviceTier": None}),
            ("config_fast", {"config": {"service_tier": "fast"}}),
        ]:
            result = start(extra)
            if "error" in result:
                facts[f"thread_start_{name}"] = result
                continue
            tid = result["thread"]["id"]
            facts[f"thread_start_{name}"] = {
                "serviceTier": result["serviceTier"],
                "turn": tier_of_turn(tid, {}),
            }
        tid = start({})["thread"]["id"]
        facts["turn_start"] = {
            "fast": tier_of_turn(tid, {"serviceTier": "fast"}),
            "next_without": tier_of_turn(tid, {}),
            "flex": tier_of_turn(tid, {"serviceTier": "flex"}),
            "null": tier_of_turn(tid, {"serviceTier": None}),
            "bogus": tier_of_turn(tid, {"serviceTier": "bogus"}),
            "for_turn_fast": tier_of_turn(tid, {"serviceTierForTurn": "fast"}),
            "after_for_turn": tier_of_turn(tid, {}),
        }
        resumed = client.call("thread/resume", {"threadId": tid})
        facts["thread_resume_after_turn_tiers"] = resumed["serviceTier"]
        tid2 = start({"serviceTier": "fast"})["thread"]["id"]
        tier_of_turn(tid2, {})
        client.call("thread/unsubscribe", {"threadId": tid2})
        resumed = client.response(client.start("thread/resume", {"threadId": tid2}))[0]
        facts["thread_resume_of_fast_thread"] = resumed.get("result", {}).get(
            "serviceTier", resumed.get("error")
        )
        models = client.call("model/list", {})
        facts["model_list"] = {
            m["id"]: {
                "serviceTiers": m["serviceTiers"],
                "defaultServiceTier": m["defaultServiceTier"],
                "additionalSpeedTiers": m["additionalSpeedTiers"],
            }
            for m in models["data"]
        }
        caps = client.response(client.start("modelProvider/capabilities/read", {}))[0]
        facts["model_provider_capabilities"] = caps.get("result", caps.get("error"))
    facts["exit_code"] = client.proc.returncode
    return facts


def all_facts(binary: Path) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "about": "service tier handling of the official 0.169.0 CLI against the loopback mock "
        "(config: tests/support/mock_config.py, model gpt-5.5), captured by "
        "tests/exec/capture_service_tier.py",
        "exec": [exec_case(str(binary), a, t, json_mode=False) for a, t in EXEC_CASES],
        "exec_json": [
            exec_case(str(binary), a, t, json_mode=True)
            for a, t in EXEC_CASES
            if "bogus" in a or "not-in-catalog" in a
        ],
        "exec_errors": [exec_case(str(binary), a, t, json_mode=False) for a, t in ERROR_CASES],
        "exec_profile": [
            exec_case(str(binary), a, "", json_mode=False, profile=f) for a, f in PROFILE_CASES
        ],
    }
    facts["app_server"] = app_server_facts(app_server_argv(binary))
    return facts


def main() -> int:
    return capture_main(FIXTURE, all_facts)


if __name__ == "__main__":
    sys.exit(main())
