"""Where 0.169's app-server reports a thread's `collaborationMode` (facts for
test_start_fork_mode.py): `python -m tests.app_server.capture_start_fork_mode` (needs the
anchor, tests/support/official.py) rewrites tests/fixtures/start_fork_mode_official.json
(`--out PATH` writes elsewhere, to diff a re-capture).

One scenario, run the same way against either binary (`start_fork_mode_facts(argv)`), for a
client with and without `experimentalApi`, in a scratch CODEX_HOME against the loopback mock
model server: thread/start, a turn, thread/fork, thread/resume; with the experimental API also
a turn in Plan mode, then a fork of that thread and thread/resume of both. Each answer is
reduced to whether it has a `collaborationMode` key and, if so, its mode and whether it carries
developer instructions (their text is upstream prose, not recorded); then the fork's first turn:
which mode the collaboration-mode developer messages of its model request describe, and the
mode its rollout's turn_context records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import app_server_argv, capture_main, rollout_records, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "start_fork_mode_official.json"
PLAN = {"mode": "plan", "settings": {"model": "gpt-5.5"}}


def _mode(result: dict[str, Any]) -> Any:
    if "collaborationMode" not in result:
        return "<absent>"
    mode = result["collaborationMode"]
    if mode is None:
        return None
    settings = mode.get("settings") or {}
    return {
        "mode": mode.get("mode"),
        "model": settings.get("model"),
        "reasoning_effort": settings.get("reasoning_effort"),
        "has developer_instructions": settings.get("developer_instructions") is not None,
    }


def _announcements(requests: list[Any]) -> list[Any]:
    """Per model request: the collaboration-mode developer messages it carries, as which mode
    they describe (Plan's text is the one that asks for a proposed plan)."""
    out = []
    for request in requests:
        texts = [t for t in request.message_texts("developer") if "<collaboration_mode>" in t]
        out.append(["plan" if "proposed_plan" in t else "default" for t in texts])
    return out


def _last_turn_context_mode(path: str) -> Any:
    modes = [
        (r["payload"].get("collaboration_mode") or {}).get("mode")
        for r in rollout_records(path)
        if r.get("type") == "turn_context"
    ]
    return modes[-1] if modes else None


def _turn(client: RpcClient, mock: MockModelServer, thread_id: str, **more: Any) -> None:
    mock.enqueue(Turn([Message("done")]))
    reply, _ = client.turn(thread_id, "go", **more)
    assert "result" in reply, reply


def start_fork_mode_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch() as s:
        mock = s.mock
        for experimental in (False, True):
            tag = "experimental" if experimental else "not experimental"
            with s.serve(argv, capabilities={"experimentalApi": experimental}) as client:
                started = client.call("thread/start", {})
                thread_id = started["thread"]["id"]
                facts[f"{tag}: thread/start"] = _mode(started)
                _turn(client, mock, thread_id)
                forked = client.call("thread/fork", {"threadId": thread_id})
                facts[f"{tag}: thread/fork"] = _mode(forked)
                resumed = client.call("thread/resume", {"threadId": thread_id})
                facts[f"{tag}: thread/resume"] = _mode(resumed)
                if experimental:
                    _turn(client, mock, thread_id, collaborationMode=PLAN)
                    resumed = client.call("thread/resume", {"threadId": thread_id})
                    facts[f"{tag}: thread/resume after a Plan turn"] = _mode(resumed)
                    forked = client.call("thread/fork", {"threadId": thread_id})
                    facts[f"{tag}: thread/fork of a Plan thread"] = _mode(forked)
                    fork_id = forked["thread"]["id"]
                    resumed = client.call("thread/resume", {"threadId": fork_id})
                    facts[f"{tag}: thread/resume of that fork"] = _mode(resumed)
                    before = len(mock.requests)
                    _turn(client, mock, fork_id)
                    facts[f"{tag}: the fork's first turn"] = {
                        "mode announcements": _announcements(mock.requests[before:]),
                        "turn_context mode": _last_turn_context_mode(resumed["thread"]["path"]),
                    }
            facts[f"{tag}: exit code"] = client.proc.returncode
    return facts


if __name__ == "__main__":
    raise SystemExit(
        capture_main(FIXTURE, lambda binary: start_fork_mode_facts(app_server_argv(binary)))
    )
