"""The official SDK's per-thread keywords (`config=`, `model=`, `sandbox=`, ...) as the `-c
key=value` overrides core's config loader takes, so a thread's configuration is built by the
same rules as `codex -c ...` on the command line."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from codex.sdk.types import ApprovalMode, JsonObject, Sandbox

if TYPE_CHECKING:
    from codex.api import Config

__all__ = ["thread_overrides", "turn_tier", "with_tier"]


def _toml(value: Any) -> str:
    """A Python value as a TOML value for a `-c key=value` (JSON is TOML for these)."""
    return json.dumps(value)


def _flatten(prefix: str, value: Any) -> list[str]:
    """{"a": {"b": 1}} -> ["a.b=1"]: the official `config=` dict as `-c` overrides."""
    if isinstance(value, dict):
        out: list[str] = []
        for key, inner in value.items():
            out += _flatten(f"{prefix}.{key}" if prefix else str(key), inner)
        return out
    return [f"{prefix}={_toml(value)}"]


def thread_overrides(
    *,
    approval_mode: ApprovalMode | None,
    config: JsonObject | None,
    model: str | None,
    model_provider: str | None,
    sandbox: Sandbox | None,
    base_instructions: str | None,
    developer_instructions: str | None,
) -> list[str]:
    """The official keyword arguments of thread_start/resume/fork as `-c` overrides: the
    `config=` dict first, then each named keyword, so a keyword wins over the same key given
    in `config=` (later overrides win)."""
    policy = None if approval_mode is None else ApprovalMode(approval_mode).approval_policy
    named = (
        ("approval_policy", policy),
        ("sandbox_mode", None if sandbox is None else Sandbox(sandbox).sandbox_mode),
        ("model", model),
        ("model_provider", model_provider),
        ("base_instructions", base_instructions),
        ("developer_instructions", developer_instructions),
    )
    out = _flatten("", config or {})
    out.extend(f"{key}={_toml(value)}" for key, value in named if value is not None)
    return out


def with_tier(config: Config, service_tier: str | None) -> Config:
    """`config` with the service tier a thread keeps, as the app-server's thread/start decides
    it for `serviceTier` (the official SDK sends it only when given): the keyword, else the
    configured tier, through codex.core.service_tier.thread_tier ("fast" is "priority", a tier
    the model does not advertise is dropped)."""
    from codex.core.service_tier import thread_tier

    value = service_tier if service_tier is not None else config.service_tier
    if value is None:
        return config
    return dataclasses.replace(config, service_tier=thread_tier(value, config.model))


def turn_tier(service_tier: str | None, model: str) -> str | None:
    """A turn's `service_tier` keyword as the UserTurn op's field, as turn/start's
    `serviceTier`: None leaves the thread's tier; a tier is kept for this and later turns;
    one `model` does not advertise clears it (""). `turn_service_tier` (turn/start's
    `serviceTierForTurn`) changes nothing in 0.169's app-server, so it has no counterpart."""
    from codex.core.service_tier import thread_tier

    if service_tier is None:
        return None
    return thread_tier(service_tier, model) or ""
