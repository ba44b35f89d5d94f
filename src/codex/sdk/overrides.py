"""The official SDK's per-thread keywords (`config=`, `model=`, `sandbox=`, ...) as the `-c
key=value` overrides core's config loader takes, so a thread's configuration is built by the
same rules as `codex -c ...` on the command line."""

from __future__ import annotations

import json
from typing import Any

from codex.sdk.types import ApprovalMode, JsonObject, Sandbox

__all__ = ["thread_overrides"]


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
