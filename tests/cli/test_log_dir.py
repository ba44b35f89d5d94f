"""Config `log_dir` moves every log file codex writes, not only the TUI's: a batch run's log, the
login log and MCP servers' stderr logs all follow the one rule (codex.config.log_dir), through
real `codex` processes against the mock model server and a real MCP peer (the `mcp` SDK's).
A relative `log_dir` is taken, as 0.169 takes it, from config.toml's directory, or from the cwd
when `-c` sets it."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import orjson
from tests.exec.harness import run_codex, write_config
from tests.mcp.harness import stdio_table
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn


def _home(tmp_path: Path, server: MockModelServer, log_dir: str, tables: str = "") -> Path:
    home = tmp_path / "home"
    write_config(home, server.base_url, tables)
    config = home / "config.toml"
    # A top-level key: it goes before the config's tables.
    config.write_text(f"log_dir = {orjson.dumps(log_dir).decode()}\n" + config.read_text())
    return home


def _login(home: Path, cwd: Path, *argv: str) -> None:
    run = run_codex(*argv, "login", "--with-api-key", home=home, cwd=cwd, stdin=b"sk-test-1234\n")
    assert run.rc == 0, run.stderr


def test_batch_login_and_mcp_logs_land_in_the_configured_log_dir(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    logs = tmp_path / "logs"
    home = _home(tmp_path, mock_model_server, str(logs), stdio_table("peer"))
    work = tmp_path / "work"
    work.mkdir()

    # An MCP server's stderr: the peer is started and called, so it has written its first line.
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "mcp__peer__echo", {"text": "hi"})]), Turn([Message("done")])
    )
    run = run_codex("exec", "--json", "--skip-git-repo-check", "go", home=home, cwd=work)
    assert run.rc == 0, run.stderr
    assert "peer starting" in (logs / "mcp-peer.log").read_text()

    # A batch run's own log.
    mock_model_server.repeat(Turn([Message("answer")]))
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_bytes(orjson.dumps({"id": "t1", "prompt": "hi"}) + b"\n")
    out = tmp_path / "out.jsonl"
    run = run_codex(
        "batch", str(tasks), "-o", str(out), "--skip-git-repo-check", home=home, cwd=work
    )
    assert run.rc == 0, run.stderr
    assert len(list(logs.glob("codex-batch-*.log"))) == 1

    # The login log (0600, its line in tracing's shape, as 0.169's).
    _login(home, work)
    login_log = logs / "codex-login.log"
    assert stat.S_IMODE(login_log.stat().st_mode) == 0o600
    assert re.fullmatch(
        r"\S+Z  INFO codex\.auth: starting api key login flow\n", login_log.read_text()
    )

    assert not (home / "log").exists()


def test_a_relative_log_dir_is_taken_from_config_toml_or_from_the_cwd_for_dash_c(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    home = _home(tmp_path, mock_model_server, "rel-logs")
    work = tmp_path / "work"
    work.mkdir()
    _login(home, work)
    assert (home / "rel-logs" / "codex-login.log").is_file()
    _login(home, work, "-c", 'log_dir="cli-logs"')
    assert (work / "cli-logs" / "codex-login.log").is_file()
    assert not (work / "rel-logs").exists() and not (home / "log").exists()


def test_login_status_logout_and_an_empty_key_write_no_login_log(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    # 0.169's login log is made by its first line, which only the login flows write.
    home = _home(tmp_path, mock_model_server, str(tmp_path / "logs"))
    for argv in (("login", "status"), ("logout",)):
        run = run_codex(*argv, home=home, cwd=tmp_path)
        assert run.rc in (0, 1), run.stderr
    run = run_codex("login", "--with-api-key", home=home, cwd=tmp_path, stdin=b"\n")
    assert run.rc == 1 and "No API key provided via stdin." in run.stderr
    assert not (tmp_path / "logs").exists() and not (home / "log").exists()
