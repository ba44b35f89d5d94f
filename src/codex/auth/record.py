"""The auth.json document, field for field as the official CLI writes it, so either tool can read
the other's file. Unknown top-level keys are carried through a load/save round trip untouched.

Secrets (keys, tokens) are excluded from every repr.
"""

from __future__ import annotations

import json
from dataclasses import field, replace
from datetime import UTC, datetime
from typing import Any

from codex._dataclass import dataclass
from codex.auth.errors import AuthStorageError
from codex.auth.jwt import IdTokenInfo, JwtError

MODE_API_KEY = "apikey"
MODE_CHATGPT = "chatgpt"
MODE_CHATGPT_AUTH_TOKENS = "chatgptAuthTokens"
MODE_AGENT_IDENTITY = "agentIdentity"
KNOWN_MODES = (MODE_API_KEY, MODE_CHATGPT, MODE_CHATGPT_AUTH_TOKENS, MODE_AGENT_IDENTITY)

_KNOWN_KEYS = ("auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh")


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, fractional digits only as many as needed (chrono's AutoSi)."""
    moment = moment.astimezone(UTC)
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    micros = moment.microsecond
    if micros == 0:
        return base + "Z"
    if micros % 1000 == 0:
        return f"{base}.{micros // 1000:03d}Z"
    return f"{base}.{micros:06d}Z"


def parse_timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TokenData:
    """ChatGPT OAuth tokens. `id_token` is kept raw (it is written back byte for byte)."""

    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    account_id: str | None = None

    @property
    def id_info(self) -> IdTokenInfo:
        return IdTokenInfo.parse(self.id_token)

    def to_json(self) -> dict[str, Any]:
        return {
            "id_token": self.id_token,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "account_id": self.account_id,
        }

    @classmethod
    def from_json(cls, data: object) -> TokenData:
        if not isinstance(data, dict):
            raise ValueError("`tokens` must be an object")
        strings = {}
        for key in ("id_token", "access_token", "refresh_token"):
            value = data.get(key)
            if not isinstance(value, str):
                raise ValueError(f"`tokens.{key}` must be a string")
            strings[key] = value
        account_id = data.get("account_id")
        if account_id is not None and not isinstance(account_id, str):
            raise ValueError("`tokens.account_id` must be a string or null")
        try:
            IdTokenInfo.parse(strings["id_token"])
        except JwtError as err:
            raise ValueError(f"`tokens.id_token`: {err}") from None
        return cls(account_id=account_id, **strings)


@dataclass(frozen=True, slots=True)
class AuthRecord:
    """One auth.json document. Immutable: changes make a new record with `dataclasses.replace`."""

    auth_mode: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    tokens: TokenData | None = None
    last_refresh: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=True)

    def resolved_mode(self) -> str:
        """Upstream's rule: an explicit `auth_mode` wins, else a key means apikey, else chatgpt."""
        if self.auth_mode is not None:
            return self.auth_mode
        return MODE_API_KEY if self.openai_api_key is not None else MODE_CHATGPT

    def with_tokens(
        self,
        *,
        id_token: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        now: datetime | None = None,
    ) -> AuthRecord:
        """Merge a refresh response in (absent fields keep their old value); stamp last_refresh."""
        old = self.tokens or TokenData("", "", "", None)
        if id_token is not None:
            IdTokenInfo.parse(id_token)
        tokens = replace(
            old,
            id_token=id_token if id_token is not None else old.id_token,
            access_token=access_token if access_token is not None else old.access_token,
            refresh_token=refresh_token if refresh_token is not None else old.refresh_token,
        )
        return replace(self, tokens=tokens, last_refresh=now or datetime.now(UTC))

    def to_json_object(self) -> dict[str, Any]:
        # Key order and omissions as serde writes them: auth_mode/tokens/last_refresh are skipped
        # when absent, OPENAI_API_KEY is always present (null when unset).
        out: dict[str, Any] = {}
        if self.auth_mode is not None:
            out["auth_mode"] = self.auth_mode
        out["OPENAI_API_KEY"] = self.openai_api_key
        if self.tokens is not None:
            out["tokens"] = self.tokens.to_json()
        if self.last_refresh is not None:
            out["last_refresh"] = format_timestamp(self.last_refresh)
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    def to_file_text(self) -> str:
        """Pretty JSON with two-space indent and no trailing newline, like serde_json."""
        return json.dumps(self.to_json_object(), indent=2, ensure_ascii=False)

    def to_compact_text(self) -> str:
        """The form stored in the keyring."""
        return json.dumps(self.to_json_object(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_text(cls, text: str | bytes, *, source: str) -> AuthRecord:
        """Parse auth.json text; `source` names the file or keyring entry in errors."""
        try:
            data = json.loads(text)
        except RecursionError:  # json recurses per nested array: a hostile file is one line too
            raise AuthStorageError(
                f"{source} is not a valid auth file (nested too deep); run `codex logout` and "
                "log in again"
            ) from None
        except (ValueError, UnicodeDecodeError) as err:
            where = f" at line {err.lineno}" if isinstance(err, json.JSONDecodeError) else ""
            raise AuthStorageError(
                f"{source} is not valid JSON{where}; fix it or run `codex logout` and log in again"
            ) from None
        try:
            return cls._from_object(data)
        except ValueError as err:
            raise AuthStorageError(
                f"{source} is not a valid auth file: {err}; run `codex logout` and log in again"
            ) from None

    @classmethod
    def _from_object(cls, data: object) -> AuthRecord:
        if not isinstance(data, dict):
            raise ValueError("the top level must be an object")
        mode = data.get("auth_mode")
        if mode is not None and mode not in KNOWN_MODES:
            raise ValueError(f"unknown auth_mode {mode!r}")
        key = data.get("OPENAI_API_KEY")
        if key is not None and not isinstance(key, str):
            raise ValueError("`OPENAI_API_KEY` must be a string or null")
        tokens = data.get("tokens")
        last_refresh = data.get("last_refresh")
        if last_refresh is not None:
            if not isinstance(last_refresh, str):
                raise ValueError("`last_refresh` must be an RFC 3339 string")
            try:
                last_refresh = parse_timestamp(last_refresh)
            except ValueError:
                raise ValueError("`last_refresh` is not an RFC 3339 timestamp") from None
        return cls(
            auth_mode=mode,
            openai_api_key=key,
            tokens=TokenData.from_json(tokens) if tokens is not None else None,
            last_refresh=last_refresh,
            extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        )
