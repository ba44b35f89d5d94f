"""The otel events' `terminal.type` is the User-Agent's terminal token (codex.protocol.terminal,
tests/fixtures/terminal_token_official.json): one real `codex exec` turn exported to a loopback
OTLP receiver, with `TERM_PROGRAM`/`TERM_PROGRAM_VERSION` set so the token is `program/version`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

pytest.importorskip("opentelemetry.proto", reason="needs opentelemetry-proto (the test extra)")
pytest.importorskip("opentelemetry.sdk", reason="needs opentelemetry-sdk (the otel extra)")

from tests.otel.test_otel_export import Receiver, attrs, otel_config


@pytest.fixture(name="otlp")
def _otlp() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "terminal_token_official.json"


def test_terminal_type_is_the_user_agent_token(
    mock_model_server: MockModelServer, otlp: Receiver, tmp_path: Path
) -> None:
    (case,) = [
        c for c in json.loads(FIXTURE.read_text())["cases"] if c["name"] == "iterm_with_version"
    ]
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url, otel_config(otlp, log_prompt=False))
    mock_model_server.enqueue(Turn([Message("done")], Usage(10, 0, 1)))
    res = run_codex("exec", "--skip-git-repo-check", "hi", home=home, cwd=tmp_path, env=case["env"])
    assert res.rc == 0, res.stderr
    ua = mock_model_server.requests[-1].header("user-agent")
    assert f") {case['token']} (" in ua
    otlp.wait_for(lambda: "codex.conversation_starts" in otlp.events())
    starts = next(
        attrs(r) for r in otlp.logs if attrs(r)["event.name"] == "codex.conversation_starts"
    )
    assert starts["terminal.type"] == case["token"]
