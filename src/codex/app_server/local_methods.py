"""Local read-only methods of the 0.169 protocol: `fuzzyFileSearch`, `modelProvider/list`,
and `modelProvider/capabilities/read`, each answered as the official server
answers it for the same config (shapes captured from 0.169 through a raw client).

fuzzyFileSearch: upstream walks each root with the `ignore` crate (hidden files and what
.gitignore excludes are skipped) and ranks file paths with a fuzzy matcher, at most 50 per
root; here git's own list of a repository (tracked and untracked, not ignored), else a walk
skipping hidden entries, ranked by a subsequence score that favours matches in the file name
and consecutive runs. Scores are ours (the official values come from its matcher), the
indices are the matched characters' positions in `path`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import array, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

LIMIT_PER_ROOT = 50
MAX_FILES = 100_000


# ---- fuzzyFileSearch -------------------------------------------------------------------------


def _files(root: str) -> list[str]:
    """Files under `root`, relative (module docstring)."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            timeout=30,
            check=False,
        )
        if proc.returncode == 0:
            names = [n for n in proc.stdout.decode("utf-8", "replace").split("\0") if n]
            return [n for n in names if not any(p.startswith(".") for p in n.split("/"))][
                :MAX_FILES
            ]
    except (OSError, subprocess.TimeoutExpired):
        pass
    found: list[str] = []
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(top, root)
        for name in files:
            if not name.startswith("."):
                found.append(name if rel == "." else os.path.join(rel, name))
        if len(found) >= MAX_FILES:
            break
    return found[:MAX_FILES]


def match(query: str, path: str) -> tuple[int, list[int]] | None:
    """(score, matched positions in `path`) when `query` is a case-blind subsequence of it.
    The file name is tried first: a query the name alone holds is placed there."""
    lowered = path.lower()
    wanted = query.lower()
    name_start = lowered.rfind("/") + 1
    for start in (name_start, 0):
        indices: list[int] = []
        position = start - 1
        for ch in wanted:
            position = lowered.find(ch, position + 1)
            if position < 0:
                break
            indices.append(position)
        else:
            score = 0
            for n, index in enumerate(indices):
                score += 16 if index >= name_start else 4
                if n and indices[n - 1] == index - 1:
                    score += 8
            return score * 1024 - len(path), indices
    return None


def search_root(query: str, root: str) -> list[dict[str, Any]]:
    scored = []
    for path in _files(root):
        found = match(query, path)
        if found is not None:
            scored.append((-found[0], path, found[1]))
    scored.sort()
    return [
        {
            "root": root,
            "path": path,
            "match_type": "file",
            "file_name": os.path.basename(path),
            "score": -negative,
            "indices": indices,
        }
        for negative, path, indices in scored[:LIMIT_PER_ROOT]
    ]


