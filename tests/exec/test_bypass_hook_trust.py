"""`--dangerously-bypass-hook-trust` (0.169: on the root command and on `exec`): for this one
invocation every enabled hook runs without a `[hooks.state]` trust record. Real `codex exec`
processes against the loopback mock, with a `$CODEX_HOME/hooks.json` hook nobody trusted.

Without the flag the hook waits for review and does not run; nothing but the command line may
switch review off: not `-c`, not config.toml, not an app-server client's `config` parameter
(all three once could, when the flag was carried as a config key); a hook switched off with
`enabled = false` stays off even with the flag."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.tools.hook_trust import hook_key

REVIEW = "1 hook needs review before it can run"


def _setup(tmp_path: Path, mock: MockModelServer, extra: str = "") -> tuple[Path, Path, Path]:
    home, work, log = tmp_path / "home", tmp_path / "work", tmp_path / "hook.log"
    home.mkdir()
    work.mkdir()
    write_config(home, mock.base_url, extra)
    hook = {"type": "command", "command": f"cat >> {log}; echo >> {log}"}
    (home / "hooks.json").write_bytes(orjson.dumps({"hooks": {"PreToolUse": [{"hooks": [hook]}]}}))
    mock.enqueue(
        Turn([FunctionCall("c1", "exec_command", {"cmd": "echo hi"})]), Turn([Message("done")])
    )
    return home, work, log


def _ran(log: Path) -> list[str]:
    if not log.exists():
        return []
    return [orjson.loads(line)["tool_use_id"] for line in log.read_text().splitlines() if line]


EXEC = ("exec", "--skip-git-repo-check", "-s", "danger-full-access")


@pytest.mark.parametrize(
    "argv",
    [
        (*EXEC, "--dangerously-bypass-hook-trust", "go"),
        ("--dangerously-bypass-hook-trust", *EXEC, "go"),  # the root option, inherited by exec
    ],
    ids=["exec", "root"],
)
def test_the_flag_runs_an_unreviewed_hook(tmp_path: Path, argv: tuple[str, ...]) -> None:
    with MockModelServer() as mock:
        home, work, log = _setup(tmp_path, mock)
        result = run_codex(*argv, home=home, cwd=work)
    assert result.rc == 0, result.stderr
    assert _ran(log) == ["c1"]
    assert REVIEW not in result.stderr  # nothing waits for review in this invocation


@pytest.mark.parametrize(
    ("extra", "argv"),
    [
        ("", ()),
        ("", ("-c", "hooks.dangerously_bypass_trust=true")),
        ("[hooks]\ndangerously_bypass_trust = true\n", ()),
    ],
    ids=["no-flag", "dash-c", "config-file"],
)
def test_without_the_flag_the_hook_waits_for_review(
    tmp_path: Path, extra: str, argv: tuple[str, ...]
) -> None:
    with MockModelServer() as mock:
        home, work, log = _setup(tmp_path, mock, extra)
        result = run_codex(*argv, *EXEC, "go", home=home, cwd=work)
    assert result.rc == 0, result.stderr
    assert _ran(log) == []
    assert REVIEW in result.stderr


def test_a_switched_off_hook_stays_off_with_the_flag(tmp_path: Path) -> None:
    key = hook_key((tmp_path / "home" / "hooks.json").resolve(), "PreToolUse", 0, 0)
    state = f'[hooks.state."{key}"]\nenabled = false\n'
    with MockModelServer() as mock:
        home, work, log = _setup(tmp_path, mock, state)
        result = run_codex(*EXEC, "--dangerously-bypass-hook-trust", "go", home=home, cwd=work)
    assert result.rc == 0, result.stderr
    assert _ran(log) == []


def test_an_app_server_client_cannot_switch_review_off(tmp_path: Path) -> None:
    with MockModelServer() as mock:
        home, work, log = _setup(tmp_path, mock)
        client = RpcClient(ours_argv(), scratch_env(home), work)
        try:
            client.initialize()
            params = {
                "cwd": str(work),
                "sandbox": "danger-full-access",
                "approvalPolicy": "never",
                "config": {"hooks.dangerously_bypass_trust": True},
            }
            thread = client.call("thread/start", params)["thread"]["id"]
            _, notes = client.turn(thread, "go")
        finally:
            client.close()
    assert notes[-1]["params"]["turn"]["status"] == "completed"
    assert _ran(log) == []
