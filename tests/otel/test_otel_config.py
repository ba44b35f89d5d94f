"""`[otel]` keys as 0.169 reads them from config.toml, through the real CLI: an otlp-http
exporter's `protocol` is `binary` or `json`, anything else stops the run with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer

TABLE = '[otel.exporter.otlp-http]\nendpoint = "http://127.0.0.1:9/v1/logs"\nprotocol = "{}"\n'


def test_an_unknown_otlp_http_protocol_is_named_and_nothing_runs(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url, TABLE.format("xml"))
    run = run_codex("exec", "--skip-git-repo-check", "hi", home=home, cwd=tmp_path)
    assert run.rc == 1
    assert run.stderr.splitlines()[-1] == (
        f"codex: {home / 'config.toml'}: otel.exporter: otlp-http.protocol: "
        "expected one of binary, json, got 'xml'"
    )
    assert mock_model_server.requests == []


@pytest.mark.parametrize("protocol", ["binary", "json"])
def test_both_otlp_http_protocols_are_accepted(
    protocol: str, mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url, TABLE.format(protocol))
    run = run_codex("debug", "config", home=home, cwd=tmp_path)
    assert run.rc == 0, run.stderr
    assert f'otel.exporter.otlp-http.protocol = "{protocol}"' in run.stdout.decode()
