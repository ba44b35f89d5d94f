"""The official TypeScript SDK (@openai/codex-sdk 0.163.0), unchanged, driving our `codex` binary
against the mock model server: one process per turn, prompt on stdin, `resume <id>` from a later
node process, `--output-schema`, `--image`, and a failed turn. Skipped when node or the SDK is
absent (see tests/support/official.py: `.ci/run` installs the SDK into the anchor cache, or point
CODEX_TS_SDK at its dist/index.js)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import codex_env, write_config
from tests.exec.test_exec_e2e import PNG
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import HttpError, Message, Turn, Usage
from tests.support.official import INSTALL_HINT, ts_sdk

DRIVER = Path(__file__).parent / "sdk" / "drive_ts_sdk.mjs"
SDK = ts_sdk()
NODE = shutil.which("node")
CODEX = Path(sys.executable).parent / "codex"
USAGE = Usage(input_tokens=42, cached_input_tokens=0, output_tokens=7)

pytestmark = pytest.mark.skipif(
    NODE is None or SDK is None or not CODEX.is_file(),
    reason=f"needs node (found: {NODE}), @openai/codex-sdk (found: {SDK}; {INSTALL_HINT}) "
    f"and the installed codex script ({CODEX})",
)


@pytest.fixture
def env(tmp_path: Path, mock_model_server: MockModelServer) -> dict[str, str]:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    return codex_env(home)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def drive(env: dict[str, str], mode: str, workdir: Path, extra: str = "") -> list[dict[str, Any]]:
    argv = [str(NODE), str(DRIVER), SDK.as_uri(), str(CODEX), mode, str(workdir)]
    if extra:
        argv.append(extra)
    proc = subprocess.run(argv, env=env, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    return [orjson.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_run_stream_and_resume_in_a_later_process(
    mock_model_server: MockModelServer, env: dict[str, str], workdir: Path
) -> None:
    mock_model_server.enqueue(
        Turn([Message("Hello from the mock model.")], USAGE),
        Turn([Message("Again!")], USAGE),
        Turn([Message("Continued.")], USAGE),
    )
    run, streamed = drive(env, "start", workdir)
    assert run["finalResponse"] == "Hello from the mock model."
    assert run["itemTypes"] == ["agent_message"]
    assert run["usage"] == {
        "input_tokens": 42,
        "cached_input_tokens": 0,
        "cache_write_input_tokens": 0,
        "output_tokens": 7,
        "reasoning_output_tokens": 0,
    }
    thread_id = run["threadId"]
    assert thread_id
    # The second turn of the same Thread spawned `codex exec … resume <id>`.
    assert streamed["threadId"] == thread_id
    assert streamed["types"] == [
        "thread.started",
        "turn.started",
        "item.completed",
        "turn.completed",
    ]
    (resumed,) = drive(env, "resume", workdir, thread_id)
    assert resumed["threadId"] == thread_id
    assert resumed["finalResponse"] == "Continued."
    assert resumed["usage"]["input_tokens"] == 126  # thread-cumulative, as 0.169
    last = mock_model_server.requests[-1]
    assert last.header("originator") == "codex_sdk_ts"
    texts = last.message_texts("user")
    assert "Say hello" in texts and "Again" in texts and texts[-1] == "Continue"


def test_output_schema(
    mock_model_server: MockModelServer, env: dict[str, str], workdir: Path
) -> None:
    mock_model_server.enqueue(Turn([Message('{"answer":"yes"}')], USAGE))
    (result,) = drive(env, "schema", workdir)
    assert result["finalResponse"] == '{"answer":"yes"}'
    fmt = mock_model_server.single_request().json["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["name"] == "codex_output_schema"
    assert fmt["schema"]["required"] == ["answer"]


def test_local_image(
    mock_model_server: MockModelServer, env: dict[str, str], workdir: Path, tmp_path: Path
) -> None:
    image = tmp_path / "pixel.png"
    image.write_bytes(PNG)
    mock_model_server.enqueue(Turn([Message("a pixel")], USAGE))
    (result,) = drive(env, "image", workdir, str(image))
    assert result["finalResponse"] == "a pixel"
    user = [i for i in mock_model_server.single_request().input() if i.get("role") == "user"][-1]
    assert [p["type"] for p in user["content"]] == ["input_image", "input_text"]


def test_failed_turn_raises(
    mock_model_server: MockModelServer, env: dict[str, str], workdir: Path
) -> None:
    body = {"error": {"message": "bad request from mock", "type": "invalid_request_error"}}
    mock_model_server.enqueue(HttpError(400, body))
    (result,) = drive(env, "fail", workdir)
    assert result["error"] and "bad request from mock" in result["error"]


def test_thread_options_become_flags_we_accept(
    mock_model_server: MockModelServer, env: dict[str, str], workdir: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    mock_model_server.enqueue(Turn([Message("configured")], USAGE))
    (result,) = drive(env, "options", workdir, str(extra))
    assert result["finalResponse"] == "configured"
    body = mock_model_server.single_request().json
    assert body["model"] == "gpt-5.5"
    assert body["reasoning"]["effort"] == "low"


def test_sdk_base_url_and_api_key_reach_the_builtin_openai_provider(
    mock_model_server: MockModelServer, tmp_path: Path, workdir: Path
) -> None:
    # No config.toml at all: the SDK's `baseUrl` becomes `--config openai_base_url=...`, which
    # must move the built-in `openai` provider, and its `apiKey` arrives as CODEX_API_KEY.
    home = tmp_path / "bare-home"
    home.mkdir()
    mock_model_server.enqueue(Turn([Message("via base url")], USAGE))
    (result,) = drive(codex_env(home), "baseurl", workdir, mock_model_server.base_url)
    assert result["finalResponse"] == "via base url"
    request = mock_model_server.single_request()
    assert request.path.endswith("/responses")
    assert request.header("authorization") == "Bearer sk-sdk-key"
