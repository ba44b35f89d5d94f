"""`--oss` against loopback servers (no model needed): the one-line errors, the /v1/models check,
the provider and default model it selects, and `tool_call_mode = "json"` turning constrained
replies into real tool calls. The mock model server plays Ollama / LM Studio."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir()
    return path


@pytest.fixture
def repo(git_repo: Path) -> Path:
    return git_repo


def test_no_server_is_one_line_naming_the_address(home: Path, repo: Path) -> None:
    res = run_codex(
        "exec", "--oss", "--local-provider", "lmstudio", "hi",
        home=home, cwd=repo, env={"CODEX_OSS_PORT": "1"},
    )  # fmt: skip
    assert res.rc == 1
    notice, error = res.stderr.splitlines()  # 0.169 reads a piped stdin after a PROMPT too
    assert notice == "Reading additional input from stdin..."
    assert "--oss: no local LM Studio server answers at 127.0.0.1:1" in error
    assert "lms server start" in error


def test_missing_model_lists_what_the_server_has(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    mock_model_server.models = ["llama3.2:1b", "qwen2.5:0.5b"]
    res = run_codex(
        "exec", "--oss", "hi", home=home, cwd=repo,
        env={"CODEX_OSS_BASE_URL": mock_model_server.base_url},
    )  # fmt: skip
    assert res.rc == 1
    notice, line = res.stderr.splitlines()
    assert notice == "Reading additional input from stdin..."
    assert "model `gpt-oss:20b` is not available on the Ollama server" in line
    assert "llama3.2:1b, qwen2.5:0.5b" in line
    assert "ollama pull gpt-oss:20b" in line
    assert all(r.method == "GET" for r in mock_model_server.requests)


@pytest.mark.parametrize(
    ("provider", "wire", "default_model"),
    [("ollama", "chat", "gpt-oss:20b"), ("lmstudio", "responses", "openai/gpt-oss-20b")],
)
def test_oss_runs_the_turn_on_the_local_server(
    mock_model_server: MockModelServer,
    home: Path,
    repo: Path,
    provider: str,
    wire: str,
    default_model: str,
) -> None:
    mock_model_server.models = [default_model]
    mock_model_server.enqueue(Turn([Message("local answer", ["local ", "answer"])]))
    (home / "config.toml").write_text(f'oss_provider = "{provider}"\n')
    res = run_codex(
        "exec", "--oss", "--json", "hi", home=home, cwd=repo,
        env={"CODEX_OSS_BASE_URL": mock_model_server.base_url},
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    posts = [r for r in mock_model_server.requests if r.method == "POST"]
    assert len(posts) == 1
    assert posts[0].wire == wire
    assert posts[0].json["model"] == default_model
    done = [e for e in res.events() if e["type"] == "item.completed"]
    assert done[-1]["item"]["text"] == "local answer"
    meta = orjson.loads(rollout_files(home)[0].read_bytes().splitlines()[0])
    assert meta["payload"]["model_provider"] == provider


JSON_MODE_CONFIG = """model = "tiny"
model_provider = "weak"

[model_providers.weak]
name = "weak local model"
base_url = "{base_url}"
wire_api = "{wire}"
tool_call_mode = "json"
"""


@pytest.mark.parametrize("wire", ["chat", "responses"])
def test_json_tool_mode_round_trip(
    mock_model_server: MockModelServer, home: Path, repo: Path, wire: str
) -> None:
    """The model answers with constrained JSON text; codex runs the call and sends the output
    back as a message, then streams the final message's text."""
    call = {"action": "tool", "name": "shell", "arguments": {"command": ["echo", "hi-there"]}}
    final = '{"action": "final", "message": "it said \\"hi-there\\" \\u2713"}'
    pieces = [final[:20], final[20:33], final[33:47], final[47:]]
    mock_model_server.enqueue(
        Turn([Message(orjson.dumps(call).decode())]), Turn([Message(final, pieces)])
    )
    (home / "config.toml").write_text(
        JSON_MODE_CONFIG.format(base_url=mock_model_server.base_url, wire=wire)
    )
    res = run_codex("exec", "--json", "say hi", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    events = res.events()
    commands = [e["item"] for e in events if e["type"] == "item.completed"]
    assert commands[0]["type"] == "command_execution"
    assert "hi-there" in commands[0]["aggregated_output"]
    assert commands[-1] == {**commands[-1], "type": "agent_message", "text": 'it said "hi-there" ✓'}

    first, second = mock_model_server.requests
    for request in (first, second):
        assert "tools" not in request.json
        schema = request.json["response_format"]["json_schema"]["schema"]
        assert (schema["anyOf"][0]["properties"]) == {
            "action": {"const": "final"},
            "message": {"type": "string"},
        }
    names = [c["properties"]["name"]["const"] for c in first.json["response_format"][
        "json_schema"]["schema"]["anyOf"][1:]]  # fmt: skip
    assert "shell" in names
    # The call and its output come back as plain messages, in the JSON the model wrote.
    texts = orjson.dumps(second.json).decode()
    assert '\\"action\\":\\"tool\\"' in texts
    assert "hi-there" in texts

    rollout = [orjson.loads(x) for x in rollout_files(home)[0].read_bytes().splitlines()]
    kinds = [r["payload"].get("type") for r in rollout if r["type"] == "response_item"]
    assert kinds.count("function_call") == 1
    assert kinds.count("function_call_output") == 1


def test_model_provider_oss_in_config_checks_the_server_too(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    """`model_provider = "oss"` without --oss: same provider choice and checks; a configured
    model is kept."""
    mock_model_server.models = ["qwen2.5:0.5b"]
    mock_model_server.enqueue(Turn([Message("from qwen")]))
    (home / "config.toml").write_text('model_provider = "oss"\nmodel = "qwen2.5:0.5b"\n')
    env = {"CODEX_OSS_BASE_URL": mock_model_server.base_url}
    res = run_codex("exec", "--json", "hi", home=home, cwd=repo, env=env)
    assert res.rc == 0, res.stderr
    (post,) = [r for r in mock_model_server.requests if r.method == "POST"]
    assert post.wire == "chat" and post.json["model"] == "qwen2.5:0.5b"
    (home / "config.toml").write_text('model_provider = "oss"\nmodel = "llama9"\n')
    res = run_codex("exec", "hi", home=home, cwd=repo, env=env)
    assert res.rc == 1 and "model `llama9` is not available" in res.stderr
