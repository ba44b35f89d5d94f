"""The context window of the model a local server actually serves, and the session limits that
follow from it.

A local model is not in codex's model table, so without this the session would record the
fallback window (272,000 tokens, 258,400 effective, what 0.169 records for `--oss` with any
model) and never compact before the server's own context (8,192 tokens for the embedded
runtime) overflows. Each server says what it serves in its own way:

  llama.cpp   `GET /props` → `default_generation_settings.n_ctx`, and every `/v1/models` entry
              has `meta.n_ctx` (also true of any llama.cpp server behind `CODEX_OSS_BASE_URL`)
  Ollama      `GET /api/ps` → `models[].context_length`, for a model that is loaded
  LM Studio   `GET /api/v0/models/{id}` → `loaded_context_length`, for a model that is loaded

Unknown stays unknown (None): the session then keeps the default, as upstream does. These are
best-effort probes with short timeouts; none of them can fail a session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from codex.config import Config

PROBE_TIMEOUT = 3.0


def _get_json(url: str, timeout: float = PROBE_TIMEOUT) -> Any:
    import httpx

    try:
        response = httpx.get(url, timeout=timeout, trust_env=False)
        if response.status_code != 200:
            return None
        return response.json()
    except (httpx.HTTPError, ValueError):
        return None


def _positive(value: Any) -> int | None:
    # bool is an int subclass; a JSON `true` is no window.
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _root(base_url: str) -> str:
    """`http://host:port/v1` → `http://host:port` (native APIs live beside the OpenAI one)."""
    base = base_url.rstrip("/")
    return base[: -len("/v1")] if base.endswith("/v1") else base


def _same_model(name: Any, model: str) -> bool:
    return isinstance(name, str) and name in (model, f"{model}:latest")


def llama_cpp_props_window(root_url: str) -> int | None:
    """n_ctx from llama.cpp's `/props` (the slot context, what a request may fill)."""
    props = _get_json(f"{root_url.rstrip('/')}/props")
    if not isinstance(props, Mapping):
        return None
    settings = props.get("default_generation_settings")
    return _positive(settings.get("n_ctx")) if isinstance(settings, Mapping) else None


def models_meta_window(base_url: str, model: str) -> int | None:
    """`meta.n_ctx` of the model's `/v1/models` entry (llama.cpp's server adds it)."""
    listing = _get_json(f"{base_url.rstrip('/')}/models")
    entries = listing.get("data") if isinstance(listing, Mapping) else None
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, Mapping) and (
            _same_model(entry.get("id"), model) or model in (entry.get("aliases") or ())
        ):
            meta = entry.get("meta")
            return _positive(meta.get("n_ctx")) if isinstance(meta, Mapping) else None
    return None


def ollama_window(base_url: str, model: str) -> int | None:
    listing = _get_json(f"{_root(base_url)}/api/ps")
    models = listing.get("models") if isinstance(listing, Mapping) else None
    for entry in models if isinstance(models, list) else ():
        if isinstance(entry, Mapping) and (
            _same_model(entry.get("model"), model) or _same_model(entry.get("name"), model)
        ):
            return _positive(entry.get("context_length"))
    return None


def lmstudio_window(base_url: str, model: str) -> int | None:
    info = _get_json(f"{_root(base_url)}/api/v0/models/{quote(model, safe='')}")
    return _positive(info.get("loaded_context_length")) if isinstance(info, Mapping) else None


def served_window(provider_id: str, base_url: str, model: str) -> int | None:
    """The window the server at `base_url` serves `model` with, when it says so."""
    window = models_meta_window(base_url, model)
    if window is None and provider_id == "ollama":
        window = ollama_window(base_url, model)
    elif window is None and provider_id == "lmstudio":
        window = lmstudio_window(base_url, model)
    return window


def auto_compact_limit(window: int, reply_budget: int) -> int:
    """Compact at 90% of the window (upstream's rule), or earlier when that would leave less
    than two replies' room: on a small window the next prompt (the last one, its reply and a
    tool output) must still fit."""
    return max(window // 2, min(window * 9 // 10, window - 2 * reply_budget))


def window_settings(config: Config, window: int | None, reply_budget: int) -> dict[str, Any]:
    """The config fields a served window sets; the user's own values win."""
    if window is None:
        return {}
    update: dict[str, Any] = {}
    if config.model_context_window is None:
        update["model_context_window"] = window
    if config.model_auto_compact_token_limit is None:
        limit_window = config.model_context_window or window
        update["model_auto_compact_token_limit"] = auto_compact_limit(limit_window, reply_budget)
    return update
