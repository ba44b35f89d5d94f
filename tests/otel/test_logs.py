"""Log lines as upstream (spec-platform §10): `RUST_LOG` filters with upstream's crate names,
`codex exec` logs to stderr, the TUI appends to `<log_dir>/codex-tui.log` (0600), `codex batch`
writes one file per run, and credentials never reach a log."""

from __future__ import annotations

import logging
import re
import stat
import subprocess
import sys
from pathlib import Path

import orjson
from tests.exec.harness import codex_env, run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

from codex.core.logs import TUI_DEFAULT_FILTER, parse_filter

SECRET = "sk-proj-" + "Z" * 40


def test_rust_log_filters_map_upstream_crates_onto_our_packages() -> None:
    base, targets = parse_filter("warn,codex_core=debug,codex_rmcp_client=info,bogus", 0)
    assert base == logging.WARNING
    assert targets == {"codex.core": logging.DEBUG, "codex.mcp_client": logging.INFO}
    _, tui = parse_filter(TUI_DEFAULT_FILTER, logging.WARNING)
    assert tui == {
        "codex.core": 20,
        "codex.tui": 20,
        "codex.mcp_client": 20,
        "codex.realtime_webrtc": 30,  # 0.169's default names it too
    }
    assert parse_filter("codex.app_server=error", 30)[1] == {"codex.app_server": logging.ERROR}


def _home_with_missing_notify(tmp_path: Path, server: MockModelServer) -> Path:
    home = tmp_path / "home"
    write_config(home, server.base_url)
    config = home / "config.toml"
    config.write_text(f'notify = ["/nonexistent/{SECRET}"]\n' + config.read_text())
    return home


def test_exec_logs_warnings_to_stderr_filtered_by_rust_log(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = _home_with_missing_notify(tmp_path, mock_model_server)
    work = tmp_path / "work"
    work.mkdir()
    mock_model_server.repeat(Turn([Message("answer")]))
    # RUST_LOG unset: errors only, as 0.169 (its exec shows no warning by default).
    default = run_codex("exec", "--skip-git-repo-check", "hi", home=home, cwd=work)
    assert default.rc == 0 and "codex.core.notify" not in default.stderr
    res = run_codex(
        "exec", "--skip-git-repo-check", "hi", home=home, cwd=work, env={"RUST_LOG": "warn"}
    )
    assert res.rc == 0, res.stderr
    (line,) = [x for x in res.stderr.splitlines() if "codex.core.notify" in x]
    # tracing's shape: `<UTC time with microseconds>Z  WARN <target>: <message>`
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z  WARN codex\.core\.notify: ", line)
    assert line.endswith("No such file or directory: '/nonexistent/[REDACTED]'")
    assert SECRET not in res.stderr
    quiet = run_codex(
        "exec", "--skip-git-repo-check", "hi", home=home, cwd=work,
        env={"RUST_LOG": "codex_core=error"},
    )  # fmt: skip
    assert quiet.rc == 0 and "codex.core.notify" not in quiet.stderr


def test_the_tui_target_appends_to_a_private_log_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f'log_dir = "{tmp_path / "logs"}"\n')
    script = (
        "import logging\n"
        "from codex.cli.context import CliContext\n"
        "ctx = CliContext(log_target='tui')\n"
        "ctx.load_config()\n"
        f"logging.getLogger('codex.core.session').info('opened with key {SECRET}')\n"
        "logging.getLogger('codex.core.session').debug('not at the default level')\n"
        "logging.getLogger('codex.exec').info('not a default target')\n"
    )
    for _ in range(2):  # appends, never truncates
        subprocess.run(
            [sys.executable, "-c", script], env=codex_env(home), check=True, capture_output=True
        )
    log = tmp_path / "logs" / "codex-tui.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and all(" INFO codex.core.session: opened with key" in x for x in lines)
    assert SECRET not in log.read_text() and "[REDACTED]" in lines[0]


def test_batch_writes_one_log_file_per_run(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = _home_with_missing_notify(tmp_path, mock_model_server)
    mock_model_server.repeat(Turn([Message("answer")]))
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_bytes(orjson.dumps({"id": "t1", "prompt": "hi"}) + b"\n")
    for run in range(2):
        res = run_codex(
            "batch", str(tasks), "-o", str(tmp_path / f"out{run}.jsonl"),
            "--skip-git-repo-check", home=home, cwd=tmp_path,
        )  # fmt: skip
        assert res.rc == 0, res.stderr
    logs = sorted((home / "log").glob("codex-batch-*.log"))
    assert len(logs) == 2
    assert all("codex.core.notify" in p.read_text() for p in logs)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in logs)
