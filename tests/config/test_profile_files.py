"""`-p NAME` layers `$CODEX_HOME/NAME.config.toml`, as 0.169 does: over config.toml, under `-c`
and the command-line flags. The legacy `[profiles.NAME]` table still works alone; both at once
is an error (0.169 refuses it too); neither runs without a profile (0.169) after a warning.
Each case runs `codex exec` against the mock model server and reads the model of the request;
with the official binary installed, the same case runs there and must pick the same model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.mock_config import MOCK_CONFIG
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.support.official import official_binary

OFFICIAL = official_binary()
OURS = [sys.executable, "-m", "codex"]
IMPLEMENTATIONS = [
    pytest.param(OURS, id="ours"),
    pytest.param(
        [str(OFFICIAL)],
        id="official",
        marks=pytest.mark.skipif(OFFICIAL is None, reason="needs the official codex 0.169"),
    ),
]
FILE = {"work.config.toml": 'model = "from-file"\n'}
TABLE = '\n[profiles.work]\nmodel = "from-table"\n'


def _exec(
    argv: list[str],
    home: Path,
    server: MockModelServer,
    *args: str,
    files: dict[str, str] | None = None,
    tables: str = "",
) -> tuple[subprocess.CompletedProcess[str], str | None]:
    """Run `exec ... hi` in a fresh home; (process, model of the request or None)."""
    home.mkdir(parents=True)
    (home / "config.toml").write_text(MOCK_CONFIG.format(base_url=server.base_url, extra=tables))
    for name, text in (files or {}).items():
        (home / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock", NO_COLOR="1")
    before = len(server.requests)
    proc = subprocess.run(
        [*argv, *args, "--skip-git-repo-check", "hi"],
        cwd=home,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    sent = server.requests[before:]
    return proc, (sent[0].json["model"] if sent else None)


@pytest.fixture
def server(mock_model_server: MockModelServer) -> MockModelServer:
    mock_model_server.repeat(Turn([Message("answer")], Usage(1, 0, 1)))
    return mock_model_server


@pytest.mark.parametrize("argv", IMPLEMENTATIONS)
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["exec", "-p", "work"], "from-file", id="file-over-config"),
        pytest.param(["-p", "work", "exec"], "from-file", id="global-p"),
        pytest.param(["-c", 'model="from-c"', "exec", "-p", "work"], "from-c", id="c-beats-file"),
        pytest.param(["exec", "-p", "work", "-m", "from-m"], "from-m", id="flag-beats-file"),
        pytest.param(["exec"], "gpt-5.5", id="no-p-no-file"),
    ],
)
def test_profile_file_precedence(
    argv: list[str], args: list[str], expected: str, server: MockModelServer, tmp_path: Path
) -> None:
    proc, model = _exec(argv, tmp_path / "home", server, *args, files=FILE)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert model == expected


def test_profile_file_layers_tables_and_names_itself_in_errors(
    server: MockModelServer, tmp_path: Path
) -> None:
    """A profile file is a whole config layer: tables deep-merge, and a bad value in it is one
    line naming that file."""
    files = {"work.config.toml": '[model_providers.mock]\nname = "renamed"\n[features]\nundo = 3\n'}
    proc, model = _exec(OURS, tmp_path / "home", server, "exec", "-p", "work", files=files)
    assert proc.returncode == 1 and model is None
    errors = [line for line in proc.stderr.splitlines() if line.startswith("codex:")]
    assert errors == [
        f"codex: {tmp_path / 'home' / 'work.config.toml'}: features.undo: "
        "expected a boolean (true or false), got 3"
    ]


def test_legacy_table_alone_still_works(server: MockModelServer, tmp_path: Path) -> None:
    proc, model = _exec(OURS, tmp_path / "home", server, "exec", "-p", "work", tables=TABLE)
    assert proc.returncode == 0, proc.stderr
    assert model == "from-table"


@pytest.mark.parametrize("argv", IMPLEMENTATIONS)
def test_file_and_legacy_table_together_are_refused(
    argv: list[str], server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    proc, model = _exec(argv, home, server, "exec", "-p", "work", files=FILE, tables=TABLE)
    assert proc.returncode == 1 and model is None
    if argv is OURS:
        errors = [line for line in proc.stderr.splitlines() if line.startswith("codex:")]
        assert len(errors) == 1
        assert str(home / "work.config.toml") in errors[0]
        assert "[profiles.work]" in errors[0] and str(home / "config.toml") in errors[0]


@pytest.mark.parametrize("argv", IMPLEMENTATIONS)
def test_a_profile_that_exists_nowhere_runs_without_one(
    argv: list[str], server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    proc, model = _exec(argv, home, server, "exec", "-p", "work")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert model == "gpt-5.5"
    if argv is OURS:
        assert f"codex: warning: profile `work` not found (no {home / 'work.config.toml'}" in (
            proc.stderr
        )


@pytest.mark.parametrize("argv", IMPLEMENTATIONS)
@pytest.mark.parametrize("name", ["../evil", "a.b", "a/b", ""])
def test_profile_names_are_plain(
    argv: list[str], name: str, server: MockModelServer, tmp_path: Path
) -> None:
    """NAME becomes a file name in CODEX_HOME: 0.169 takes letters, digits, `-` and `_` only
    (a usage error, exit 2, before any request)."""
    (tmp_path / "evil.config.toml").write_text('model = "escaped"\n')
    proc, model = _exec(argv, tmp_path / "home", server, "exec", "-p", name)
    assert proc.returncode == 2 and model is None
    assert f"invalid --profile value `{name}`; pass a plain name such as `work`" in proc.stderr
