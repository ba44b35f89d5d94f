"""Where `codex mcp login` keeps an HTTP MCP server's OAuth tokens, in the official CLI's formats
(0.169, captured: tests/mcp/test_oauth.py) so either CLI reads what the other wrote:

- the OS keyring: service "Codex MCP Credentials", account `<server>|<key hash>`, the value the
  JSON of {server_name, url, client_id, token_response{access_token, token_type, expires_in,
  refresh_token, scope}, expires_at};
- the fallback file `$CODEX_HOME/.credentials.json` (mode 0600): one object per account key,
  {server_name, server_url, issuer, client_id, access_token, expires_at, refresh_token, scopes}.

`<key hash>` is the first 16 hex digits of sha256 of `{"type":"http","url":URL,"headers":{}}`
(keys in that order, compact). `mcp_oauth_credentials_store` picks the store as
`cli_auth_credentials_store` does for the CLI's own login (codex.auth.storage): `file`,
`keyring`, or `auto` (keyring, the file when the keyring is missing or fails). A keyring save
removes the file's entry, so one secret never lives in two places.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex import _filelock
from codex._atomic import replace_file

log = logging.getLogger("codex.mcp_client")

KEYRING_SERVICE = "Codex MCP Credentials"
FALLBACK_FILE = ".credentials.json"


LOCK_FILE = ".credentials.json.lock"


@contextlib.contextmanager
def _locked(codex_home: Path) -> Iterator[None]:
    """Serialize read-modify-write of the fallback file across processes (flock, side file)."""
    codex_home.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)  # O_CLOEXEC: POSIX only
    fd = os.open(codex_home / LOCK_FILE, flags, 0o600)
    try:
        _filelock.lock(fd)
        yield
    finally:
        os.close(fd)


class OAuthStoreError(Exception):
    """The credentials store could not be read or written (message names the store)."""


def store_key(server: str, url: str) -> str:
    payload = json.dumps(
        {"type": "http", "url": url, "headers": {}}, separators=(",", ":"), ensure_ascii=False
    )
    return f"{server}|{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


@dataclass(slots=True)
class StoredTokens:
    server_name: str
    url: str
    client_id: str
    access_token: str
    token_type: str = "Bearer"
    refresh_token: str | None = None
    expires_at: int | None = None  # milliseconds since the epoch
    scopes: list[str] = field(default_factory=list)
    issuer: str | None = None

    def expired(self, skew_ms: int = 30_000) -> bool:
        """Due for a refresh (upstream refreshes 30 s before the expiry)."""
        return self.expires_at is not None and time.time() * 1000 + skew_ms >= self.expires_at

    # -- the keyring value

    def to_keyring(self) -> str:
        response: dict[str, Any] = {
            "access_token": self.access_token,
            "token_type": self.token_type.lower(),
        }
        if self.expires_at is not None:
            response["expires_in"] = max(0, int((self.expires_at - time.time() * 1000) / 1000))
        if self.refresh_token:
            response["refresh_token"] = self.refresh_token
        if self.scopes:
            response["scope"] = " ".join(self.scopes)
        return json.dumps(
            {
                "server_name": self.server_name,
                "url": self.url,
                "client_id": self.client_id,
                "token_response": response,
                "expires_at": self.expires_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_keyring(cls, text: str) -> StoredTokens:
        data = json.loads(text)
        response = data.get("token_response") or {}
        scope = response.get("scope")
        return cls(
            server_name=str(data["server_name"]),
            url=str(data["url"]),
            client_id=str(data.get("client_id") or ""),
            access_token=str(response.get("access_token") or ""),
            token_type=str(response.get("token_type") or "Bearer"),
            refresh_token=response.get("refresh_token"),
            expires_at=data.get("expires_at"),
            scopes=scope.split() if isinstance(scope, str) else [],
        )

    # -- the fallback file's entry

    def to_file_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"server_name": self.server_name, "server_url": self.url}
        if self.issuer is not None:
            entry["issuer"] = self.issuer
        entry.update(
            client_id=self.client_id,
            access_token=self.access_token,
            expires_at=self.expires_at,
            refresh_token=self.refresh_token,
            scopes=list(self.scopes),
        )
        return entry

    @classmethod
    def from_file_entry(cls, entry: dict[str, Any]) -> StoredTokens:
        return cls(
            server_name=str(entry["server_name"]),
            url=str(entry["server_url"]),
            client_id=str(entry.get("client_id") or ""),
            access_token=str(entry.get("access_token") or ""),
            refresh_token=entry.get("refresh_token"),
            expires_at=entry.get("expires_at"),
            scopes=list(entry.get("scopes") or []),
            issuer=entry.get("issuer"),
        )


class OAuthStore:
    """One CODEX_HOME's MCP OAuth credentials in the chosen store ("auto", "file", "keyring")."""

    def __init__(self, codex_home: Path, mode: str = "auto") -> None:
        self.codex_home = Path(codex_home)
        self.mode = str(getattr(mode, "value", mode))
        self.file = self.codex_home / FALLBACK_FILE

    # -- public

    def load(self, server: str, url: str) -> StoredTokens | None:
        key = store_key(server, url)
        if self.mode != "file":
            try:
                text = self._keyring_get(key)
            except OAuthStoreError:
                if self.mode == "keyring":
                    raise
                text = None
            if text is not None:
                return StoredTokens.from_keyring(text)
            if self.mode == "keyring":
                return None
        entry = self._read_file().get(key)
        return StoredTokens.from_file_entry(entry) if isinstance(entry, dict) else None

    def save(self, tokens: StoredTokens) -> None:
        key = store_key(tokens.server_name, tokens.url)
        if self.mode != "file":
            try:
                self._keyring_set(key, tokens.to_keyring())
            except OAuthStoreError as err:
                if self.mode == "keyring":
                    raise
                log.warning("falling back to file storage for OAuth tokens: %s", err)
            else:
                with contextlib.suppress(OAuthStoreError):
                    self._drop_file_entry(key)
                return
        with _locked(self.codex_home):
            entries = self._read_file()
            entries[key] = tokens.to_file_entry()
            self._write_file(entries)

    def delete(self, server: str, url: str) -> bool:
        """Remove the server's tokens from the keyring and the file; whether any existed."""
        key = store_key(server, url)
        removed = False
        if self.mode == "keyring":
            removed = self._keyring_delete(key)
        else:  # no usable keyring holds nothing; an entry a keyring-mode run left still goes
            with contextlib.suppress(OAuthStoreError):
                removed = self._keyring_delete(key)
        return self._drop_file_entry(key) or removed

    # -- the file

    def _read_file(self) -> dict[str, Any]:
        try:
            text = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as err:
            raise OAuthStoreError(
                f"failed to read credentials file at {self.file}: {err.strerror}"
            ) from None
        try:
            data = json.loads(text)
        except ValueError as err:
            raise OAuthStoreError(
                f"failed to parse credentials file at {self.file}: {err}"
            ) from None
        return data if isinstance(data, dict) else {}

    def _write_file(self, entries: dict[str, Any]) -> None:
        if not entries:
            with contextlib.suppress(FileNotFoundError):
                self.file.unlink()
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_file(self.file, json.dumps(entries, separators=(",", ":")).encode(), 0o600)
        except OSError as err:
            raise OAuthStoreError(f"failed to write {self.file}: {err.strerror}") from None

    def _drop_file_entry(self, key: str) -> bool:
        with _locked(self.codex_home):
            entries = self._read_file()
            if entries.pop(key, None) is None:
                return False
            self._write_file(entries)
            return True

    # -- the keyring

    def _backend(self) -> Any:
        try:
            import keyring
            from keyring.backends import fail
        except ImportError as err:
            raise OAuthStoreError(f"no keyring support: {err}") from None
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            raise OAuthStoreError("no keyring backend is available on this system")
        return backend

    def _keyring_get(self, key: str) -> str | None:
        backend = self._backend()
        try:
            value = backend.get_password(KEYRING_SERVICE, key)
        except Exception as err:
            raise OAuthStoreError(f"failed to read OAuth tokens from keyring: {err}") from None
        return value if isinstance(value, str) else None

    def _keyring_set(self, key: str, value: str) -> None:
        backend = self._backend()
        try:
            backend.set_password(KEYRING_SERVICE, key, value)
        except Exception as err:
            raise OAuthStoreError(f"failed to write OAuth tokens to keyring: {err}") from None

    def _keyring_delete(self, key: str) -> bool:
        backend = self._backend()
        try:
            if backend.get_password(KEYRING_SERVICE, key) is None:
                return False
            backend.delete_password(KEYRING_SERVICE, key)
        except Exception as err:
            raise OAuthStoreError(f"failed to delete OAuth tokens from keyring: {err}") from None
        return True
