"""AuthManager: the process's one view of its credentials.

It loads once, hands out immutable `CodexAuth` snapshots, reloads only when asked (so two parts of
a running session never disagree about who they are), refreshes ChatGPT tokens when due and
persists the result. Timing is upstream's: refresh when the access token's `exp` has passed, or,
for a token without `exp`, when `last_refresh` is more than 8 days old; and once more after a 401.

The model client's side of the contract:

    creds = await manager.bearer()              # None: not logged in
    headers.update(creds.headers())             # Authorization (+ chatgpt-account-id)
    ... on HTTP 401:
    creds = await manager.recover_unauthorized()  # raises AuthError("... run `codex login` ...")
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import threading
import time
from collections.abc import Mapping
from dataclasses import field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from codex._dataclass import dataclass
from codex.auth import jwt, settings
from codex.auth.errors import (
    LOGIN_HINT,
    AuthError,
    AuthStorageError,
    RefreshTokenFailed,
)
from codex.auth.record import (
    MODE_AGENT_IDENTITY,
    MODE_API_KEY,
    MODE_CHATGPT,
    AuthRecord,
)
from codex.auth.settings import AuthSettings
from codex.auth.storage import STORE_FILE, AuthStorage, FileAuthStorage, create_storage, locked

log = logging.getLogger("codex.auth")

TOKEN_REFRESH_INTERVAL = timedelta(days=8)
ACCOUNT_MISMATCH = (
    "Your access token could not be refreshed because you have since logged out or signed in "
    "to another account. Please sign in again."
)


@dataclass(frozen=True, slots=True)
class BearerCredentials:
    """What a request needs: the bearer token and, for ChatGPT auth, the account id header."""

    token: str = field(repr=False)
    account_id: str | None
    mode: str  # "apikey" | "chatgpt"

    def headers(self) -> dict[str, str]:
        out = {"Authorization": f"Bearer {self.token}"}
        if self.mode != MODE_API_KEY and self.account_id:
            out["chatgpt-account-id"] = self.account_id
        return out


@dataclass(frozen=True, slots=True)
class CodexAuth:
    """One immutable credentials snapshot. `source` is "env:CODEX_API_KEY" or "storage"."""

    mode: str
    source: str
    record: AuthRecord | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)

    @property
    def is_api_key(self) -> bool:
        return self.mode == MODE_API_KEY

    @property
    def is_access_token(self) -> bool:
        """Stored by `codex login --with-access-token` (an agent identity JWT)."""
        return self.mode == MODE_AGENT_IDENTITY

    @property
    def is_chatgpt(self) -> bool:
        return not self.is_api_key

    @property
    def account_id(self) -> str | None:
        tokens = self.record.tokens if self.record else None
        return tokens.account_id if tokens else None

    @property
    def email(self) -> str | None:
        tokens = self.record.tokens if self.record else None
        return tokens.id_info.email if tokens else None

    @property
    def plan_type(self) -> str | None:
        tokens = self.record.tokens if self.record else None
        return tokens.id_info.chatgpt_plan_type if tokens else None

    def bearer(self) -> BearerCredentials:
        if self.is_api_key:
            assert self.api_key is not None
            return BearerCredentials(self.api_key, None, MODE_API_KEY)
        if self.is_access_token:
            # 0.169 signs each task with the identity's key (AgentAssertion), not a bearer.
            raise AuthError(
                "access-token credentials (codex login --with-access-token) cannot authenticate "
                "model requests in codex-py yet; log in with an API key or ChatGPT"
            )
        tokens = self.record.tokens if self.record else None
        if tokens is None or not tokens.access_token:
            raise AuthError(f"ChatGPT credentials have no access token; {LOGIN_HINT}")
        return BearerCredentials(tokens.access_token, tokens.account_id, MODE_CHATGPT)

    @classmethod
    def from_record(cls, record: AuthRecord) -> CodexAuth:
        mode = record.resolved_mode()
        if mode == MODE_API_KEY:
            if not record.openai_api_key:
                raise AuthStorageError("API key auth is missing a key.")
            return cls(MODE_API_KEY, "storage", record, record.openai_api_key)
        if mode == MODE_AGENT_IDENTITY:
            identity = record.extra.get("agent_identity")
            if not identity or not isinstance(identity, str | dict):
                raise AuthStorageError(
                    "agent identity auth is missing an agent identity token; " + LOGIN_HINT
                )
            return cls(MODE_AGENT_IDENTITY, "storage", record)
        if mode != MODE_CHATGPT:
            raise AuthStorageError(f"auth mode {mode!r} is not supported by codex-py yet")
        if record.tokens is None:
            raise AuthStorageError(f"ChatGPT auth has no tokens; {LOGIN_HINT}")
        return cls(MODE_CHATGPT, "storage", record)


def refresh_due(auth: CodexAuth | None, now: datetime | None = None) -> bool:
    """Upstream's proactive rule (only for stored ChatGPT auth)."""
    if auth is None or auth.mode != MODE_CHATGPT or auth.record is None:
        return False
    now = now or datetime.now(UTC)
    tokens = auth.record.tokens
    if tokens is not None:
        expires = jwt.expiration(tokens.access_token)
        if expires is not None:
            return expires <= now
    last = auth.record.last_refresh
    return last is not None and last < now - TOKEN_REFRESH_INTERVAL


