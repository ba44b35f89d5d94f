"""Model providers: the built-ins, user `[model_providers.<id>]` tables, URLs, headers and keys.

Built-ins (`openai`, `ollama`/`oss`, `lmstudio`) cannot be replaced by user tables: user entries are
merged insert-if-absent, as upstream does (spec-core §1.1). User tables arrive as plain mappings
(`ModelProviderConfig.as_dict(exclude_none=True)` or dicts) so this module never imports config.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal

from codex import __version__
from codex._dataclass import dataclass
from codex._env import getenv
from codex.client.errors import EnvVarError

WireApi = Literal["responses", "chat"]

DEFAULT_REQUEST_MAX_RETRIES = 4
DEFAULT_STREAM_MAX_RETRIES = 5
DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000
MAX_RETRIES_CAP = 100

OPENAI_API_BASE_URL = "https://api.openai.com/v1"
CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/codex"
DEFAULT_OLLAMA_PORT = 11434
DEFAULT_LMSTUDIO_PORT = 1234

_AZURE_MARKERS = (
    "openai.azure.",
    "cognitiveservices.azure.",
    "aoai.azure.",
    "azure-api.",
    "azurefd.",
)


def _non_blank_env(name: str, env: Mapping[str, str]) -> str | None:
    value = env.get(name)
    return value if value and value.strip() else None


@dataclass(frozen=True, slots=True)
class ModelProvider:
    """One provider, as `[model_providers.<id>]` spells it (unset limits use upstream defaults)."""

    id: str
    name: str
    base_url: str | None = None
    env_key: str | None = None
    env_key_instructions: str | None = None
    experimental_bearer_token: str | None = field(default=None, repr=False)
    wire_api: WireApi = "chat"
    query_params: Mapping[str, str] = field(default_factory=dict)
    http_headers: Mapping[str, str] = field(default_factory=dict)
    env_http_headers: Mapping[str, str] = field(default_factory=dict)
    request_max_retries: int | None = None
    stream_max_retries: int | None = None
    stream_idle_timeout_ms: int | None = None
    requires_openai_auth: bool = False
    # "json": one schema-constrained JSON reply per request (codex.client.json_tools).
    tool_call_mode: Literal["native", "json"] = "native"
    # JSON tool mode's cap on one reply's output tokens (None: json_tools.MAX_REPLY_TOKENS).
    max_output_tokens: int | None = None

    @classmethod
    def from_mapping(cls, provider_id: str, table: Mapping[str, Any]) -> ModelProvider:
        """Build from a config table; unknown keys are ignored, enums may be values or strings."""
        wire = table.get("wire_api", "chat")
        wire = str(getattr(wire, "value", wire)).lower()
        if wire not in ("responses", "chat"):
            raise ValueError(f"model_providers.{provider_id}.wire_api: unknown wire API {wire!r}")
        return cls(
            id=provider_id,
            name=str(table.get("name") or provider_id),
            base_url=table.get("base_url"),
            env_key=table.get("env_key"),
            env_key_instructions=table.get("env_key_instructions"),
            experimental_bearer_token=table.get("experimental_bearer_token"),
            wire_api=wire,  # type: ignore[arg-type]
            query_params=dict(table.get("query_params") or {}),
            http_headers=dict(table.get("http_headers") or {}),
            env_http_headers=dict(table.get("env_http_headers") or {}),
            request_max_retries=table.get("request_max_retries"),
            stream_max_retries=table.get("stream_max_retries"),
            stream_idle_timeout_ms=table.get("stream_idle_timeout_ms"),
            requires_openai_auth=bool(table.get("requires_openai_auth", False)),
            tool_call_mode="json" if table.get("tool_call_mode") == "json" else "native",
            max_output_tokens=table.get("max_output_tokens"),
        )

    # -- limits

    @property
    def request_retries(self) -> int:
        n = self.request_max_retries
        return min(DEFAULT_REQUEST_MAX_RETRIES if n is None else max(n, 0), MAX_RETRIES_CAP)

    @property
    def stream_retries(self) -> int:
        n = self.stream_max_retries
        return min(DEFAULT_STREAM_MAX_RETRIES if n is None else max(n, 0), MAX_RETRIES_CAP)

    @property
    def stream_idle_timeout(self) -> float:
        """Seconds without a byte before a stream counts as dead."""
        ms = self.stream_idle_timeout_ms
        return (DEFAULT_STREAM_IDLE_TIMEOUT_MS if ms is None else ms) / 1000.0

    # -- where and how to call

    def base(self, *, chatgpt_auth: bool = False) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        return CHATGPT_BASE_URL if chatgpt_auth else OPENAI_API_BASE_URL

    def url(self, *, chatgpt_auth: bool = False, endpoint: str | None = None) -> str:
        """`{base}/responses` or `{base}/chat/completions`, with `?k=v&…` query params (joined
        without encoding, as upstream does)."""
        path = endpoint or ("responses" if self.wire_api == "responses" else "chat/completions")
        url = f"{self.base(chatgpt_auth=chatgpt_auth)}/{path}"
        if self.query_params:
            url += "?" + "&".join(f"{k}={v}" for k, v in self.query_params.items())
        return url

    def is_azure_responses_endpoint(self) -> bool:
        if self.wire_api != "responses":
            return False
        if self.name.lower() == "azure":
            return True
        base = self.base_url or ""
        return any(marker in base for marker in _AZURE_MARKERS)

    def headers(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """Static headers plus env-derived ones whose variable is set and non-blank."""
        env = os.environ if env is None else env
        out = dict(self.http_headers)
        for header, var in self.env_http_headers.items():
            value = _non_blank_env(var, env)
            if value is not None:
                out[header] = value
        return out

    def api_key(self, env: Mapping[str, str] | None = None) -> str | None:
        """The key from `env_key`; None when no env_key is configured. Raises EnvVarError when it
        is configured but unset or blank."""
        if not self.env_key:
            return None
        env = os.environ if env is None else env
        value = _non_blank_env(self.env_key, env)
        if value is None:
            raise EnvVarError(self.env_key, self.env_key_instructions)
        return value


def built_in_providers(
    env: Mapping[str, str] | None = None, *, openai_base_url: str | None = None
) -> dict[str, ModelProvider]:
    """The providers every installation has, resolved against the environment. The
    `openai_base_url` config key, when set, wins over the OPENAI_BASE_URL variable."""
    env = os.environ if env is None else env
    openai = ModelProvider(
        id="openai",
        name="OpenAI",
        base_url=(openai_base_url or "").strip() or _non_blank_env("OPENAI_BASE_URL", env),
        wire_api="responses",
        http_headers={"version": __version__},
        env_http_headers={
            "OpenAI-Organization": "OPENAI_ORGANIZATION",
            "OpenAI-Project": "OPENAI_PROJECT",
        },
        requires_openai_auth=True,
    )
    ollama = ModelProvider(
        id="ollama", name="gpt-oss", base_url=_oss_base(env, DEFAULT_OLLAMA_PORT), wire_api="chat"
    )
    lmstudio = ModelProvider(
        id="lmstudio",
        name="LM Studio",
        base_url=_oss_base(env, DEFAULT_LMSTUDIO_PORT),
        wire_api="responses",
    )
    return {
        "openai": openai,
        "ollama": ollama,
        "oss": ModelProvider(**{**_fields(ollama), "id": "oss"}),
        "lmstudio": lmstudio,
    }


def _fields(p: ModelProvider) -> dict[str, Any]:
    return {name: getattr(p, name) for name in ModelProvider.__dataclass_fields__}


def _oss_base(env: Mapping[str, str], default_port: int) -> str:
    explicit = _non_blank_env("CODEX_OSS_BASE_URL", env)
    if explicit:
        return explicit
    port = _non_blank_env("CODEX_OSS_PORT", env)
    port_num = int(port) if port and port.strip().isdigit() else default_port
    return f"http://localhost:{port_num}/v1"


def merge_providers(
    user: Mapping[str, Mapping[str, Any] | ModelProvider] | None,
    env: Mapping[str, str] | None = None,
    *,
    openai_base_url: str | None = None,
) -> dict[str, ModelProvider]:
    """Built-ins plus user tables, insert-if-absent (a user table cannot replace a built-in)."""
    providers = built_in_providers(env, openai_base_url=openai_base_url)
    for provider_id, table in (user or {}).items():
        if provider_id in providers:
            continue
        if isinstance(table, ModelProvider):
            providers[provider_id] = table
        else:
            providers[provider_id] = ModelProvider.from_mapping(provider_id, table)
    return providers


def resolve_provider(
    provider_id: str,
    user: Mapping[str, Mapping[str, Any] | ModelProvider] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    openai_base_url: str | None = None,
) -> ModelProvider:
    """The provider `model_provider = "<id>"` names; one clear error if there is none."""
    providers = merge_providers(user, env, openai_base_url=openai_base_url)
    try:
        return providers[provider_id]
    except KeyError:
        from codex.errors import CodexError

        known = ", ".join(sorted(providers))
        raise CodexError(
            f"Model provider `{provider_id}` not found (known: {known}); "
            f"define it under [model_providers.{provider_id}] in config.toml"
        ) from None


# The environment variables `built_in_providers` reads: a provider kept for a config is reused
# only while they are as they were when it was resolved.
_PROVIDER_ENV = ("OPENAI_BASE_URL", "CODEX_OSS_BASE_URL", "CODEX_OSS_PORT")


def provider_for_config(config: Any, env: Mapping[str, str] | None = None) -> ModelProvider:
    """The provider a loaded `codex.config.Config` selects (`model_provider` among the built-ins
    and its `model_providers` tables, config tables or plain mappings; a top-level
    `openai_base_url` key moves the built-in `openai` provider). Against the process
    environment (`env` None) the answer is kept per config object and the values of the
    variables it depends on (codex._memo): every thread start of a process asks again, and the
    frozen provider is the same each time."""
    if env is not None:
        return _provider_for_config(config, env)
    from codex._memo import per_config

    key = ("provider", *(getenv(name) for name in _PROVIDER_ENV))  # codex._env: no KeyError
    return per_config.get(config, key, lambda: _provider_for_config(config, None))


def _provider_for_config(config: Any, env: Mapping[str, str] | None) -> ModelProvider:
    tables: dict[str, Mapping[str, Any] | ModelProvider] = {}
    for provider_id, table in (getattr(config, "model_providers", None) or {}).items():
        dump = getattr(table, "as_dict", None)
        tables[provider_id] = dump(exclude_none=True) if dump is not None else table
    base_url = getattr(config, "openai_base_url", None)
    return resolve_provider(
        str(getattr(config, "model_provider", "openai")),
        tables,
        env,
        openai_base_url=base_url if isinstance(base_url, str) else None,
    )
