"""forced_login_method / forced_chatgpt_workspace_id at startup: violating credentials are logged
out with a message saying why; compliant ones are left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.auth.mock_issuer import MockIssuer

from codex.auth.errors import AuthError
from codex.auth.restrictions import check_workspace, enforce_login_restrictions
from codex.auth.settings import AuthSettings


def store(home: Path, doc: dict) -> None:
    (home / "auth.json").write_text(json.dumps(doc))
    (home / "auth.json").chmod(0o600)


API_KEY_DOC = {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-restricted-1234567"}


def test_forced_chatgpt_logs_out_an_api_key(codex_home: Path) -> None:
    store(codex_home, API_KEY_DOC)
    settings = AuthSettings.create(codex_home, forced_login_method="chatgpt")
    with pytest.raises(AuthError, match="ChatGPT login is required") as info:
        enforce_login_restrictions(settings)
    assert "sk-restricted" not in str(info.value)
    assert not (codex_home / "auth.json").exists()


def test_forced_api_logs_out_chatgpt(codex_home: Path, issuer: MockIssuer) -> None:
    store(codex_home, issuer.auth_json())
    with pytest.raises(AuthError, match="API key login is required"):
        enforce_login_restrictions(AuthSettings.create(codex_home, forced_login_method="api"))
    assert not (codex_home / "auth.json").exists()


def test_workspace_mismatch_logs_out_and_match_is_kept(
    codex_home: Path, issuer: MockIssuer
) -> None:
    store(codex_home, issuer.auth_json())
    account = issuer.account.account_id
    enforce_login_restrictions(
        AuthSettings.create(codex_home, forced_chatgpt_workspace_id=f"other, {account}")
    )
    assert (codex_home / "auth.json").exists()
    with pytest.raises(AuthError, match=f"belong to {account}. Logging out."):
        enforce_login_restrictions(
            AuthSettings.create(codex_home, forced_chatgpt_workspace_id="ws-only")
        )
    assert not (codex_home / "auth.json").exists()


def test_api_keys_are_not_subject_to_workspace_rules(codex_home: Path) -> None:
    store(codex_home, API_KEY_DOC)
    enforce_login_restrictions(AuthSettings.create(codex_home, forced_chatgpt_workspace_id="ws"))
    assert (codex_home / "auth.json").exists()


def test_codex_api_key_env_counts_when_enabled(
    codex_home: Path, issuer: MockIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    store(codex_home, issuer.auth_json())
    monkeypatch.setenv("CODEX_API_KEY", "sk-env-123456789012")
    settings = AuthSettings.create(codex_home, forced_login_method="api")
    enforce_login_restrictions(settings, enable_codex_api_key_env=True)
    assert (codex_home / "auth.json").exists()


def test_workspace_check_on_a_token_without_the_claim(issuer: MockIssuer) -> None:
    from tests.auth.mock_issuer import make_jwt

    with pytest.raises(AuthError, match="did not include a chatgpt_account_id"):
        check_workspace(("ws",), make_jwt({"email": "x@example.com"}))
    check_workspace(None, make_jwt({}))


def test_settings_from_the_real_config(codex_home: Path) -> None:
    from codex.config import ConfigOverrides, load_config

    (codex_home / "config.toml").write_text(
        'cli_auth_credentials_store = "auto"\n'
        'forced_login_method = "chatgpt"\n'
        'forced_chatgpt_workspace_id = "ws-1"\n'
    )
    config = load_config(ConfigOverrides(config_home=str(codex_home)))
    settings = AuthSettings.from_config(config)
    assert settings == AuthSettings(codex_home.resolve(), "auto", "chatgpt", ("ws-1",))