class AuthManager:
    def __init__(
        self,
        codex_home: Path,
        store_mode: str = "file",
        *,
        enable_codex_api_key_env: bool = False,
        forced_chatgpt_workspace_id: tuple[str, ...] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.codex_home = codex_home if isinstance(codex_home, Path) else Path(codex_home)
        self.store_mode = store_mode
        self.enable_codex_api_key_env = enable_codex_api_key_env
        self.forced_chatgpt_workspace_id = forced_chatgpt_workspace_id
        self._environ = environ
        self._storage: AuthStorage = _storage_for(self.codex_home, store_mode)
        self._lock = threading.RLock()
        self._auth: CodexAuth | None = None
        self._load_error: AuthError | None = None
        self._failed_refresh: tuple[CodexAuth, RefreshTokenFailed] | None = None
        self._auth, self._load_error = self._load(first=True)

    @classmethod
    def from_settings(
        cls, auth_settings: AuthSettings, *, enable_codex_api_key_env: bool = False
    ) -> AuthManager:
        return cls(
            auth_settings.codex_home,
            auth_settings.store_mode,
            enable_codex_api_key_env=enable_codex_api_key_env,
            forced_chatgpt_workspace_id=auth_settings.forced_chatgpt_workspace_id,
        )

    @classmethod
    def from_config(cls, config: object, *, enable_codex_api_key_env: bool = False) -> AuthManager:
        """`codex exec` passes enable_codex_api_key_env=True; every other front end leaves it.
        The settings depend on the (frozen) config alone: derived once per config object."""
        from codex._memo import per_config

        auth_settings = per_config.get(
            config, "auth_settings", lambda: AuthSettings.from_config(config)
        )
        return cls.from_settings(auth_settings, enable_codex_api_key_env=enable_codex_api_key_env)

    def __repr__(self) -> str:
        mode = self._auth.mode if self._auth else None
        return f"AuthManager({str(self.codex_home)!r}, store={self.store_mode!r}, mode={mode!r})"

    # -- snapshots -------------------------------------------------------------------------------

    @property
    def storage(self) -> AuthStorage:
        return self._storage

    @property
    def load_error(self) -> AuthError | None:
        """Why the last load found no usable credentials (corrupt file, keyring failure), if so."""
        return self._load_error

    def auth(self) -> CodexAuth | None:
        """The cached snapshot; no I/O, no refresh."""
        return self._auth

    def _load(self, *, first: bool = False) -> tuple[CodexAuth | None, AuthError | None]:
        """`first`: the load of a new manager (every session start makes one), which may reuse
        the record parsed from an auth.json whose stat is unchanged (`_file_record`); a reload
        always reads the storage again."""
        if self.enable_codex_api_key_env:
            key = settings.read_env_key(settings.CODEX_API_KEY_ENV, self._environ)
            if key is not None:
                return CodexAuth(MODE_API_KEY, f"env:{settings.CODEX_API_KEY_ENV}", None, key), None
        try:
            storage = self._storage
            if first and type(storage) is FileAuthStorage:
                record = _file_record(storage)
            else:
                record = storage.load()
            return (CodexAuth.from_record(record) if record else None), None
        except AuthError as err:
            log.info("could not load stored credentials: %s", err)
            return None, err

    def reload(self) -> bool:
        """Re-read storage; returns whether the snapshot changed."""
        with self._lock:
            new, error = self._load()
            changed = new != self._auth
            self._set(new)
            self._load_error = error
            return changed

    def _set(self, new: CodexAuth | None) -> None:
        if self._failed_refresh is not None and self._failed_refresh[0] != new:
            self._failed_refresh = None
        self._auth = new

    # -- bearer for requests ---------------------------------------------------------------------

    def bearer_sync(self) -> BearerCredentials | None:
        """Credentials for the next request, refreshing first when due. A failed proactive refresh
        keeps the old token (the request's 401 then drives `recover_unauthorized`)."""
        auth = self._auth
        if refresh_due(auth):
            try:
                self.refresh_sync()
            except AuthError as err:
                log.error("failed to refresh token: %s", err)
        auth = self._auth
        return auth.bearer() if auth else None

    async def bearer(self) -> BearerCredentials | None:
        if not refresh_due(self._auth):
            return self._auth.bearer() if self._auth else None
        return await asyncio.to_thread(self.bearer_sync)

    def recover_unauthorized_sync(self) -> BearerCredentials:
        """After a 401: reload (if another process refreshed or re-logged the same account, use
        that), else refresh with the refresh token. Raises AuthError when neither can help."""
        with self._lock:
            auth = self._auth
            if auth is None:
                raise AuthError(f"Not logged in; {LOGIN_HINT}")
            if auth.is_api_key:
                raise AuthError(
                    f"the API key was rejected (401 Unauthorized); check it or {LOGIN_HINT}"
                )
            expected = auth.account_id
            outcome = self._reload_if_account_matches(expected)
            if outcome == "changed":
                return self._require().bearer()
            self._refresh_from_authority()
            return self._require().bearer()

    async def recover_unauthorized(self) -> BearerCredentials:
        return await asyncio.to_thread(self.recover_unauthorized_sync)

    def _require(self) -> CodexAuth:
        if self._auth is None:
            raise AuthError(f"Not logged in; {LOGIN_HINT}")
        return self._auth

    # -- refresh ------------------------------------------------------------------------------

    def refresh_sync(self) -> None:
        """Guarded refresh: reload first; if the stored credentials already changed (another
        process refreshed), use them; if they are the same, ask the issuer."""
        with self._lock:
            auth = self._auth
            if auth is None or auth.is_api_key:
                return
            outcome = self._reload_if_account_matches(auth.account_id)
            if outcome == "changed":
                log.info("skipping token refresh: stored credentials changed since load")
                return
            self._refresh_from_authority()

    async def refresh(self) -> None:
        await asyncio.to_thread(self.refresh_sync)

    def _reload_if_account_matches(self, expected: str | None) -> str:
        if expected is None:
            log.info("skipping auth reload: no account id")
            raise RefreshTokenFailed("other", ACCOUNT_MISMATCH)
        new, error = self._load()
        if new is None or new.account_id != expected:
            log.info("skipping auth reload: account id changed")
            raise RefreshTokenFailed("other", ACCOUNT_MISMATCH)
        changed = new != self._auth
        self._set(new)
        self._load_error = error
        return "changed" if changed else "same"

    def _refresh_from_authority(self) -> None:
        from codex.auth import oauth

        auth = self._require()
        if auth.is_api_key:
            return
        if self._failed_refresh is not None and self._failed_refresh[0] == auth:
            raise self._failed_refresh[1]
        record = auth.record
        assert record is not None and record.tokens is not None
        log.info("refreshing ChatGPT token")
        try:
            response = oauth.refresh_tokens(
                record.tokens.refresh_token, settings.client_id(environ=self._environ)
            )
        except RefreshTokenFailed as err:
            self._failed_refresh = (auth, err)
            raise
        with locked(self.codex_home):
            current = self._storage.load()
            if current is None:
                raise AuthError(f"Token data is not available; {LOGIN_HINT}")
            updated = current.with_tokens(
                id_token=response.id_token,
                access_token=response.access_token,
                refresh_token=response.refresh_token,
            )
            self._storage.save(updated)
        log.info("token refreshed and saved")
        self.reload()

    # -- logout ----------------------------------------------------------------------------------

    def logout(self, *, revoke: bool = True) -> bool:
        """Revoke the refresh token (or access token) where upstream does, then delete the stored
        credentials from every place this store mode may have put them. The revoke is best
        effort: its failure is logged and logout goes on."""
        with self._lock:
            record = None
            try:
                record = self._storage.load()
            except AuthError as err:
                log.info("could not read credentials before logout: %s", err)
            if revoke and record is not None:
                revoke_record(record)
            removed = self._storage.delete()
            self.reload()
            return removed


# ---- what every new manager of the process would read the same way ----------------------------

# File storages are stateless (two paths): one per CODEX_HOME serves every manager.
_file_storages: dict[str, FileAuthStorage] = {}


def _storage_for(codex_home: Path, store_mode: str) -> AuthStorage:
    if str(store_mode) != STORE_FILE:
        return create_storage(codex_home, store_mode)
    key = os.fspath(codex_home)
    storage = _file_storages.get(key)
    if storage is None:
        if len(_file_storages) >= 32:
            _file_storages.clear()
        storage = _file_storages[key] = FileAuthStorage(codex_home)
    return storage


# auth.json as last parsed, by path: (stat stamp taken before the read, record). Reused while one
# stat finds the file unchanged (identity, size, mtime, ctime: any write or chmod changes one),
# and kept only when its last change is older than the timestamp granularity can tell apart.
_RACY_NS = 2_000_000_000
_records: dict[str, tuple[tuple[int, int, int, int, int], AuthRecord | None]] = {}


def _file_record(storage: FileAuthStorage) -> AuthRecord | None:
    """`storage.load()`, answered from `_records` when auth.json did not change since it was
    last parsed (same record, same mode warning). A missing file is None, as load() says."""
    path = os.fspath(storage.path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return storage.load()  # its own error for an unreadable path
    stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    cached = _records.get(path)
    if cached is not None and cached[0] == stamp:
        if stat.S_IMODE(st.st_mode) & 0o077:
            # What load() says on every read of such a file, said on every reuse too.
            log.warning(
                "%s is accessible by other users (mode %o); run `chmod 600 %s`",
                storage.path,
                stat.S_IMODE(st.st_mode),
                storage.path,
            )
        return cached[1]
    record = storage.load()
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) >= _RACY_NS:
        if len(_records) >= 32:
            _records.clear()
        _records[path] = (stamp, record)
    else:
        _records.pop(path, None)
    return record


def revoke_record(record: AuthRecord) -> bool:
    """Best-effort revoke of managed ChatGPT tokens; True when a revoke request succeeded."""
    from codex.auth import oauth

    if record.resolved_mode() != MODE_CHATGPT or record.tokens is None:
        return False
    tokens = record.tokens
    if tokens.refresh_token:
        token, hint, client = tokens.refresh_token, "refresh_token", settings.client_id()
    elif tokens.access_token:
        token, hint, client = tokens.access_token, "access_token", None
    else:
        return False
    try:
        oauth.revoke_token(token, hint, client)
    except AuthError as err:
        log.warning("failed to revoke auth tokens during logout: %s", err)
        return False
    return True
