"""No secret in any log, output or error message: run every flow against the mock issuer with
all logging captured at DEBUG, then grep everything for every secret the issuer handed out."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path

import httpx
import pytest
from tests.auth.conftest import REPO, codex_argv, run_codex
from tests.auth.mock_issuer import MockIssuer
from tests.auth.test_login_cli import LoginProcess

from codex.auth.errors import AuthError
from codex.auth.manager import AuthManager


def test_no_secret_reaches_logs_output_or_errors(
    cli_env: dict[str, str],
    codex_home: Path,
    issuer: MockIssuer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []

    # Browser login, a forged callback, status, logout: all as subprocesses.
    login = LoginProcess(
        cli_env, codex_home, "--experimental_issuer", issuer.url, "--callback-port", "0"
    )
    callback = login.query["redirect_uri"]
    seen.append(httpx.get(f"{callback}?code=x&state=forged").text)
    to_callback = httpx.get(login.url, follow_redirects=False)
    to_success = httpx.get(to_callback.headers["location"], follow_redirects=False)
    seen.append(httpx.get(to_success.headers["location"]).text)
    code, out, err = login.finish()
    assert code == 0
    seen += [out, err]
    stored = json.loads((codex_home / "auth.json").read_text())
    for args in (("login", "status"), ("logout",), ("login", "status")):
        result = run_codex(cli_env, codex_home, *args)
        seen += [result.stdout, result.stderr]

    # Device login as a subprocess.
    proc = subprocess.Popen(
        codex_argv(codex_home, "login", "--device-auth", "--experimental_issuer", issuer.url),
        env=cli_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        if "one-time code" in line:
            user_code = next(proc.stdout).strip()
            break
    issuer.approve_device(user_code)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    seen += [out, err]

    # In-process refreshes: success, permanent failure, transient failure; all logging at DEBUG.
    with caplog.at_level(logging.DEBUG):
        manager = AuthManager(codex_home)
        seen.append(repr(manager) + repr(manager.auth()) + repr(manager.bearer_sync()))
        manager.recover_unauthorized_sync()
        for failure in ((401, "refresh_token_invalidated"), (500, "boom")):
            issuer.config.refresh_error = failure
            with pytest.raises(AuthError) as info:
                AuthManager(codex_home).recover_unauthorized_sync()
            seen.append(str(info.value) + repr(info.value))
        issuer.config.refresh_error = None
        issuer.config.revoke_status = 500
        AuthManager(codex_home).logout()
    seen.append(caplog.text)

    login_log = codex_home / "log" / "codex-login.log"
    log_text = login_log.read_text()
    assert "received login callback" in log_text and "oauth token exchange succeeded" in log_text
    seen.append(log_text)

    everything = "\n".join(seen)
    secrets = [s for s in issuer.secrets_issued if len(s) >= 8]
    assert stored["OPENAI_API_KEY"] in secrets and stored["tokens"]["refresh_token"] in secrets
    assert len(secrets) > 10
    leaked = [s[:12] + "..." for s in secrets if s in everything]
    assert leaked == []
