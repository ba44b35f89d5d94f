"""AuthManager against the mock issuer over real HTTP: snapshots, env keys, proactive refresh on
upstream's timing, 401 recovery, permanent and transient refresh failures, logout with revoke."""

from __future__ import annotations

import asyncio
import json
import stat
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.auth.mock_issuer import Account, MockIssuer

from codex.auth.errors import AuthError, RefreshTokenFailed, TransientRefreshError
from codex.auth.manager import ACCOUNT_MISMATCH, AuthManager, BearerCredentials, refresh_due
from codex.auth.oauth import REFRESH_EXPIRED, REFRESH_UNKNOWN
from codex.auth.record import format_timestamp


def write_auth(home: Path, doc: dict) -> None:
    path = home / "auth.json"
    path.write_text(json.dumps(doc, indent=2))
    path.chmod(0o600)


def read_auth(home: Path) -> dict:
    return json.loads((home / "auth.json").read_text())


def refreshes(issuer: MockIssuer) -> int:
    """How many refresh-token grants reached the issuer (they are the JSON-bodied token calls)."""
    count = 0
    for request in issuer.requests:
        if request.path == "/oauth/token" and request.body.startswith(b"{"):
            count += json.loads(request.body).get("grant_type") == "refresh_token"
    return count


def test_api_key_snapshot_and_headers(codex_home: Path, issuer: MockIssuer) -> None:
    write_auth(codex_home, {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-stored-123456789"})
    manager = AuthManager(codex_home)
    auth = manager.auth()
    assert auth is not None and auth.is_api_key and auth.source == "storage"
    creds = manager.bearer_sync()
    assert creds == BearerCredentials("sk-stored-123456789", None, "apikey")
    assert creds.headers() == {"Authorization": "Bearer sk-stored-123456789"}
    assert "sk-stored" not in repr(creds) + repr(auth) + repr(manager)
    with pytest.raises(FrozenInstanceError):
        auth.mode = "chatgpt"  # type: ignore[misc]


def test_snapshot_is_loaded_once_until_reload(codex_home: Path, issuer: MockIssuer) -> None:
    write_auth(codex_home, {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-first-1234567890"})
    manager = AuthManager(codex_home)
    write_auth(codex_home, {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-second-123456789"})
    assert manager.bearer_sync().token == "sk-first-1234567890"  # type: ignore[union-attr]
    assert manager.reload() is True
    assert manager.bearer_sync().token == "sk-second-123456789"  # type: ignore[union-attr]
    assert manager.reload() is False


def test_codex_api_key_env_only_when_enabled(
    codex_home: Path, issuer: MockIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_auth(codex_home, issuer.auth_json())
    before = (codex_home / "auth.json").read_bytes()
    monkeypatch.setenv("CODEX_API_KEY", "  sk-from-env-1234567  ")
    exec_manager = AuthManager(codex_home, enable_codex_api_key_env=True)
    auth = exec_manager.auth()
    assert auth is not None and auth.source == "env:CODEX_API_KEY"
    assert exec_manager.bearer_sync() == BearerCredentials("sk-from-env-1234567", None, "apikey")
    other = AuthManager(codex_home)
    assert other.bearer_sync().mode == "chatgpt"  # type: ignore[union-attr]
    monkeypatch.setenv("CODEX_API_KEY", "   ")
    assert AuthManager(codex_home, enable_codex_api_key_env=True).auth().source == "storage"  # type: ignore[union-attr]
    assert (codex_home / "auth.json").read_bytes() == before  # stored credentials untouched


def test_chatgpt_bearer_carries_account_id(codex_home: Path, issuer: MockIssuer) -> None:
    doc = issuer.auth_json()
    write_auth(codex_home, doc)
    creds = AuthManager(codex_home).bearer_sync()
    assert creds is not None and creds.mode == "chatgpt"
    assert creds.token == doc["tokens"]["access_token"]
    assert creds.headers() == {
        "Authorization": f"Bearer {doc['tokens']['access_token']}",
        "chatgpt-account-id": issuer.account.account_id,
    }
    assert refreshes(issuer) == 0


def test_expired_access_token_is_refreshed_and_persisted(
    codex_home: Path, issuer: MockIssuer
) -> None:
    doc = issuer.auth_json(ttl=-60)
    write_auth(codex_home, doc)
    manager = AuthManager(codex_home)
    assert refresh_due(manager.auth())
    creds = asyncio.run(manager.bearer())
    assert refreshes(issuer) == 1
    saved = read_auth(codex_home)
    assert creds is not None and creds.token == saved["tokens"]["access_token"]
    assert saved["tokens"]["access_token"] != doc["tokens"]["access_token"]
    assert saved["tokens"]["refresh_token"] != doc["tokens"]["refresh_token"]  # rotated
    assert saved["tokens"]["account_id"] == issuer.account.account_id
    last = datetime.fromisoformat(saved["last_refresh"])
    assert datetime.now(UTC) - last < timedelta(minutes=5)
    assert stat.S_IMODE((codex_home / "auth.json").stat().st_mode) == 0o600
    body = json.loads(next(r.body for r in issuer.requests if r.path == "/oauth/token"))
    assert body == {
        "client_id": issuer.config.client_id,
        "grant_type": "refresh_token",
        "refresh_token": doc["tokens"]["refresh_token"],
    }
    assert not refresh_due(manager.auth())
    manager.bearer_sync()
    assert refreshes(issuer) == 1


def test_token_without_exp_refreshes_after_eight_days(codex_home: Path, issuer: MockIssuer) -> None:
    issuer.config.access_token_has_exp = False
    now = datetime.now(UTC)
    write_auth(codex_home, issuer.auth_json(last_refresh=format_timestamp(now - timedelta(days=7))))
    assert not refresh_due(AuthManager(codex_home).auth())
    write_auth(codex_home, issuer.auth_json(last_refresh=format_timestamp(now - timedelta(days=9))))
    manager = AuthManager(codex_home)
    assert refresh_due(manager.auth())
    manager.bearer_sync()
    assert refreshes(issuer) == 1


def test_refresh_skipped_when_another_process_already_refreshed(
    codex_home: Path, issuer: MockIssuer
) -> None:
    write_auth(codex_home, issuer.auth_json(ttl=-60))
    manager = AuthManager(codex_home)
    fresh = issuer.auth_json()  # same account, new tokens: what the other process saved
    write_auth(codex_home, fresh)
    creds = manager.bearer_sync()
    assert refreshes(issuer) == 0
    assert creds is not None and creds.token == fresh["tokens"]["access_token"]


def test_account_change_on_disk_is_not_adopted_by_refresh(
    codex_home: Path, issuer: MockIssuer
) -> None:
    write_auth(codex_home, issuer.auth_json(ttl=-60))
    manager = AuthManager(codex_home)
    other = Account(account_id="acct-other", email="other@example.com")
    issuer.account = other
    write_auth(codex_home, issuer.auth_json())
    with pytest.raises(RefreshTokenFailed) as info:
        manager.refresh_sync()
    assert str(info.value) == ACCOUNT_MISMATCH
    assert refreshes(issuer) == 0


def test_unauthorized_recovery_refreshes_once(codex_home: Path, issuer: MockIssuer) -> None:
    doc = issuer.auth_json()
    write_auth(codex_home, doc)
    manager = AuthManager(codex_home)
    creds = asyncio.run(manager.recover_unauthorized())
    assert refreshes(issuer) == 1
    assert creds.token != doc["tokens"]["access_token"]
    assert creds.token == read_auth(codex_home)["tokens"]["access_token"]


def test_unauthorized_recovery_uses_newer_credentials_on_disk(
    codex_home: Path, issuer: MockIssuer
) -> None:
    write_auth(codex_home, issuer.auth_json())
    manager = AuthManager(codex_home)
    newer = issuer.auth_json()
    write_auth(codex_home, newer)
    assert manager.recover_unauthorized_sync().token == newer["tokens"]["access_token"]
    assert refreshes(issuer) == 0


def test_permanent_refresh_failure_is_clear_and_cached(
    codex_home: Path, issuer: MockIssuer
) -> None:
    issuer.config.refresh_error = (401, "refresh_token_expired")
    doc = issuer.auth_json(ttl=-60)
    write_auth(codex_home, doc)
    manager = AuthManager(codex_home)
    stale = manager.bearer_sync()  # a failed proactive refresh keeps the old token
    assert stale is not None and stale.token == doc["tokens"]["access_token"]
    assert refreshes(issuer) == 1
    with pytest.raises(RefreshTokenFailed) as info:
        manager.recover_unauthorized_sync()
    assert str(info.value) == REFRESH_EXPIRED
    assert info.value.reason == "expired"
    assert refreshes(issuer) == 1  # the permanent failure is remembered for these credentials
    assert read_auth(codex_home) == doc


def test_unknown_401_is_permanent_and_server_error_transient(
    codex_home: Path, issuer: MockIssuer
) -> None:
    write_auth(codex_home, issuer.auth_json())
    issuer.config.refresh_error = (401, "something_else")
    with pytest.raises(RefreshTokenFailed, match="could not be refreshed") as info:
        AuthManager(codex_home).recover_unauthorized_sync()
    assert str(info.value) == REFRESH_UNKNOWN
    issuer.config.refresh_error = (503, "unavailable")
    with pytest.raises(TransientRefreshError, match="503"):
        AuthManager(codex_home).refresh_sync()


def test_api_key_401_gives_login_hint(codex_home: Path, issuer: MockIssuer) -> None:
    write_auth(codex_home, {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-rejected-12345678"})
    with pytest.raises(AuthError, match="codex login") as info:
        AuthManager(codex_home).recover_unauthorized_sync()
    assert "sk-rejected" not in str(info.value)
    with pytest.raises(AuthError, match="Not logged in"):
        AuthManager(codex_home / "empty").recover_unauthorized_sync()


def test_logout_revokes_refresh_token_then_removes(codex_home: Path, issuer: MockIssuer) -> None:
    doc = issuer.auth_json()
    write_auth(codex_home, doc)
    manager = AuthManager(codex_home)
    assert manager.logout() is True
    assert issuer.revoked == [
        {
            "token": doc["tokens"]["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": issuer.config.client_id,
        }
    ]
    assert not (codex_home / "auth.json").exists()
    assert manager.auth() is None
    assert manager.logout() is False


def test_logout_removes_even_when_revoke_fails(codex_home: Path, issuer: MockIssuer) -> None:
    issuer.config.revoke_status = 500
    write_auth(codex_home, issuer.auth_json())
    assert AuthManager(codex_home).logout() is True
    assert len(issuer.revoked) == 1
    assert not (codex_home / "auth.json").exists()


def test_api_key_logout_does_not_call_revoke(codex_home: Path, issuer: MockIssuer) -> None:
    write_auth(codex_home, {"auth_mode": "apikey", "OPENAI_API_KEY": "sk-x-1234567890123"})
    assert AuthManager(codex_home).logout() is True
    assert issuer.revoked == []
