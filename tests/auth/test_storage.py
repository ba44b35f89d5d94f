"""auth.json and keyring storage: the official layout byte for byte, private atomic writes,
corrupt and loosely-permissioned files, and a real (file-backed) keyring."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from tests.auth.mock_issuer import MockIssuer

from codex.auth.errors import AuthStorageError
from codex.auth.manager import AuthManager
from codex.auth.record import AuthRecord, format_timestamp
from codex.auth.storage import (
    KEYRING_SERVICE,
    AutoAuthStorage,
    FileAuthStorage,
    KeyringAuthStorage,
    create_storage,
    keyring_account,
)

# Exactly what `codex login --with-api-key` of the official CLI 0.169.0 wrote (captured with
# CODEX_HOME in a scratch dir): pretty JSON, two-space indent, no trailing newline.
OFFICIAL_API_KEY_FILE = (
    b'{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-test-abcdefghijklmnop1234"\n}'
)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_official_api_key_file_loads_and_is_written_back_identically(codex_home: Path) -> None:
    path = codex_home / "auth.json"
    path.write_bytes(OFFICIAL_API_KEY_FILE)
    record = FileAuthStorage(codex_home).load()
    assert record is not None
    assert record.resolved_mode() == "apikey"
    assert record.openai_api_key == "sk-test-abcdefghijklmnop1234"
    path.unlink()
    FileAuthStorage(codex_home).save(record)
    assert path.read_bytes() == OFFICIAL_API_KEY_FILE
    assert mode_of(path) == 0o600


def test_chatgpt_file_in_official_layout_round_trips(codex_home: Path) -> None:
    issuer = MockIssuer()  # not started: only its account data is used
    doc = {
        "OPENAI_API_KEY": None,
        "tokens": {
            "id_token": _jwt_for(issuer),
            "access_token": "opaque-access",
            "refresh_token": "rt-1",
            "account_id": "acct-1",
        },
        "last_refresh": "2026-11-20T10:00:00.123456789Z",
        "personal_access_token": "future-field-kept",
    }
    (codex_home / "auth.json").write_text(json.dumps(doc, indent=2))
    storage = FileAuthStorage(codex_home)
    record = storage.load()
    assert record is not None
    assert record.resolved_mode() == "chatgpt"  # no auth_mode and no key: chatgpt, as upstream
    assert record.tokens is not None and record.tokens.account_id == "acct-1"
    assert record.tokens.id_info.email == "dev@example.com"
    assert record.tokens.id_info.chatgpt_plan_type == "pro"
    assert record.last_refresh == datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC)
    storage.save(record)
    saved = json.loads((codex_home / "auth.json").read_text())
    assert saved["tokens"] == doc["tokens"]
    assert saved["personal_access_token"] == "future-field-kept"
    assert list(saved)[:3] == ["OPENAI_API_KEY", "tokens", "last_refresh"]


def _jwt_for(issuer: MockIssuer) -> str:
    from tests.auth.mock_issuer import make_jwt

    return make_jwt(
        {
            "email": issuer.account.email,
            "https://api.openai.com/auth": {
                "chatgpt_plan_type": "pro",
                "chatgpt_account_id": "acct-1",
            },
        }
    )


def test_timestamps_use_z_and_minimal_fraction() -> None:
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC)).endswith(".120Z")
    assert format_timestamp(datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)).endswith(".123456Z")


def test_save_is_private_atomic_and_never_widens(codex_home: Path) -> None:
    path = codex_home / "auth.json"
    storage = FileAuthStorage(codex_home)
    old_umask = os.umask(0)  # a permissive umask must not leak into the file mode
    try:
        storage.save(AuthRecord(auth_mode="apikey", openai_api_key="sk-one"))
    finally:
        os.umask(old_umask)
    assert mode_of(path) == 0o600
    path.chmod(0o644)
    storage.save(AuthRecord(auth_mode="apikey", openai_api_key="sk-two"))
    assert mode_of(path) == 0o600  # narrowed
    path.chmod(0o400)
    storage.save(AuthRecord(auth_mode="apikey", openai_api_key="sk-three"))
    assert mode_of(path) == 0o400  # not widened
    assert sorted(p.name for p in codex_home.iterdir()) == ["auth.json"]  # no temp left behind


def test_save_creates_missing_codex_home(tmp_path: Path) -> None:
    home = tmp_path / "does" / "not" / "exist"
    FileAuthStorage(home).save(AuthRecord(auth_mode="apikey", openai_api_key="sk-x"))
    assert mode_of(home / "auth.json") == 0o600


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"OPENAI_API_KEY": "sk-secret-corrupt', "is not valid JSON at line 1"),
        (b"[]", "the top level must be an object"),
        (
            b'{"tokens": {"id_token": "not-a-jwt", "access_token": "sk-secret-corrupt",'
            b' "refresh_token": "r", "account_id": null}}',
            "invalid ID token format",
        ),
        (b'{"auth_mode": "bogus", "OPENAI_API_KEY": "sk-secret-corrupt"}', "unknown auth_mode"),
    ],
)
def test_corrupt_file_is_a_clear_error_without_its_content(
    codex_home: Path, content: bytes, expected: str
) -> None:
    (codex_home / "auth.json").write_bytes(content)
    with pytest.raises(AuthStorageError) as info:
        FileAuthStorage(codex_home).load()
    message = str(info.value)
    assert expected in message
    assert str(codex_home / "auth.json") in message
    assert "sk-secret-corrupt" not in message
    manager = AuthManager(codex_home)
    assert manager.auth() is None
    assert manager.load_error is not None


def test_group_readable_file_loads_with_a_warning(
    codex_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = codex_home / "auth.json"
    path.write_bytes(OFFICIAL_API_KEY_FILE)
    path.chmod(0o644)
    with caplog.at_level("WARNING", logger="codex.auth"):
        record = FileAuthStorage(codex_home).load()
    assert record is not None and record.openai_api_key
    assert "accessible by other users" in caplog.text
    assert "sk-test" not in caplog.text


def test_records_are_immutable_and_reprs_hide_secrets() -> None:
    record = AuthRecord(auth_mode="apikey", openai_api_key="sk-very-secret-value")
    with pytest.raises(FrozenInstanceError):
        record.openai_api_key = "other"  # type: ignore[misc]
    assert "sk-very-secret-value" not in repr(record)


def test_keyring_account_name_matches_upstream_formula(codex_home: Path) -> None:
    digest = hashlib.sha256(str(codex_home.resolve()).encode()).hexdigest()[:16]
    assert keyring_account(codex_home) == f"cli|{digest}"
    missing = codex_home / "missing"
    assert keyring_account(missing) == (
        "cli|" + hashlib.sha256(str(missing).encode()).hexdigest()[:16]
    )


@pytest.fixture
def plaintext_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PlaintextKeyring:
    """A real keyring backend that works headless: keyrings.alt's file keyring in a scratch dir."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    backend = PlaintextKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_round_trip_on_a_real_backend(
    codex_home: Path, plaintext_keyring: PlaintextKeyring
) -> None:
    (codex_home / "auth.json").write_bytes(OFFICIAL_API_KEY_FILE)
    storage = KeyringAuthStorage(codex_home)
    record = AuthRecord(auth_mode="apikey", openai_api_key="sk-keyring-value-123456")
    storage.save(record)
    assert not (codex_home / "auth.json").exists()  # a keyring save removes the file copy
    raw = plaintext_keyring.get_password(KEYRING_SERVICE, keyring_account(codex_home))
    assert raw == '{"auth_mode":"apikey","OPENAI_API_KEY":"sk-keyring-value-123456"}'
    assert Path(plaintext_keyring.file_path).is_file()
    assert storage.load() == record
    assert storage.delete() is True
    assert storage.load() is None
    assert storage.delete() is False


def test_auto_prefers_keyring_and_falls_back_to_file(
    codex_home: Path, plaintext_keyring: PlaintextKeyring
) -> None:
    record = AuthRecord(auth_mode="apikey", openai_api_key="sk-auto-1234567890")
    auto = create_storage(codex_home, "auto")
    assert isinstance(auto, AutoAuthStorage)
    auto.save(record)
    assert not (codex_home / "auth.json").exists()
    assert auto.load() == record
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    auto.save(record)
    assert (codex_home / "auth.json").exists()
    assert mode_of(codex_home / "auth.json") == 0o600
    assert auto.load() == record
    with pytest.raises(AuthStorageError, match="no keyring backend"):
        KeyringAuthStorage(codex_home).load()


def test_unknown_store_mode_is_rejected(codex_home: Path) -> None:
    with pytest.raises(AuthStorageError, match="cli_auth_credentials_store"):
        create_storage(codex_home, "vault")