async def fuzzy_file_search(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    query = string(p, "query")
    roots = array(p, "roots") or []
    string(p, "cancellationToken", required=False)
    if any(not isinstance(root, str) for root in roots):
        raise errors.invalid_params("invalid type: expected a string")
    files: list[dict[str, Any]] = []
    if query:
        for root in roots:  # each in a worker thread: a big tree never stalls the loop
            files.extend(await asyncio.to_thread(search_root, query, root))
    files.sort(key=lambda f: (-f["score"], f["path"]))
    return {"files": files}


# ---- modelProvider/* -------------------------------------------------------------------------


def _auth(provider: Any) -> dict[str, Any]:
    if provider.env_key:
        return {"mode": "environmentVariable", "envKey": provider.env_key}
    if provider.experimental_bearer_token or provider.http_headers or provider.env_http_headers:
        return {"mode": "externallyConfigured", "envKey": None}
    return {"mode": "none"}


async def model_provider_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    """The user's `[model_providers.*]` (editable) and the built-in `openai`."""
    config = server.load_config()
    data = [
        {
            "id": provider_id,
            "name": provider.name,
            "canEdit": True,
            "baseUrl": provider.base_url,
            "settings": {"type": "customGateway", "auth": _auth(provider)},
        }
        for provider_id, provider in sorted(config.model_providers.items())
        if provider_id != "openai"
    ]
    data.append(
        {
            "id": "openai",
            "name": "OpenAI",
            "canEdit": False,
            "baseUrl": None,
            "settings": {"type": "openai"},
        }
    )
    return {
        "data": data,
        "defaultProviderId": str(config.model_provider),
        "canChangeDefault": True,
    }


async def model_provider_capabilities_read(
    server: AppServer, conn: Connection, p: dict[str, Any]
) -> Any:
    """What the configured provider can serve of the hosted tools: the Responses API's image
    generation and web search (0.169 answers both true for the OpenAI and Responses-wire
    providers)."""
    config = server.load_config()
    provider = config.model_providers.get(str(config.model_provider))
    wire = str(getattr(getattr(provider, "wire_api", None), "value", "responses"))
    responses = provider is None or wire == "responses"
    return {"imageGeneration": responses, "webSearch": responses}


# ---- experimentalFeature/list ------------------------------------------------------------------

_STAGES = {"experimental": "underDevelopment"}  # codex-py's registry word → the protocol's


def _stage(stage: str) -> str:
    return _STAGES.get(stage, stage)


async def experimental_feature_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    """codex-py's feature flags (codex.config.features: the `[features]` keys it reads), each
    with its stage, its default and whether the loaded config enables it; paged by position.
    No display copy: 0.169 gives one only for its own beta features."""
    from codex.app_server.params import integer
    from codex.config.features import FEATURE_DEFAULTS, FEATURE_STAGES

    thread_id = string(p, "threadId", required=False)
    cwd = server.thread(p).cwd if thread_id is not None else None
    config = server.load_config(cwd=cwd)
    names = sorted(FEATURE_DEFAULTS)
    cursor = string(p, "cursor", required=False)
    start = int(cursor) if cursor and cursor.isdigit() else 0
    if cursor and not cursor.isdigit():
        raise errors.invalid_request(f"invalid cursor: {cursor}")
    limit = integer(p, "limit") or len(names)
    page = names[start : start + limit]
    data = [
        {
            "name": name,
            "stage": _stage(FEATURE_STAGES.get(name, "experimental")),
            "displayName": None,
            "description": None,
            "announcement": None,
            "enabled": bool(config.features.enabled(name)),
            "defaultEnabled": FEATURE_DEFAULTS[name],
        }
        for name in page
    ]
    more = start + limit < len(names)
    return {"data": data, "nextCursor": str(start + limit) if more else None}


async def experimental_feature_enablement_set(
    server: AppServer, conn: Connection, p: dict[str, Any]
) -> Any:
    """Process-wide: the named features on or off for every config this server loads from
    now on (threads opened later, experimentalFeature/list), above config.toml; the file is
    not changed. Answers the entries it applied (unknown names are skipped, not refused)."""
    from codex.app_server.params import mapping
    from codex.config.features import FEATURE_DEFAULTS, canonical_feature

    enablement = mapping(p, "enablement")
    if enablement is None:
        raise errors.invalid_params("missing field `enablement`")
    applied: dict[str, bool] = {}
    for name, value in enablement.items():
        if not isinstance(value, bool):
            raise errors.invalid_params("invalid type: expected a boolean")
        canonical = canonical_feature(name)
        if canonical is None or canonical not in FEATURE_DEFAULTS:
            continue  # as 0.169: a feature it does not know is left out of the answer
        applied[canonical] = value
    server.feature_overrides.update(applied)
    return {"enablement": applied}


# ---- modelProvider/config/write -------------------------------------------------------------

# Provider ids a custom gateway may not take: codex-py's built-ins (codex.client.providers).
BUILT_IN_PROVIDERS = frozenset({"openai", "ollama", "lmstudio"})


def _config_error(message: str, code: str) -> errors.RpcError:
    return errors.RpcError(errors.INVALID_REQUEST, message, {"config_write_error_code": code})


def _new_provider_id(name: str, taken: set[str]) -> str:
    """`My GW` → `my-gw` (as 0.169 allocates), `-2`, `-3`... when taken."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower())
    slug = "-".join(part for part in slug.split("-") if part) or "provider"
    candidate, n = slug, 1
    while candidate in taken or candidate in BUILT_IN_PROVIDERS:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


async def model_provider_config_write(
    server: AppServer, conn: Connection, p: dict[str, Any]
) -> Any:
    """Add a custom gateway (`[model_providers.<id>]`: name, base_url, env_key, the Responses
    wire) or patch one in the user's config.toml: an omitted field stays, `null` clears it.
    Answers the provider as modelProvider/list shows it. Bedrock and GCP settings (0.169's
    built-in cloud providers) are not codex-py's: refused."""
    from codex.app_server.params import mapping
    from codex.config.edits import ConfigEdits
    from codex.errors import CodexError

    settings = mapping(p, "settings")
    if settings is None:
        raise errors.invalid_params("missing field `settings`")
    if settings.get("type") != "customGateway":
        raise errors.invalid_request(
            f"{settings.get('type')} provider settings are not supported by codex-py"
        )
    for key in ("name", "baseUrl", "envKey", "providerId"):
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise errors.invalid_params("invalid type: expected a string")
    config = server.load_config()
    providers = dict(config.model_providers)
    provider_id = settings.get("providerId")
    if provider_id in BUILT_IN_PROVIDERS:
        raise _config_error(
            "A custom provider or gateway cannot use a built-in provider ID.",
            "configValidationError",
        )
    edits = ConfigEdits.for_overrides(server.overrides)
    if provider_id is None:
        name = (settings.get("name") or "").strip()
        if not name:
            raise _config_error("Enter a provider name.", "configValidationError")
        provider_id = _new_provider_id(name, set(providers))
        edits.set(("model_providers", provider_id, "name"), name)
        edits.set(("model_providers", provider_id, "wire_api"), "responses")
    elif provider_id not in providers:
        raise _config_error("Unknown provider ID.", "configPathNotFound")
    fields = {"name": "name", "baseUrl": "base_url", "envKey": "env_key"}
    for key, toml_key in fields.items():
        if key not in settings:
            continue
        value = settings[key]
        if key == "name" and not (value or "").strip():
            raise _config_error("Enter a provider name.", "configValidationError")
        if value is None:
            edits.remove(("model_providers", provider_id, toml_key))
        else:
            edits.set(("model_providers", provider_id, toml_key), value)
    try:
        edits.apply()
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None
    listed = await model_provider_list(server, conn, {})
    provider = next(item for item in listed["data"] if item["id"] == provider_id)
    return {"provider": provider}
