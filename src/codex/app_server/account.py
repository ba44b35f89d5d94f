"""Account, model and config methods: model/list, account/read, account/login/start and
cancel, account/logout, account/rateLimits/read, config/read, config/value/write,
config/batchWrite, configRequirements/read, mcpServerStatus/list."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.framing import Followed
from codex.app_server.models import model_entries
from codex.app_server.notifications import note
from codex.app_server.params import array, boolean, integer, one_of, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer


async def model_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    boolean(p, "includeHidden")
    entries = model_entries()
    limit = integer(p, "limit") or len(entries)
    cursor = string(p, "cursor", required=False)
    start = int(cursor) if cursor and cursor.isdigit() else 0
    page = entries[start : start + limit]
    more = start + limit < len(entries)
    return {"data": page, "nextCursor": str(start + limit) if more else None}


def _auth_manager(server: AppServer) -> Any:
    from codex.api.credentials import AuthManager

    return AuthManager.from_config(server.load_config())


async def account_read(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    boolean(p, "refreshToken")
    config = server.load_config()
    provider = (
        config.model_providers.get(str(config.model_provider))
        if hasattr(config, "model_providers")
        else None
    )
    requires = bool(getattr(provider, "requires_openai_auth", False))
    account: dict[str, Any] | None = None
    from codex.api.credentials import AuthManager

    auth = AuthManager.from_config(config).auth()
    if auth is not None:
        if auth.is_chatgpt:
            account = {"type": "chatgpt", "email": None, "planType": None}
        else:
            account = {"type": "apiKey"}
    return {
        "account": account,
        "userId": None,
        "requiresOpenaiAuth": requires,
        "workspaceRouting": None,
    }


async def login_start(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    kind = one_of(p, "type", ("apiKey", "chatgpt", "chatgptDeviceCode", "chatgptAuthTokens"))
    if kind is None:
        raise errors.invalid_params("missing field `type`")
    if kind == "chatgpt":
        from codex.app_server.login import start_chatgpt

        return await start_chatgpt(server, conn)
    if kind != "apiKey":
        raise errors.invalid_request(
            f"login type {kind} is not supported by this server: run `codex login` in a terminal"
        )
    api_key = string(p, "apiKey")
    from codex.api.credentials import AuthError, AuthSettings, login_with_api_key

    try:
        login_with_api_key(AuthSettings.from_config(server.load_config()), api_key)
    except AuthError as exc:
        raise errors.invalid_request(str(exc)) from None
    updated = note("account/updated", {"authMode": "apikey", "planType": None})
    return Followed({"type": "apiKey"}, [updated])


async def login_cancel(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server.login import cancel

    return await cancel(string(p, "loginId"))


async def logout(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.api.credentials import AuthError

    try:
        _auth_manager(server).logout(revoke=False)
    except AuthError as exc:
        raise errors.invalid_request(str(exc)) from None
    return Followed({}, [note("account/updated", {"authMode": None, "planType": None})])


async def rate_limits_read(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    auth = _auth_manager(server).auth()
    if auth is None or not auth.is_chatgpt:
        raise errors.invalid_request("codex account authentication required to read rate limits")
    raise errors.invalid_request("rate limits are not available from this server")


async def config_read(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    include_layers = boolean(p, "includeLayers")
    config = server.load_config(cwd=string(p, "cwd", required=False))
    data = config.as_dict() if hasattr(config, "as_dict") else {}
    result: dict[str, Any] = {"config": _jsonable(data), "origins": {}}
    if include_layers:
        result["layers"] = []
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "value") and isinstance(value.value, str | int):
        return value.value
    return str(value)


def _config_file(server: AppServer, file_path: str | None) -> Path:
    if file_path:
        return Path(file_path)
    from codex.config.edits import ConfigEdits

    return ConfigEdits.for_overrides(server.overrides).config_file


def _version(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _write(server: AppServer, p: dict[str, Any], edits: list[dict[str, Any]]) -> dict[str, Any]:
    from codex.config.edits import ConfigEdits
    from codex.errors import CodexError

    path = _config_file(server, string(p, "filePath", required=False))
    expected = string(p, "expectedVersion", required=False)
    if expected is not None and expected != _version(path):
        raise errors.invalid_request("config version mismatch: the file changed since it was read")
    batch = ConfigEdits(path)
    for edit in edits:
        key = string(edit, "keyPath")
        one_of(edit, "mergeStrategy", ("replace", "upsert"))
        if "value" not in edit:
            raise errors.invalid_params("missing field `value`")
        value = edit["value"]
        if value is None:
            batch.remove(key)
        else:
            batch.set(key, value)
    try:
        batch.apply()
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None
    return {
        "status": "ok",
        "version": _version(path),
        "filePath": str(path),
        "overriddenMetadata": None,
    }


async def config_value_write(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    return _write(server, p, [p])


async def config_batch_write(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    edits = array(p, "edits") or []
    if not all(isinstance(e, dict) for e in edits):
        raise errors.invalid_params("invalid type: expected a map")
    return _write(server, p, edits)


async def config_requirements_read(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    return {"requirements": None}


async def mcp_server_status_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    config = server.load_config()
    servers = getattr(config, "mcp_servers", None) or {}
    data = [
        {
            "name": str(name),
            "tools": {},
            "resources": [],
            "resourceTemplates": [],
            "authStatus": "unsupported",
        }
        for name in sorted(servers)
    ]
    return {"data": data, "nextCursor": None}
