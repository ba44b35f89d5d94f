"""`--oss` and `model_provider = "oss"`: which local provider, is its server there, is the model
there, and the config the session then runs with.

Which provider: `--local-provider`, else config `oss_provider`, else `embedded` when the runtime
is installed (xllamacpp) and `$CODEX_HOME/models/` holds a model, else `ollama` (upstream's
default). Without `--oss` (or `model_provider = "oss"`) codex never switches to a local model on
its own: a missing API key stays a clear error instead of silently answering with a tiny model.

Which model: `-m`, else the provider's default (`gpt-oss:20b` for Ollama, `openai/gpt-oss-20b`
for LM Studio, `smollm2` embedded), as upstream's `--oss` ignores the configured `model`.

Ollama / LM Studio: their OpenAI-compatible `/v1/models` must answer (base URL from
CODEX_OSS_BASE_URL / CODEX_OSS_PORT as for the built-in providers) and list the model; each
failure is one line naming the URL and, when the server answered, the models it has.

Embedded: codex.local.runtime starts llama.cpp for the model file and the session talks to it
through an `embedded` provider table (Chat Completions, `tool_call_mode = "json"`, both
overridable under `[model_providers.embedded]`), with short instructions and the
`exec_command` tool unless the user set `instructions` themselves.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from codex.errors import CodexError

if TYPE_CHECKING:
    from codex.config import Config

EMBEDDED = "embedded"
DEFAULT_MODELS = {
    "ollama": "gpt-oss:20b",
    "lmstudio": "openai/gpt-oss-20b",
    EMBEDDED: "smollm2",
}
_SERVER_NAMES = {"ollama": "Ollama", "lmstudio": "LM Studio"}
_START_HINTS = {"ollama": "ollama serve", "lmstudio": "lms server start"}
_PULL_HINTS = {"ollama": "ollama pull {model}", "lmstudio": "lms get {model}"}

LOCAL_INSTRUCTIONS = (
    "You are Codex, a coding assistant working in the user's terminal through a small model "
    "that runs on this machine. Keep answers short and concrete. When you need to look at "
    "files or run a program, run one shell command with the exec_command tool, read its "
    "output, then answer. When no command is needed, answer directly."
)


def choose_provider(config: Config, flag: str | None) -> str:
    if flag:
        return flag
    if str(config.model_provider) == EMBEDDED:  # `model_provider = "embedded"` in config.toml
        return EMBEDDED
    configured = getattr(config, "oss_provider", None)
    if configured:
        return str(getattr(configured, "value", configured))
    from codex.local.models import installed
    from codex.local.runtime import xllamacpp_available

    if xllamacpp_available() and installed(Path(config.codex_home)):
        return EMBEDDED
    return "ollama"


def list_models(base_url: str, timeout: float = 3.0) -> list[str] | None:
    """Ids from `GET {base}/models` (OpenAI list shape; Ollama's `models` too); None when no
    server answers there."""
    import httpx

    try:
        response = httpx.get(f"{base_url.rstrip('/')}/models", timeout=timeout, trust_env=False)
    except httpx.HTTPError:
        return None
    try:
        data = response.json()
    except ValueError:
        return []
    ids: list[str] = []
    for entry in (data.get("data") or []) if isinstance(data, dict) else []:
        if isinstance(entry, Mapping) and entry.get("id"):
            ids.append(str(entry["id"]))
    return ids


def _has_model(available: list[str], model: str) -> bool:
    return model in available or f"{model}:latest" in available


def check_server(provider_id: str, base_url: str, model: str) -> None:
    """One clear line when the server is not there or lacks the model."""
    name = _SERVER_NAMES.get(provider_id, provider_id)
    available = list_models(base_url)
    if available is None:
        parts = urlsplit(base_url)
        where = f"{parts.hostname}:{parts.port}" if parts.port else base_url
        if parts.hostname == "localhost":
            where = f"127.0.0.1:{parts.port}"
        hint = _START_HINTS.get(provider_id, "start it")
        raise CodexError(
            f"--oss: no local {name} server answers at {where}; start it ({hint}) "
            "or set CODEX_OSS_BASE_URL"
        )
    if _has_model(available, model):
        return
    have = ", ".join(available) if available else "no models"
    pull = _PULL_HINTS.get(provider_id, "").format(model=model)
    raise CodexError(
        f"--oss: model `{model}` is not available on the {name} server at {base_url} "
        f"(it has: {have}); " + (f"get it with `{pull}` or " if pull else "") + "pick one with -m"
    )


def _model_for(config: Config, provider: str, model_flag: str | None, from_flag: bool) -> str:
    if model_flag:
        return model_flag
    from codex.config.model import DEFAULT_MODEL

    # `model_provider = "oss"` (or "embedded") in config.toml with a model of its own: keep it.
    if not from_flag and config.model != DEFAULT_MODEL:
        return config.model
    return DEFAULT_MODELS[provider]


def _embedded_table(config: Config, base_url: str) -> Any:
    from codex.config.schema import ModelProviderConfig, evolve
    from codex.protocol.config_types import WireApi

    user = (config.model_providers or {}).get(EMBEDDED)
    if user is None:
        user = ModelProviderConfig(name="embedded (llama.cpp)", wire_api=WireApi.CHAT)
    # The user's table was validated with the config; what is added here is known-good.
    return evolve(user, tool_call_mode=user.tool_call_mode or "json", base_url=base_url)


def _model_file(config: Config, model: str) -> Path:
    from codex.local.models import find, installed

    found = find(Path(config.codex_home), model)
    if found is not None:
        return found.path
    as_path = Path(model).expanduser()
    if as_path.suffix == ".gguf" and as_path.is_file():
        return as_path.resolve()
    have = ", ".join(m.name for m in installed(Path(config.codex_home))) or "none"
    raise CodexError(
        f"--oss: model `{model}` is not installed in {Path(config.codex_home) / 'models'} "
        f"(installed: {have}); run `codex models pull smollm2` or "
        f"`codex models add FILE.gguf --name {model}`"
    )


def _reply_budget(table: Any) -> int:
    """Output tokens one reply may take: JSON tool mode's cap, else none reserved."""
    if getattr(table, "tool_call_mode", None) != "json":
        return 0
    from codex.client.json_tools import MAX_REPLY_TOKENS

    return getattr(table, "max_output_tokens", None) or MAX_REPLY_TOKENS


def embedded_config(
    config: Config, model: str, base_url: str, context_window: int | None = None
) -> Config:
    """The session's config for the embedded server at `base_url`, which serves
    `context_window` tokens (the session's window and auto-compaction limit follow it)."""
    from codex.config.schema import evolve
    from codex.local.window import window_settings

    providers = dict(config.model_providers or {})
    table = providers[EMBEDDED] = _embedded_table(config, base_url)
    update: dict[str, Any] = {
        "model_provider": EMBEDDED,
        "model": model,
        "model_providers": providers,
        **window_settings(config, context_window, _reply_budget(table)),
    }
    if config.instructions is None:
        update["instructions"] = LOCAL_INSTRUCTIONS
        # One string-command shell tool and no image tool: the least a small model can misuse.
        update["features"] = evolve(config.features, unified_exec=True, view_image_tool=False)
    return evolve(config, **update)


@contextlib.contextmanager
def oss_session(
    config: Config,
    *,
    local_provider: str | None = None,
    model_flag: str | None = None,
    from_flag: bool = True,
    env: Mapping[str, str] | None = None,
) -> Iterator[Config]:
    """The config to run the session with; for `embedded`, the server lives as long as this
    context (it is stopped on the way out, whatever the exit). `from_flag`: chosen by --oss
    (which ignores the configured model) rather than by `model_provider` in config.toml."""
    from codex.config.schema import evolve

    env = os.environ if env is None else env
    provider = choose_provider(config, local_provider)
    model = _model_for(config, provider, model_flag, from_flag)
    if provider != EMBEDDED:
        from codex.client.providers import built_in_providers

        builtin = built_in_providers(env).get(provider)
        if builtin is None or builtin.base_url is None:
            raise CodexError(f"--oss: unknown local provider `{provider}`")
        check_server(provider, builtin.base_url, model)
        from codex.local.window import served_window, window_settings

        window = served_window(provider, builtin.base_url, model)
        table = (config.model_providers or {}).get(provider)
        limits = window_settings(config, window, _reply_budget(table))
        yield evolve(config, model_provider=provider, model=model, **limits)
        return
    path = _model_file(config, model)
    from codex.local.runtime import EmbeddedServer

    log = Path(config.codex_home) / "log" / "embedded-server.log"
    with EmbeddedServer(path, alias=model, log_path=log) as server:
        yield embedded_config(config, model, server.base_url, server.context_window)
