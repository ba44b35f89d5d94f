"""Rollout interop with the official Codex CLI 0.169.0 binary, both directions.

Runs the real binary (npm @openai/codex@0.169.0, installed outside the repo; set
CODEX_OFFICIAL_BIN or see tests/support/official.py) against the loopback mock model server with
a temporary CODEX_HOME: it must resume sessions we wrote (by id and with --last) and send their
history to the model, and after we append to a session it wrote, it must still resume it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.official import official_binary

from codex.rollout import RolloutRecorder, SessionMetaParams, find_session_path, load_rollout

OFFICIAL = official_binary()

pytestmark = pytest.mark.skipif(OFFICIAL is None, reason="official codex binary not installed")


@pytest.fixture
def env(tmp_path: Path, mock_model_server: MockModelServer) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nmodel_provider = "mock"\n\n[model_providers.mock]\n'
        f'name = "Mock"\nbase_url = "{mock_model_server.base_url}"\nwire_api = "responses"\n'
        'env_key = "MOCK_KEY"\n'
    )
    mock_model_server.repeat(Turn([Message("mock reply")]))
    work = tmp_path / "work"
    work.mkdir()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CODEX_HOME": str(home),
        "MOCK_KEY": "sk-mock-123",
    }


def official(env: dict[str, str], *args: str) -> list[dict]:  # type: ignore[type-arg]
    done = subprocess.run(
        [str(OFFICIAL), "exec", "--json", "--skip-git-repo-check", *args],
        cwd=Path(env["HOME"]) / "work",
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return [orjson.loads(line) for line in done.stdout.splitlines()]


def texts(request_json: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    out = []
    for item in request_json.get("input", []):
        if item.get("type") == "message":
            text = "".join(c.get("text", "") for c in item.get("content", []))
            out.append((item["role"], text))
    return out


def our_turn(rec: RolloutRecorder, user: str, answer: str) -> None:
    rec.record_response_item(
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": user}]}
    )
    rec.record_event({"type": "user_message", "message": user, "images": []})
    rec.record_turn_context(
        {
            "cwd": "/w",
            "approval_policy": "never",
            "sandbox_policy": {"type": "read-only"},
            "model": "gpt-5.5",
            "summary": "auto",
        }
    )
    rec.record_event({"type": "agent_message", "message": answer})
    rec.record_response_item(
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": answer}],
        }
    )
    rec.turn_end()


def test_official_resumes_a_session_we_wrote(
    env: dict[str, str], mock_model_server: MockModelServer
) -> None:
    home = Path(env["CODEX_HOME"])
    meta = SessionMetaParams(
        cwd=str(Path(env["HOME"]) / "work"),
        originator="codex_exec",
        cli_version="0.169.0",
        source="exec",
        model_provider="mock",
    )
    with RolloutRecorder.create(home, meta) as rec:
        our_turn(rec, "remember the word PELICAN", "I will remember PELICAN.")
    before = rec.path.read_bytes()

    events = official(env, "resume", rec.conversation_id, "which word?")
    assert events[0] == {"type": "thread.started", "thread_id": rec.conversation_id}
    assert events[-1]["type"] == "turn.completed"
    sent = texts(mock_model_server.last_request().json)
    assert ("user", "remember the word PELICAN") in sent
    assert ("assistant", "I will remember PELICAN.") in sent
    assert sent[-1] == ("user", "which word?")
    # It appended to our file, leaving what we wrote untouched.
    after = rec.path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert find_session_path(home, rec.conversation_id) == rec.path

    # --last picks it too; then we read the file it extended.
    events = official(env, "resume", "--last", "and now?")
    assert events[0]["thread_id"] == rec.conversation_id
    resumed = load_rollout(rec.path)
    assert resumed.warnings == []
    roles = [(i.get("role"), i.get("type")) for i in resumed.history]
    assert roles.count(("assistant", "message")) == 3


def test_we_continue_an_official_session_and_it_resumes_it(
    env: dict[str, str], mock_model_server: MockModelServer
) -> None:
    home = Path(env["CODEX_HOME"])
    started = official(env, "remember OSPREY")
    thread_id = started[0]["thread_id"]
    path = find_session_path(home, thread_id)
    assert path is not None
    resumed = load_rollout(path)
    assert resumed.conversation_id == thread_id and resumed.warnings == []
    assert resumed.last_ordinal is not None  # 0.169 writes paginated files
    assert ("assistant", "message") in [(i.get("role"), i.get("type")) for i in resumed.history]

    before = path.read_bytes()
    with RolloutRecorder.resume(resumed) as rec:
        our_turn(rec, "ours: the second word is HERON", "Noted HERON.")
    assert path.read_bytes().startswith(before)
    ordinals = [orjson.loads(line).get("ordinal") for line in path.read_bytes().splitlines()]
    assert ordinals == list(range(len(ordinals)))

    events = official(env, "resume", thread_id, "which words?")
    assert events[-1]["type"] == "turn.completed"
    sent = texts(mock_model_server.last_request().json)
    assert ("user", "remember OSPREY") in sent
    assert ("user", "ours: the second word is HERON") in sent
    assert ("assistant", "Noted HERON.") in sent
    assert sent[-1] == ("user", "which words?")
