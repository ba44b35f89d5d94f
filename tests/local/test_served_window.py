"""`--oss` records the context window of the model the server actually serves (issue 15, item
11), through the real CLI against the loopback mock server playing Ollama / LM Studio / a
llama.cpp server: the window comes from their own APIs (`/api/ps`, `/api/v0/models/{id}`,
`/v1/models` meta.n_ctx), the session records 95% of it as the effective window (the rule
0.169 applies to every model), and auto-compaction starts before that window overflows. When
the server says nothing, the session keeps 0.169's fallback (258,400 recorded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import rollout_files, run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

from codex.core.compact import COMPACT_PROMPT

MODEL = "qwen2.5:0.5b"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir()
    return path


def recorded_windows(home: Path) -> list[int]:
    """Every `model_context_window` the session wrote to its rollout."""
    out: list[int] = []
    for line in rollout_files(home)[0].read_bytes().splitlines():
        payload = orjson.loads(line)["payload"]
        if "model_context_window" in payload:
            out.append(payload["model_context_window"])
        info = payload.get("info")
        if isinstance(info, dict) and "model_context_window" in info:
            out.append(info["model_context_window"])
    return out


def run_oss(
    server: MockModelServer, home: Path, repo: Path, provider: str, *extra: str
) -> list[dict[str, Any]]:
    res = run_codex(
        "exec", "--oss", "--local-provider", provider, "-m", MODEL, "--json", *extra, "hi",
        home=home, cwd=repo, env={"CODEX_OSS_BASE_URL": server.base_url},
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    return res.events()


@pytest.mark.parametrize(
    ("provider", "path", "body", "window"),
    [
        (
            "ollama",
            "/api/ps",
            {"models": [{"name": MODEL, "model": MODEL, "context_length": 4096}]},
            4096,
        ),
        ("lmstudio", "/api/v0/models/qwen2.5%3A0.5b", {"loaded_context_length": 16384}, 16384),
        (
            "ollama",  # any llama.cpp server behind CODEX_OSS_BASE_URL
            "/v1/models",
            {"object": "list", "data": [{"id": MODEL, "meta": {"n_ctx": 2048}}]},
            2048,
        ),
    ],
)
def test_window_comes_from_the_server(
    mock_model_server: MockModelServer,
    home: Path,
    git_repo: Path,
    provider: str,
    path: str,
    body: dict[str, Any],
    window: int,
) -> None:
    mock_model_server.models = [MODEL]
    mock_model_server.get_json[path] = body
    mock_model_server.enqueue(Turn([Message("ok")]))
    run_oss(mock_model_server, home, git_repo, provider)
    windows = recorded_windows(home)
    assert windows and set(windows) == {window * 95 // 100}


def test_unknown_window_keeps_the_official_fallback(
    mock_model_server: MockModelServer, home: Path, git_repo: Path
) -> None:
    """0.169 records 258400 (272,000 × 95%) for `--oss` with a model it does not know (checked
    against the official binary with this same loopback setup)."""
    mock_model_server.models = [MODEL]
    # LM Studio knows the model's maximum but serves no window until the model is loaded.
    mock_model_server.get_json["/api/v0/models/qwen2.5%3A0.5b"] = {
        "id": MODEL, "state": "not-loaded", "max_context_length": 32768,
    }  # fmt: skip
    mock_model_server.enqueue(Turn([Message("ok")]))
    run_oss(mock_model_server, home, git_repo, "lmstudio")
    assert set(recorded_windows(home)) == {258400}


def test_configured_window_wins(
    mock_model_server: MockModelServer, home: Path, git_repo: Path
) -> None:
    mock_model_server.models = [MODEL]
    mock_model_server.get_json["/api/ps"] = {"models": [{"model": MODEL, "context_length": 4096}]}
    mock_model_server.enqueue(Turn([Message("ok")]))
    run_oss(mock_model_server, home, git_repo, "ollama", "-c", "model_context_window=10000")
    assert set(recorded_windows(home)) == {9500}


def test_auto_compaction_follows_the_served_window(
    mock_model_server: MockModelServer, home: Path, git_repo: Path
) -> None:
    """A 4,096-token server: a reply whose usage reaches 90% of it (3,686) is compacted before
    the turn goes on (it called a tool, so the model has more to do: 0.169 compacts between the
    two requests); with the fallback window nothing would happen until 244,800."""
    mock_model_server.models = [MODEL]
    mock_model_server.get_json["/api/ps"] = {"models": [{"model": MODEL, "context_length": 4096}]}
    mock_model_server.enqueue(
        Turn(
            [FunctionCall("call_1", "exec_command", {"cmd": "echo hi"})],
            usage=Usage(input_tokens=3600, output_tokens=100),
        ),
        Turn([Message("summary of the work")], usage=Usage(input_tokens=900, output_tokens=50)),
        Turn([Message("done")], usage=Usage(input_tokens=400, output_tokens=5)),
    )
    run_oss(mock_model_server, home, git_repo, "ollama")
    posts = [r for r in mock_model_server.requests if r.method == "POST"]
    assert len(posts) == 3
    assert any(COMPACT_PROMPT in text for text in posts[1].message_texts("user"))
