"""`codex exec` in JSON tool mode when the model's reply reaches the output limit (issue 15, item
10), through the real CLI against the loopback mock server playing a small local model: the cut
reply is the answer (no "Reconnecting...", no second request), the `{"action": ...}` wrapper is
never printed, and a cut tool call ends the turn with one clear line."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

CONFIG = """model = "tiny"
model_provider = "weak"

[model_providers.weak]
name = "weak local model"
base_url = "{base_url}"
wire_api = "{wire}"
tool_call_mode = "json"
"""

CUT = '{\n  "action": "final",\n  "message": "A hash map keeps key/value pairs in buckets. The'
CUT_TEXT = "A hash map keeps key/value pairs in buckets. The"


def _setup(server: MockModelServer, home: Path, wire: str, text: str) -> None:
    pieces = [text[i : i + 5] for i in range(0, len(text), 5)]
    server.enqueue(
        Turn([Message(text, pieces)], usage=Usage(input_tokens=700, output_tokens=512),
             fault="incomplete")
    )  # fmt: skip
    (home / "config.toml").write_text(CONFIG.format(base_url=server.base_url, wire=wire))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir()
    return path


@pytest.mark.parametrize("wire", ["chat", "responses"])
def test_cut_answer_is_printed_once_without_wrapper_or_retry(
    mock_model_server: MockModelServer, home: Path, git_repo: Path, wire: str
) -> None:
    _setup(mock_model_server, home, wire, CUT)
    res = run_codex("exec", "Explain in detail how a hash map works", home=home, cwd=git_repo)
    assert res.rc == 0, res.stderr
    assert res.stdout.decode() == CUT_TEXT + "\n"
    assert "Reconnecting" not in res.stderr
    assert '"action"' not in res.stderr and '"action"' not in res.stdout.decode()
    assert len(mock_model_server.requests) == 1


def test_cut_answer_in_json_stream_and_rollout(
    mock_model_server: MockModelServer, home: Path, git_repo: Path
) -> None:
    _setup(mock_model_server, home, "chat", CUT)
    res = run_codex("exec", "--json", "Explain hash maps", home=home, cwd=git_repo)
    assert res.rc == 0, res.stderr
    events = res.events()
    assert [e["type"] for e in events] == [
        "thread.started", "turn.started", "item.completed", "turn.completed",
    ]  # fmt: skip
    assert events[2]["item"] == {**events[2]["item"], "type": "agent_message", "text": CUT_TEXT}
    assert events[3]["usage"]["output_tokens"] == 512
    rollout = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    messages = [
        r["payload"]
        for r in rollout
        if r["type"] == "response_item" and r["payload"].get("role") == "assistant"
    ]
    assert [m["content"][0]["text"] for m in messages] == [CUT_TEXT]


def test_cut_tool_call_is_one_line_error(
    mock_model_server: MockModelServer, home: Path, git_repo: Path
) -> None:
    text = '{"action": "tool", "name": "exec_command", "arguments": {"cmd": "find / -name'
    _setup(mock_model_server, home, "chat", text)
    res = run_codex("exec", "find the hash map sources", home=home, cwd=git_repo)
    assert res.rc == 1
    assert res.stdout == b""
    assert "Reconnecting" not in res.stderr and '"action"' not in res.stderr
    errors = [line for line in res.stderr.splitlines() if "cut off" in line]
    assert len(errors) == 1
    assert "in the middle of a tool call" in errors[0]
    assert len(mock_model_server.requests) == 1
    rollout = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    usage = [
        r["payload"]["info"]["last_token_usage"]["output_tokens"]
        for r in rollout
        if r["payload"].get("type") == "token_count" and r["payload"].get("info")
    ]
    assert usage == [512]
