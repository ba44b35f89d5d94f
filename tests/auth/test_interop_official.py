"""Interop with the official CLI 0.169.0, when it is installed outside the repo (the npm
wrapper, so node too; see tests/support/official.py). Each tool must read
the other's auth.json, and the official CLI must complete a device login against the mock issuer
(which checks the mock speaks the same protocol as the real issuer)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from tests.auth.conftest import run_codex
from tests.auth.mock_issuer import MockIssuer
from tests.support.official import INSTALL_HINT, official_cli

from codex.auth.manager import AuthManager

OFFICIAL = official_cli()
pytestmark = pytest.mark.skipif(
    OFFICIAL is None, reason=f"needs node and the official CLI 0.169 ({INSTALL_HINT})"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def official(env: dict[str, str], home: Path, *args: str, stdin: str | None = None):
    home.mkdir(parents=True, exist_ok=True)  # the official CLI refuses a missing CODEX_HOME
    return subprocess.run(
        [str(OFFICIAL), *args],
        env={**env, "CODEX_HOME": str(home)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def official_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    # The official CLI warns about helper aliases when CODEX_HOME is under a temp dir.
    return [line for line in result.stderr.splitlines() if not line.startswith("WARNING:")]


def test_official_api_key_file_is_byte_identical_to_ours(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    key = "sk-test-abcdefghijklmnop1234\n"
    assert official(cli_env, theirs, "login", "--with-api-key", stdin=key).returncode == 0
    assert run_codex(cli_env, ours, "login", "--with-api-key", stdin=key).returncode == 0
    assert (ours / "auth.json").read_bytes() == (theirs / "auth.json").read_bytes()
    assert (ours / "auth.json").stat().st_mode & 0o777 == 0o600
    their_status = official_lines(official(cli_env, theirs, "login", "status"))
    our_status = run_codex(cli_env, theirs, "login", "status").stderr.splitlines()
    assert our_status == their_status  # same masking, same wording
    assert official(cli_env, ours, "login", "status").returncode == 0


def test_official_device_login_against_the_mock_loads_here(
    cli_env: dict[str, str], tmp_path: Path, issuer: MockIssuer
) -> None:
    home = tmp_path / "official-home"
    home.mkdir()
    proc = subprocess.Popen(
        [str(OFFICIAL), "login", "--device-auth", "--experimental_issuer", issuer.url],
        env={**cli_env, "CODEX_HOME": str(home)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "one-time code" in line:
            user_code = ANSI.sub("", next(proc.stdout)).strip()
            break
    issuer.approve_device(user_code)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err

    manager = AuthManager(home)
    auth = manager.auth()
    assert auth is not None and auth.mode == "chatgpt"
    assert auth.account_id == issuer.account.account_id
    assert auth.email == issuer.account.email and auth.plan_type == "pro"
    status = run_codex(cli_env, home, "login", "status")
    assert status.returncode == 0 and "Logged in using ChatGPT" in status.stderr

    # Our refresh rewrites their file; the official CLI still reads it.
    before = json.loads((home / "auth.json").read_text())
    creds = manager.recover_unauthorized_sync()
    after = json.loads((home / "auth.json").read_text())
    assert creds.token == after["tokens"]["access_token"] != before["tokens"]["access_token"]
    assert list(after) == list(before)
    assert "Logged in using ChatGPT" in official_lines(official(cli_env, home, "login", "status"))


def test_our_chatgpt_login_is_read_by_the_official_cli(
    cli_env: dict[str, str], codex_home: Path, issuer: MockIssuer
) -> None:
    (codex_home / "auth.json").write_text(json.dumps(issuer.auth_json()))
    AuthManager(codex_home).recover_unauthorized_sync()  # re-saved by our writer
    result = official(cli_env, codex_home, "login", "status")
    assert result.returncode == 0
    assert "Logged in using ChatGPT" in official_lines(result)
