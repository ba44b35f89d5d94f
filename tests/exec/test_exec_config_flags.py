"""`codex exec --ignore-rules`, `--ignore-user-config` and the feature/strict flags given after the
prompt, through the real `codex` process and the loopback mock model server."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exec.harness import run_codex
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
FORBID_TOUCH = 'prefix_rule(pattern=["touch"], decision="forbidden", justification="no touching")\n'


@pytest.mark.parametrize("ignore", [False, True])
def test_ignore_rules_skips_the_rules_files(
    mock_model_server: MockModelServer, home: Path, repo: Path, ignore: bool
) -> None:
    (home / "rules").mkdir()
    (home / "rules" / "default.rules").write_text(FORBID_TOUCH)
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "touch made.txt"})], USAGE),
        Turn([Message("ok")], USAGE),
    )
    flags = ["--ignore-rules"] if ignore else []
    res = run_codex("exec", "--json", "-s", "workspace-write", *flags, "go", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    output = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert (repo / "made.txt").exists() is ignore
    assert ("rejected: no touching" in output) is not ignore


def test_ignore_user_config_runs_on_overrides_alone(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # Unusable as a config: without the flag the run must fail on it.
    (home / "config.toml").write_text('model_provider = "nowhere"\n')
    provider = (
        f'{{name="m", base_url="{mock_model_server.base_url}", wire_api="responses", '
        'env_key="MOCK_KEY"}'
    )
    overrides = ["-c", "model_provider=mock", "-c", f"model_providers.mock={provider}"]
    mock_model_server.enqueue(Turn([Message("from the mock")], USAGE))
    res = run_codex("exec", "--ignore-user-config", *overrides, "hi", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.stdout.decode().strip() == "from the mock"
    res = run_codex("exec", "hi", home=home, cwd=repo)
    assert res.rc == 1 and "nowhere" in res.stderr
    # A file named by --config-file was asked for explicitly: it is still read.
    team = write_mock_config(tmp_path / "team", mock_model_server.base_url) / "config.toml"
    mock_model_server.enqueue(Turn([Message("from the team file")], USAGE))
    argv = ["exec", "--config-file", str(team), "--ignore-user-config", "hi"]
    res = run_codex(*argv, home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    assert res.stdout.decode().strip() == "from the team file"


def test_feature_and_strict_flags_after_the_prompt(
    mock_model_server: MockModelServer, home: Path, repo: Path
) -> None:
    config = home / "config.toml"
    config.write_text("not_a_field = true\n" + config.read_text())
    res = run_codex("exec", "hi", "--strict-config", home=home, cwd=repo)
    assert res.rc == 1
    assert "unknown configuration field `not_a_field`" in res.stderr
    res = run_codex("exec", "hi", "--enable", "nope", home=home, cwd=repo)
    assert res.rc == 1
    assert "unknown feature flag: nope" in res.stderr
    assert mock_model_server.requests == []
    config.write_text(config.read_text().replace("not_a_field = true\n", ""))
    mock_model_server.enqueue(Turn([Message("a")], USAGE), Turn([Message("b")], USAGE))
    for flags in ([], ["--disable", "shell_tool"]):
        res = run_codex("exec", "hi", *flags, "--strict-config", home=home, cwd=repo)
        assert res.rc == 0, res.stderr
    offered = [
        {t.get("name") for t in request.json["tools"]} & {"exec_command", "shell"}
        for request in mock_model_server.requests
    ]
    assert offered[0] and not offered[1]
